"""Re-index progress: the embedding watcher reports new vectors as they are committed, then stops."""

from __future__ import annotations

import threading
import time

import api_jobs


class _Counter:
    """Stands in for the embedding cache's row count, moved by the test."""

    def __init__(self, start: int) -> None:
        self.value = start

    def __call__(self) -> int:
        return self.value


def _wait_for(predicate, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while not predicate() and time.monotonic() < deadline:
        time.sleep(0.01)
    return predicate()


def test_watcher_reports_vectors_added_since_the_job_started() -> None:
    counter, lines, stop = _Counter(1000), [], threading.Event()
    watcher = threading.Thread(target=api_jobs.watch_embedding, args=(counter, lines.append, stop, 0.01))
    watcher.start()
    try:
        time.sleep(0.05)
        assert lines == []  # nothing embedded yet: no line, however long the wait
        counter.value = 1128
        assert _wait_for(lambda: any(line.startswith("embedding: 128 new") for line in lines))
        counter.value = 1256
        assert _wait_for(lambda: any(line.startswith("embedding: 256 new") for line in lines))
    finally:
        stop.set()
        watcher.join(5)
    assert not watcher.is_alive()
    settled = len(lines)
    counter.value = 2000
    time.sleep(0.05)
    assert len(lines) == settled  # stopped: no more lines after the job ended
    assert len(lines) == len(set(lines))  # an unchanged count writes no repeated line


def test_engines_without_an_embedding_cache_get_no_watcher() -> None:
    class Plain:
        def reindex(self, sources, progress_callback=None):  # noqa: ANN001, ANN202
            return "ok"

    assert api_jobs.embedded_counter(Plain()) is None


def test_real_engine_counter_reads_the_cache(tmp_path) -> None:
    import numpy as np

    from index.embed_cache import EmbeddingCache
    from tests.api.fake_engine import make_settings

    class Embedder:
        model_id, dimension = "test-model", 4

    class Engine:
        settings = make_settings(tmp_path / "home")
        embedder = Embedder()

    count = api_jobs.embedded_counter(Engine())
    assert count is not None and count() == 0
    cache = EmbeddingCache(Engine.settings.cache_dir, "test-model", 4)
    cache.put_many(["a", "b", "c"], np.ones((3, 4), dtype=np.float32))
    cache.close()
    assert count() == 3
