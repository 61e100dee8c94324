"""Re-index jobs run in a thread of the server: heartbeat, progress lines, outcome and the new version.

The engine's ``reindex`` reports only when it is done, and embedding the new chunks is most of its time.
Each embedded batch is committed to the index layer's embedding cache, so a watcher counts the cache's
rows while the job runs and records "N new chunk vectors embedded" lines in the job's messages.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from api_engine import EngineHolder
from api_models import ReindexRequest
from api_store import Store

log = logging.getLogger("curbside.api")

# A job's thread touches its row this often; a row silent for much longer belongs to a dead process.
JOB_HEARTBEAT_S = 30.0
JOB_STALE_S = 300.0
PROGRESS_INTERVAL_S = 2.0


def embedded_counter(engine: Any) -> Callable[[], int] | None:
    """A function returning how many vectors the engine's embedding cache holds, or None if unknown.

    Only an engine with ``settings`` and an ``embedder`` (the real one) has a cache to count.
    """
    settings = getattr(engine, "settings", None)
    embedder = getattr(engine, "embedder", None)
    if settings is None or embedder is None or not hasattr(settings, "cache_dir"):
        return None
    try:
        from index.embed_cache import EmbeddingCache

        model_id, dimension = embedder.model_id, embedder.dimension
    except Exception:  # noqa: BLE001 - progress is a nicety; the job itself must still run
        log.exception("cannot watch the embedding cache; the job will report only when done")
        return None

    def count() -> int:
        # A connection per look: the watcher's thread owns it, and it never holds a lock between looks.
        cache = EmbeddingCache(settings.cache_dir, model_id, dimension)
        try:
            return cache.count()
        finally:
            cache.close()

    return count


def watch_embedding(count: Callable[[], int], report: Callable[[str], None], stop: threading.Event,
                     interval: float) -> None:
    """Until ``stop`` is set, report each change in ``count()`` since the start, with its rate."""
    try:
        baseline = count()
    except Exception:  # noqa: BLE001
        log.exception("cannot read the embedding cache; no progress lines for this job")
        return
    started, last = time.monotonic(), 0
    while not stop.wait(interval):
        try:
            embedded = count() - baseline
        except Exception:  # noqa: BLE001 - a busy cache file: try again next time
            continue
        if embedded != last:
            last = embedded
            rate = embedded / max(time.monotonic() - started, 1e-9)
            report(f"embedding: {embedded} new chunk vectors so far, {rate:.1f}/s")


def _summary_text(summary: object) -> str:
    line = getattr(summary, "line", None)  # index.versions.ReindexSummary reads best as its one line
    return line() if callable(line) else str(summary)


def run_reindex_job(engine: Any, holder: EngineHolder, store: Store, job_id: str, body: ReindexRequest,
                    progress_interval: float | None = None) -> None:
    """Run one re-index job, keeping its row alive and recording progress, outcome and new version."""
    done = threading.Event()

    def heartbeat() -> None:
        while not done.wait(JOB_HEARTBEAT_S):
            store.update_job(job_id)

    def report(line: str) -> None:
        store.update_job(job_id, message=line)

    threading.Thread(target=heartbeat, daemon=True, name=f"job-heartbeat-{job_id}").start()
    counter = embedded_counter(engine)
    if counter is not None:
        interval = PROGRESS_INTERVAL_S if progress_interval is None else progress_interval
        threading.Thread(target=watch_embedding, args=(counter, report, done, interval),
                         daemon=True, name=f"job-progress-{job_id}").start()
    store.update_job(job_id, state="running", message=f"re-indexing {len(body.sources)} source(s)")
    started = time.monotonic()
    try:
        kwargs: dict[str, Any] = {"progress_callback": report}
        if body.format is not None:
            kwargs["fmt"] = body.format
        summary = engine.reindex(list(body.sources), **kwargs)
        skipped_lines = getattr(summary, "skipped_lines", None)  # index.versions.ReindexSummary has them
        for line in skipped_lines() if callable(skipped_lines) else []:
            report(line)
        holder.note_swapped()  # the engine already swapped itself in; other workers follow the link
        index = engine.index
        store.update_job(
            job_id, state="done", summary=_summary_text(summary), index_version=str(index.version),
            message=(f"finished in {time.monotonic() - started:.1f}s: serving {index.n_docs} documents, "
                     f"{index.n_chunks} chunks"))
    except Exception as exc:
        log.exception("re-index job %s failed", job_id)
        store.update_job(job_id, state="failed", error=f"{type(exc).__name__}: {exc}")
    finally:
        done.set()
