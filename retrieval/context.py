"""Context passages: the other passages of the top guideline documents, for choosing the answering sentence.

Retrieval returns a few passages per document (the per-document cap keeps one long section from filling the
pool), but the sentence that answers a follow-up ("what if she has CKD?") often sits in another passage of
the section the hits came from. Those passages are cheap to rank: their vectors are already in the index.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from curbside.types import Chunk, DocMeta, Hit

# How many of the pool's top documents lend their other passages, and how many of each at most.
CONTEXT_DOCS = 3
CONTEXT_PER_DOC = 8
# Context passages rank below every hit: their fused score is this share of the lowest hit's.
CONTEXT_SCORE_SHARE = 0.9


def context_passages(
    hits: Sequence[Hit],
    rows_of_doc: Callable[[str], list[int]],
    chunk: Callable[[int], Chunk],
    dense: Callable[[int], float],
    docs: int = CONTEXT_DOCS,
    per_doc: int = CONTEXT_PER_DOC,
) -> list[Hit]:
    """Passages of the first ``docs`` documents of ``hits`` that are not hits themselves, closest first."""
    if not hits:
        return []
    shown = {h.chunk.chunk_id for h in hits}
    metas: dict[str, DocMeta] = {}
    for hit in hits:
        metas.setdefault(hit.doc.doc_id, hit.doc)
    score = min(h.score for h in hits) * CONTEXT_SCORE_SHARE
    out: list[Hit] = []
    for doc_id in list(metas)[:docs]:
        # Rank by the stored vectors first and read only the passages kept (a long section has many).
        ranked = sorted(((dense(r), r) for r in rows_of_doc(doc_id)), key=lambda x: (-x[0], x[1]))
        kept = 0
        for cos, row in ranked:
            if kept == per_doc:
                break
            passage = chunk(row)
            if passage.chunk_id in shown:
                continue
            out.append(Hit(passage, metas[doc_id], score, hits[0].pool, dense_score=cos))
            kept += 1
    return out


def cosine_to(vectors: np.ndarray | None, qvec: np.ndarray) -> Callable[[int], float]:
    """Row -> cosine of its stored vector to the query (0 when the index keeps no vectors)."""
    if vectors is None:
        return lambda row: 0.0
    return lambda row: float(np.asarray(vectors[row], dtype=np.float32) @ qvec)
