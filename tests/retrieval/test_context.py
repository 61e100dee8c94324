"""Context passages: the other passages of the top guideline documents, closest to the query first."""

from __future__ import annotations

import numpy as np

from curbside.types import Chunk, DocMeta, Hit
from retrieval.context import (
    context_passages,
    cosine_to,
    findings_passages,
    is_findings_heading,
    sibling_groups,
    sibling_passages,
)

DOC_A = DocMeta("a", "A", "test", "guideline")
DOC_B = DocMeta("b", "B", "test", "guideline")
CHUNKS = [Chunk(f"c{i}", doc, f"text {i}", i * 10, i * 10 + 6) for i, doc in enumerate("aaaabb")]
VECTORS = np.eye(6, dtype=np.float32)


def _hit(row: int, score: float) -> Hit:
    chunk = CHUNKS[row]
    return Hit(chunk, DOC_A if chunk.doc_id == "a" else DOC_B, score, "guideline")


def _rows_of(doc_id: str) -> list[int]:
    return [i for i, c in enumerate(CHUNKS) if c.doc_id == doc_id]


def test_other_passages_of_hit_documents_come_closest_first_and_rank_below_the_hits() -> None:
    query = np.asarray([0, 0.2, 0.9, 0.5, 0, 0.1], dtype=np.float32)
    hits = [_hit(0, 1.0), _hit(4, 0.5)]
    out = context_passages(hits, _rows_of, CHUNKS.__getitem__, cosine_to(VECTORS, query))
    assert [h.chunk.chunk_id for h in out] == ["c2", "c3", "c1", "c5"]
    assert all(h.score < 0.5 and h.pool == "guideline" for h in out)
    assert out[0].dense_score == np.float32(0.9)


def test_only_the_first_documents_lend_passages_and_at_most_per_doc_each() -> None:
    query = np.ones(6, dtype=np.float32)
    hits = [_hit(0, 1.0), _hit(4, 0.5)]
    out = context_passages(hits, _rows_of, CHUNKS.__getitem__, cosine_to(VECTORS, query), docs=1, per_doc=2)
    assert [h.doc.doc_id for h in out] == ["a", "a"]
    assert context_passages([], _rows_of, CHUNKS.__getitem__, cosine_to(None, query)) == []


def _section(doc_id: str, guideline: str | None, source: str = "test") -> DocMeta:
    extra = (("guideline_id", guideline),) if guideline else ()
    return DocMeta(doc_id, doc_id, source, "guideline", extra=extra)


def test_sections_sharing_a_guideline_id_within_a_source_are_siblings() -> None:
    docs = [
        _section("g/severity", "g"), _section("g/therapy", "g"), _section("g/duration", "g"),
        _section("h/only", "h"), _section("loose", None), _section("other/therapy", "g", source="elsewhere"),
    ]
    groups = sibling_groups(docs)
    assert groups["g/severity"] == ("g/duration", "g/therapy")
    assert groups["h/only"] == ()
    assert "loose" not in groups
    assert groups["other/therapy"] == (), "the same key in another source is another guideline"


def test_sibling_sections_of_the_top_document_lend_their_closest_passages_below_the_hits() -> None:
    severity, therapy = _section("a", "g"), _section("b", "g")
    hits = [Hit(CHUNKS[0], severity, 1.0, "guideline"), Hit(CHUNKS[1], severity, 0.6, "guideline")]
    query = np.asarray([0, 0, 0, 0, 0.3, 0.9], dtype=np.float32)

    def siblings(doc_id: str) -> tuple[str, ...]:
        return {"a": ("b",), "b": ("a",)}[doc_id]

    out = sibling_passages(
        hits, siblings, _rows_of, CHUNKS.__getitem__, {"b": therapy}.__getitem__, cosine_to(VECTORS, query),
        per_doc=1,
    )
    assert [(h.doc.doc_id, h.chunk.chunk_id) for h in out] == [("b", "c5")], "the sibling's closest passage"
    assert all(h.score < 0.6 for h in out)
    shown = hits + [Hit(CHUNKS[4], therapy, 0.5, "guideline")]
    assert sibling_passages(
        shown, siblings, _rows_of, CHUNKS.__getitem__, {"b": therapy}.__getitem__, cosine_to(VECTORS, query)
    ) == [], "a sibling already among the hits lends nothing more"


def test_sibling_passages_are_capped_in_all_closest_first() -> None:
    top = _section("a", "g")
    metas = {d: _section(d, "g") for d in ("b", "c")}
    docs = [Chunk(f"c{i}", doc, f"text {i}", i * 10, i * 10 + 6) for i, doc in enumerate("abbbcc")]
    query = np.asarray([0, 0.1, 0.2, 0.3, 0.9, 0.8], dtype=np.float32)

    def rows_of(doc_id: str) -> list[int]:
        return [i for i, c in enumerate(docs) if c.doc_id == doc_id]

    hits = [Hit(docs[0], top, 1.0, "guideline")]
    out = sibling_passages(
        hits, lambda _: ("b", "c"), rows_of, docs.__getitem__, metas.__getitem__, cosine_to(VECTORS, query),
        per_doc=2, limit=3,
    )
    assert [h.chunk.chunk_id for h in out] == ["c4", "c5", "c3"], "closest across siblings, two per sibling"


STUDY = DocMeta("s", "A trial", "test", "randomized_trial")
STUDY_SECTIONS = ("Background", "Methods", "Results", "Results", "Conclusions", "Results of earlier trials")
STUDY_CHUNKS = [
    Chunk(f"s{i}", "s", f"text {i}", i * 10, i * 10 + 6, section_path=("A trial", heading))
    for i, heading in enumerate(STUDY_SECTIONS)
]


def test_findings_passages_of_top_research_documents_come_closest_first_below_the_hits() -> None:
    query = np.asarray([0.9, 0.8, 0.1, 0.3, 0.2, 0.95], dtype=np.float32)
    hits = [Hit(STUDY_CHUNKS[0], STUDY, 1.0, "research"), Hit(STUDY_CHUNKS[3], STUDY, 0.6, "research")]
    out = findings_passages(
        hits, lambda d: list(range(len(STUDY_CHUNKS))), STUDY_CHUNKS.__getitem__, cosine_to(VECTORS, query)
    )
    # Results and Conclusions only (not "Results of earlier trials"), not a hit already, at most two.
    assert [h.chunk.chunk_id for h in out] == ["s4", "s2"]
    assert all(h.score < 0.6 and h.pool == "research" for h in out)


def test_findings_headings() -> None:
    assert is_findings_heading("Conclusions") and is_findings_heading("Authors' conclusions")
    assert is_findings_heading("RESULTS:") and is_findings_heading("Main results")
    assert not is_findings_heading("Results of earlier trials") and not is_findings_heading("Methods")
