"""Context passages: the other passages of the top guideline documents, for choosing the answering sentence.

Retrieval returns a few passages per document (the per-document cap keeps one long section from filling the
pool), but the sentence that answers a follow-up ("what if she has CKD?") often sits in another passage of
the section the hits came from. Those passages are cheap to rank: their vectors are already in the index.

A guideline ingested as one document per section (open-medicine's files, or any documents whose metadata
share a ``guideline_id``) has the same problem one level up: "how long do I treat him?" finds the pneumonia
guideline's severity section while the duration is stated in its empiric-therapy section. So the closest
passages of the top document's sibling sections are offered too.

A research document has the same problem in another form: a question's words match a study's background and
methods best, so the per-document cap can leave out its results and conclusions. The findings passages of the
top research documents are offered too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

import numpy as np

from curbside.types import Chunk, DocMeta, Hit

# How many of the pool's top documents lend their other passages, and how many of each at most.
CONTEXT_DOCS = 3
CONTEXT_PER_DOC = 8
# Context passages rank below every hit: their fused score is this share of the lowest hit's.
CONTEXT_SCORE_SHARE = 0.9
# Documents whose metadata share this field's value are sections of one guideline.
SIBLING_KEY = "guideline_id"
# The sibling sections of the pool's top document lend their closest passages, this many each; they rank below
# the top documents' own context passages.
SIBLING_PER_DOC = 2
SIBLING_PASSAGES = 6  # in all, the closest first
SIBLING_SCORE_SHARE = 0.8
# The top research documents lending their findings passages, and how many each at most.
FINDINGS_DOCS = 3
FINDINGS_PER_DOC = 2
# A section heading that announces findings ("Results", "Conclusions", "Authors' conclusions").
_FINDINGS_HEADING = re.compile(
    r"^\W*(?:main |authors'? )?(?:results?|findings|conclusions?|interpretation)\W*$", re.I
)


def is_findings_heading(heading: str) -> bool:
    """Whether a section heading announces a study's findings (not "Results of earlier trials")."""
    return _FINDINGS_HEADING.search(heading or "") is not None


def context_passages(
    hits: Sequence[Hit],
    rows_of_doc: Callable[[str], list[int]],
    chunk: Callable[[int], Chunk],
    dense: Callable[[int], float],
    docs: int = CONTEXT_DOCS,
    per_doc: int = CONTEXT_PER_DOC,
    wanted: Callable[[Chunk], bool] | None = None,
) -> list[Hit]:
    """Up to ``per_doc`` passages of each of the first ``docs`` documents of ``hits`` that are not hits
    themselves (and pass ``wanted``, when given), closest first, ranked below every hit."""
    if not hits:
        return []
    shown = {h.chunk.chunk_id for h in hits}
    metas: dict[str, DocMeta] = {}
    for hit in hits:
        metas.setdefault(hit.doc.doc_id, hit.doc)
    score = min(h.score for h in hits) * CONTEXT_SCORE_SHARE
    out: list[Hit] = []
    for doc_id in list(metas)[:docs]:
        # Rank by the stored vectors first; read passages only until enough are kept (a section has many).
        kept = 0
        for cos, row in _closest_rows(rows_of_doc(doc_id), dense):
            if kept == per_doc:
                break
            passage = chunk(row)
            if passage.chunk_id in shown or (wanted is not None and not wanted(passage)):
                continue
            out.append(Hit(passage, metas[doc_id], score, hits[0].pool, dense_score=cos))
            kept += 1
    return out


def _closest_rows(rows: list[int], dense: Callable[[int], float]) -> list[tuple[float, int]]:
    """(cosine, row) of ``rows``, closest to the query first (ties by row, so the order is deterministic)."""
    return sorted(((dense(r), r) for r in rows), key=lambda x: (-x[0], x[1]))


def cosine_to(vectors: np.ndarray | None, qvec: np.ndarray) -> Callable[[int], float]:
    """Row -> cosine of its stored vector to the query (0 when the index keeps no vectors)."""
    if vectors is None:
        return lambda row: 0.0
    return lambda row: float(np.asarray(vectors[row], dtype=np.float32) @ qvec)


def sibling_groups(docs: Iterable[DocMeta]) -> dict[str, tuple[str, ...]]:
    """doc id -> the other documents of its guideline (same source and ``SIBLING_KEY``), in id order."""
    groups: dict[tuple[str, str], list[str]] = {}
    for meta in docs:
        key = dict(meta.extra).get(SIBLING_KEY)
        if key:
            groups.setdefault((meta.source, key), []).append(meta.doc_id)
    out: dict[str, tuple[str, ...]] = {}
    for members in groups.values():
        members.sort()
        for doc_id in members:
            out[doc_id] = tuple(m for m in members if m != doc_id)
    return out


def sibling_passages(
    hits: Sequence[Hit],
    siblings: Callable[[str], Sequence[str]],
    rows_of_doc: Callable[[str], list[int]],
    chunk: Callable[[int], Chunk],
    doc: Callable[[str], DocMeta],
    dense: Callable[[int], float],
    per_doc: int = SIBLING_PER_DOC,
    limit: int = SIBLING_PASSAGES,
) -> list[Hit]:
    """The closest passages of each sibling section of the top document of ``hits`` (not itself a hit)."""
    if not hits:
        return []
    shown = {h.doc.doc_id for h in hits}
    score = min(h.score for h in hits) * SIBLING_SCORE_SHARE
    closest: list[tuple[float, int, str]] = []
    for doc_id in siblings(hits[0].doc.doc_id):
        if doc_id in shown:
            continue
        closest += [(cos, row, doc_id) for cos, row in _closest_rows(rows_of_doc(doc_id), dense)[:per_doc]]
    # A guideline of many sections would otherwise bring dozens of passages, each costing composing time.
    closest.sort(key=lambda x: (-x[0], x[1]))
    return [Hit(chunk(row), doc(d), score, hits[0].pool, dense_score=cos) for cos, row, d in closest[:limit]]


def findings_passages(
    hits: Sequence[Hit],
    rows_of_doc: Callable[[str], list[int]],
    chunk: Callable[[int], Chunk],
    dense: Callable[[int], float],
    docs: int = FINDINGS_DOCS,
    per_doc: int = FINDINGS_PER_DOC,
) -> list[Hit]:
    """Passages under a findings heading of the first ``docs`` documents of ``hits`` that are not hits
    themselves, closest to the query first, ranked below every hit."""
    return context_passages(hits, rows_of_doc, chunk, dense, docs, per_doc, wanted=_under_findings_heading)


def _under_findings_heading(passage: Chunk) -> bool:
    return bool(passage.section_path) and is_findings_heading(passage.section_path[-1])
