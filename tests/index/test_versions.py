"""Incremental re-indexing must give the same index as a fresh full build, and versions must switch safely."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from curbside.settings import Settings
from curbside.types import Document, pool_of
from index.embed import Embedder
from index.errors import IndexNotFound
from index.store import IndexReader
from index.versions import Chunker, list_versions, open_current, reindex, rollback

QUERIES = [
    "first-line treatment for gout flare",
    "statin muscle side effects",
    "heart failure in diabetes",
    "warfarin atrial fibrillation",
    "depression psychotherapy",
]


def snapshot(reader: IndexReader) -> dict[str, object]:
    """Everything a caller can observe: documents, chunks by row, and search results per pool."""
    embedder = Embedder()
    results: dict[str, object] = {
        "docs": [(d, reader.doc(d)) for d in reader.doc_ids()],
        "chunks": [reader.chunk(r) for r in range(reader.n_chunks)],
    }
    for q in QUERIES:
        qvec = embedder.encode_query(q)
        for pool in (None, "guideline", "research"):
            dense = reader.search_dense(qvec, 5, pool)
            lexical = reader.search_bm25(q, 5, pool)
            results[f"dense {q} {pool}"] = [(reader.chunk(r).chunk_id, round(s, 5)) for r, s in dense]
            results[f"bm25 {q} {pool}"] = [(reader.chunk(r).chunk_id, round(s, 5)) for r, s in lexical]
    return results


def test_incremental_add_change_remove_matches_full_build(
    settings: Settings, docs: list[Document], chunker: Chunker, doc_factory: Callable[..., Document],
    make_settings: Callable[..., Settings],
) -> None:
    first = reindex(docs[:6], settings, progress=False, chunker=chunker)
    assert (first.added, first.changed, first.removed) == (6, 0, 0)

    changed = doc_factory("statins", ["Statins lower LDL cholesterol.", "Myopathy is uncommon with statins."])
    final_docs = [d for d in docs[:6] if d.doc_id not in {"test:gout", "test:statins"}] + [changed, *docs[6:]]
    second = reindex(final_docs, settings, progress=False, chunker=chunker)
    assert (second.added, second.changed, second.removed, second.unchanged) == (2, 1, 1, 4)
    # Unchanged documents carry their chunks and vectors over instead of re-chunking and re-embedding.
    assert second.chunks_reused == 8
    incremental = open_current(settings)
    assert "test:gout" not in incremental.doc_ids()
    assert all(incremental.chunk(r).doc_id != "test:gout" for r in range(incremental.n_chunks))
    assert incremental.search_bm25("colchicine gout flare", 5) == []

    fresh_settings = make_settings("fresh")
    reindex(final_docs, fresh_settings, progress=False, chunker=chunker)
    fresh = open_current(fresh_settings)
    assert incremental.manifest["corpus_fingerprint"] == fresh.manifest["corpus_fingerprint"]
    assert snapshot(incremental) == snapshot(fresh)


def test_pool_search_returns_that_pools_best_k(
    settings: Settings, docs: list[Document], chunker: Chunker
) -> None:
    reindex(docs, settings, progress=False, chunker=chunker)
    reader = open_current(settings)
    qvec = Embedder().encode_query("metformin for type 2 diabetes")  # a research-pool topic
    for pool in ("guideline", "research"):
        hits = reader.search_dense(qvec, 3, pool)
        assert len(hits) == 3
        assert {pool_of(reader.chunk(r).tier) for r, _ in hits} == {pool}
    # The guideline pool answers even though every global top hit is research.
    top_global = reader.search_dense(qvec, 2)
    assert all(reader.chunk(r).tier != "guideline" for r, _ in top_global)
    assert reader.search_bm25("first-line therapy", 10, "guideline")
    lexical_hits = reader.search_bm25("first-line", 10, "guideline")
    assert lexical_hits and {pool_of(reader.chunk(r).tier) for r, _ in lexical_hits} == {"guideline"}


def test_no_change_keeps_current_version_and_skips_failures(
    settings: Settings, docs: list[Document], chunker: Chunker
) -> None:
    first = reindex(docs, settings, progress=False, chunker=chunker)
    again = reindex([*docs, "bad.pdf: unreadable"], settings, progress=False, chunker=chunker)
    assert not again.switched and again.version == first.version
    assert again.skipped == ["bad.pdf: unreadable"]
    assert again.unchanged == len(docs)


def test_list_rollback_and_pruning(
    make_settings: Callable[..., Settings], docs: list[Document], chunker: Chunker
) -> None:
    settings = make_settings("home", keep_versions=2)
    versions = [reindex(docs[: n], settings, progress=False, chunker=chunker).version for n in (3, 4, 5)]
    listed = list_versions(settings)
    assert [v.version for v in listed] == versions[1:]  # the oldest was pruned
    assert [v.current for v in listed] == [False, True]
    assert rollback(settings) == versions[1]
    assert open_current(settings).n_docs == 4
    assert rollback(settings, versions[2]) == versions[2]
    with pytest.raises(IndexNotFound, match="v000099"):
        rollback(settings, "v000099")


def test_open_current_without_index_names_the_fix(settings: Settings) -> None:
    with pytest.raises(IndexNotFound, match="curbside reindex"):
        open_current(settings)


def test_changed_chunking_settings_rebuild_everything(
    settings: Settings, docs: list[Document], chunker: Chunker
) -> None:
    reindex(docs, settings, progress=False, chunker=chunker)
    other = replace(settings, chunking=replace(settings.chunking, max_tokens=99))
    summary = reindex(docs, other, progress=False, chunker=chunker)
    assert summary.switched and summary.added == len(docs) and summary.chunks_reused == 0
    assert summary.chunks_from_cache == summary.chunks  # same texts: vectors come from the cache


def test_changed_bm25_parameters_rebuild_the_search_indexes_reusing_every_vector(
    settings: Settings, docs: list[Document], chunker: Chunker
) -> None:
    first = reindex(docs, settings, progress=False, chunker=chunker)
    before = open_current(settings).search_bm25(QUERIES[0], 3)
    other = replace(settings, index=replace(settings.index, bm25_k1=0.5, bm25_b=0.2))
    summary = reindex(docs, other, progress=False, chunker=chunker)
    assert summary.switched and summary.version != first.version and summary.search_settings_changed
    assert summary.chunks_reused == summary.chunks and summary.chunks_embedded == 0
    reader = open_current(other)
    assert (reader.manifest["bm25"]["k1"], reader.manifest["bm25"]["b"]) == (0.5, 0.2)
    after = reader.search_bm25(QUERIES[0], 3)
    assert [s for _, s in after] != pytest.approx([s for _, s in before])
    assert not reindex(docs, other, progress=False, chunker=chunker).switched


def test_empty_corpus_builds_an_index_that_finds_nothing(settings: Settings, chunker: Chunker) -> None:
    summary = reindex([], settings, progress=False, chunker=chunker)
    reader = open_current(settings)
    assert summary.switched and reader.n_chunks == 0 and reader.doc_ids() == []
    assert reader.search_bm25("statin", 5) == []
    assert reader.search_dense(Embedder().encode_query("x"), 5) == []
