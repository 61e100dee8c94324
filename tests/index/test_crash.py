"""A reindex killed with SIGKILL at any step leaves a loadable, consistent index and resumable work."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from curbside.settings import Settings
from curbside.types import Document
from index.embed import Embedder
from index.embed_cache import EmbeddingCache
from index.versions import Chunker, open_current, reindex

SCRIPT = Path(__file__).with_name("crash_reindex.py")
POINTS = [
    "after-first-embedding-batch", "after-chunk-store", "before-manifest",
    "before-switch", "mid-switch", "before-prune",
]


def run_killed(settings: Settings, cache: Path, point: str, n_docs: int) -> None:
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), str(settings.home), str(cache), point, str(n_docs)],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == -signal.SIGKILL, f"{point}: exit {proc.returncode}\n{proc.stderr[-2000:]}"


def assert_serves(settings: Settings, allowed_docs: set[int]) -> int:
    reader = open_current(settings)  # verifies every checksum
    assert reader.n_docs in allowed_docs and len(reader.doc_ids()) == reader.n_docs
    assert reader.search_bm25("statin", 3) and reader.search_dense(Embedder().encode_query("statin"), 3)
    rows = {reader.chunk(r).doc_id for r in range(reader.n_chunks)}
    assert rows == set(reader.doc_ids())
    return reader.n_docs


@pytest.mark.slow
def test_sigkill_at_every_step_leaves_a_serving_index(
    tmp_path: Path, make_settings: Callable[..., Settings], docs: list[Document], chunker: Chunker
) -> None:
    cache = tmp_path / "private-cache"  # fresh: this test needs to see what gets embedded
    cache.mkdir()
    settings = make_settings("crash-home")
    (settings.home / "embed-cache").unlink()
    (settings.home / "embed-cache").symlink_to(cache, target_is_directory=True)
    small, full = 5, len(docs)
    reindex(docs[:small], settings, progress=False, chunker=chunker)
    model_id = Embedder().model_id

    run_killed(settings, cache, POINTS[0], full)
    assert assert_serves(settings, {small}) == small  # the old version keeps serving
    partly_cached = EmbeddingCache(cache, model_id, 384).count()
    new_chunks = 2 * (full - small)
    assert 2 * small < partly_cached < 2 * small + new_chunks

    for point in POINTS[1:]:
        current = open_current(settings).n_docs
        run_killed(settings, cache, point, full if current == small else small)
        assert_serves(settings, {small, full})
        # a half-built directory never carries a manifest, so it can never pass for a version
        assert not list(settings.index_dir.glob(".building-*/manifest.json"))

    # Every vector embedded before a kill was kept: finishing the work embeds nothing new.
    target = full if open_current(settings).n_docs == small else small
    final = reindex(docs[:target], settings, progress=False, chunker=chunker)
    assert final.chunks_embedded == 0
    assert not list(settings.index_dir.glob(".building-*"))  # leftovers were cleaned up
    fresh = replace(settings, home=tmp_path / "fresh-home")
    (fresh.home).mkdir()
    (fresh.home / "embed-cache").symlink_to(cache, target_is_directory=True)
    reindex(docs[:target], fresh, progress=False, chunker=chunker)
    a, b = open_current(settings), open_current(fresh)
    assert [a.chunk(r) for r in range(a.n_chunks)] == [b.chunk(r) for r in range(b.n_chunks)]
    assert (a.vectors() == b.vectors()).all()
