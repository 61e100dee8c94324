"""Fusion arithmetic, the per-document cap and metadata filters."""

from __future__ import annotations

import pytest

from curbside.types import DocMeta
from retrieval import Filters, cap_per_doc, rrf_fuse, weighted_fuse
from retrieval.fusion import keep_room_for_others, rank_fused


def test_rrf_rewards_agreement_between_retrievers() -> None:
    dense = [(1, 0.9), (2, 0.8), (3, 0.7)]
    lexical = [(3, 12.0), (4, 11.0), (1, 2.0)]
    fused = rrf_fuse([dense, lexical], k=60)
    assert fused[1] == pytest.approx(1 / 61 + 1 / 63)
    assert fused[3] == pytest.approx(1 / 63 + 1 / 61)
    assert fused[2] == pytest.approx(1 / 62)
    ranked = [row for row, _ in rank_fused(fused)]
    assert ranked[:2] == [1, 3]  # tie broken by row number
    assert set(ranked[2:]) == {2, 4}


def test_rrf_smaller_k_weights_top_ranks_more() -> None:
    dense = [(1, 0.9), (2, 0.8)]
    lexical = [(2, 5.0), (3, 4.0)]
    low_k = rrf_fuse([dense, lexical], k=0)
    assert low_k[1] == pytest.approx(1.0) and low_k[2] == pytest.approx(0.5 + 1.0)
    with pytest.raises(ValueError):
        rrf_fuse([dense], k=-1)


def test_weighted_fusion_normalises_each_retriever() -> None:
    dense = [(1, 0.9), (2, 0.5)]
    lexical = [(2, 30.0), (3, 10.0)]
    only_dense = weighted_fuse(dense, lexical, dense_weight=1.0)
    assert only_dense[1] == pytest.approx(1.0) and only_dense[2] == pytest.approx(0.0)
    balanced = weighted_fuse(dense, lexical, dense_weight=0.5)
    assert balanced[2] == pytest.approx(0.5) and balanced[1] == pytest.approx(0.5) and balanced[3] == 0.0
    with pytest.raises(ValueError):
        weighted_fuse(dense, lexical, dense_weight=1.5)


def test_cap_per_doc_keeps_order_and_limit() -> None:
    ranked = [(1, 0.9), (2, 0.8), (3, 0.7), (4, 0.6), (5, 0.5)]
    docs = {1: "a", 2: "a", 3: "a", 4: "b", 5: "c"}
    assert cap_per_doc(ranked, docs.__getitem__, cap=2, limit=10) == [(1, 0.9), (2, 0.8), (4, 0.6), (5, 0.5)]
    assert cap_per_doc(ranked, docs.__getitem__, cap=1, limit=2) == [(1, 0.9), (4, 0.6)]
    with pytest.raises(ValueError):
        cap_per_doc(ranked, docs.__getitem__, cap=0, limit=2)


def test_favoured_documents_leave_room_for_others() -> None:
    # Rows 1-6 come from two documents the conversation cited; 7 and 8 from others, ranked lower.
    ranked = [(1, 0.9), (2, 0.8), (3, 0.7), (4, 0.6), (5, 0.5), (6, 0.4), (7, 0.3), (8, 0.2)]
    docs = {1: "a", 2: "a", 3: "a", 4: "b", 5: "b", 6: "b", 7: "c", 8: "d"}
    kept = keep_room_for_others(ranked, docs.__getitem__, {"a", "b"}, room=2, limit=6)
    assert kept == [(1, 0.9), (2, 0.8), (3, 0.7), (4, 0.6), (7, 0.3), (8, 0.2)]
    # No other document matched: the favoured ones fill every slot.
    only_favoured = ranked[:6]
    assert keep_room_for_others(only_favoured, docs.__getitem__, {"a", "b"}, room=2, limit=6) == only_favoured
    # Others that rank high anyway take no extra room.
    mixed = [(7, 0.9), (1, 0.8), (8, 0.7), (2, 0.6)]
    kept = keep_room_for_others(mixed, docs.__getitem__, {"a"}, room=2, limit=3)
    assert kept == [(7, 0.9), (1, 0.8), (8, 0.7)]


def _meta(**kwargs) -> DocMeta:
    base = {
        "doc_id": "d",
        "title": "t",
        "source": "uspstf",
        "tier": "guideline",
        "organization": "USPSTF",
        "year": 2021,
    }
    base.update(kwargs)
    return DocMeta(**base)


def test_filters_accept_and_reject_on_each_field() -> None:
    assert Filters().empty and Filters().accepts(_meta())
    assert Filters(tiers=("guideline",)).accepts(_meta())
    assert not Filters(tiers=("systematic_review",)).accepts(_meta())
    assert Filters(organizations=("uspstf",)).accepts(_meta())
    assert not Filters(sources=("nstg2022",)).accepts(_meta())
    assert Filters(year_min=2020, year_max=2021).accepts(_meta())
    assert not Filters(year_min=2022).accepts(_meta())
    assert not Filters(year_max=2020).accepts(_meta())
    assert not Filters(year_min=2000).accepts(_meta(year=None))


def test_filters_reject_an_inverted_year_range() -> None:
    with pytest.raises(ValueError, match="year_min"):
        Filters(year_min=2022, year_max=2010)


def test_merged_hits_ranks_only_pools_that_passed_their_floor() -> None:
    from curbside.types import Chunk, DocMeta, Hit, RetrievalResult
    from retrieval.fusion import merged_hits

    def hit(doc: str, pool: str, score: float) -> Hit:
        tier = "guideline" if pool == "guideline" else "other"
        meta = DocMeta(doc_id=doc, title=doc, source="s", tier=tier)
        return Hit(Chunk(chunk_id=doc, doc_id=doc, text="t", start=0, end=1), meta, score, pool)

    result = RetrievalResult(
        query="q",
        guideline_hits=[hit("g1", "guideline", 0.05)],
        research_hits=[hit("r1", "research", 0.04), hit("r2", "research", 0.03)],
        guideline_relevant=False,
        research_relevant=True,
    )
    assert [h.doc.doc_id for h in merged_hits(result)] == ["r1", "r2"]
    result.guideline_relevant = True
    assert [h.doc.doc_id for h in merged_hits(result)] == ["g1", "r1", "r2"]
    result.guideline_relevant = result.research_relevant = False
    assert [h.doc.doc_id for h in merged_hits(result)] == ["g1", "r1", "r2"]
