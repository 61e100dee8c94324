"""Context passages: the other passages of the top guideline documents, closest to the query first."""

from __future__ import annotations

import numpy as np

from curbside.types import Chunk, DocMeta, Hit
from retrieval.context import context_passages, cosine_to

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
