"""Search one evidence pool: the ranked lists fused, the documents' score bonuses, the per-document cut.

Ranked lists, each weighing the same in reciprocal rank fusion: BM25 and dense search of the standalone query;
the passages the previous turn found (on an on-topic follow-up); the dense search of a case question's asking
sentences (retrieval/focus.py); and the passages of the conversation's guidelines that name what a follow-up
newly asks. Bonuses are shares of the pool's best fused score.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from curbside.settings import RetrievalSettings
from curbside.types import Hit, pool_of
from retrieval.coverage import rank_by_terms
from retrieval.fusion import Filters, cap_per_doc, keep_room_for_others, rank_fused, rrf_fuse, weighted_fuse
from retrieval.lookups import IndexLookups

# Score bonus for documents cited in the previous turn.
REFERS_BACK_BOOST = 0.5  # the follow-up points at them ("is that a strong recommendation?")
CONTINUATION_BOOST = 0.1  # same topic, so the same documents are likely still relevant
# ... for every section of the guidelines cited in the previous turn, those cited included. Follow-up hit@5 on
# the dev conversations: 0.919 without, 0.929 at 0.03, 0.949 at every value from 0.06 to 0.2.
SAME_GUIDELINE_BOOST = 0.1
# ... for documents of an organization the question names ("what does the USPSTF say?"), which then replaces
# the boosts above. 0.2 left a follow-up's named organization below the documents the conversation had
# cited, which the remembered passages also lift: "how does the USPSTF position compare?" was refused for want
# of a USPSTF document among the top three.
NAMED_ORGANIZATION_BOOST = 0.5
# How many passages of the conversation's guidelines that name a follow-up's own words are fused (one more
# ranked list). Follow-up hit@5 on the dev conversations: 0.949 without, 0.960 at 10, 20 and 50.
NAMING_DEPTH = 20
# Slots of a pool's hits kept for documents the conversation has not cited (when any match).
ROOM_FOR_NEW_DOCUMENTS = 2


@dataclass(frozen=True)
class PoolQuery:
    """What one question searches each pool with."""

    text: str  # the standalone query with its expansions (BM25)
    vector: np.ndarray  # its embedding (dense)
    cosine: Callable[[int], float]  # a stored passage's cosine to ``vector``
    filters: Filters | None = None
    boosted: Mapping[str, float] = field(default_factory=dict)  # cited last turn: their bonus
    memory: Sequence[int] = ()  # rows the previous turn found (an on-topic follow-up)
    rank_memory: bool = True  # rank them by ``cosine`` (False: the index stores no vectors)
    named: frozenset[str] = frozenset()  # organizations the question names
    asking_vector: np.ndarray | None = None  # a case question's asking sentences, embedded
    same_guideline: Mapping[str, float] = field(default_factory=dict)  # sections of the cited guidelines
    follow_up_terms: Sequence[str] = ()  # a follow-up's own words

    @property
    def filtering(self) -> bool:
        return self.filters is not None and not self.filters.empty


@dataclass
class PoolResult:
    hits: list[Hit]
    best_dense: float
    judged_docs: list[str]  # documents in the order the relevance check reads them


def same_guideline_bonuses(boosted: Iterable[str], lookups: IndexLookups) -> dict[str, float]:
    """Score bonus for every section of the guidelines among ``boosted`` (the cited sections too, on top of
    their own boost): a follow-up on the same topic often asks about another part of the same guideline
    ("would a calcium score help?" after the statin recommendation is answered in its risk-assessment
    section)."""
    guidelines = [d for d in boosted if pool_of(lookups.doc(d).tier) == "guideline"]
    return dict.fromkeys(lookups.guideline_sections(guidelines), SAME_GUIDELINE_BOOST)


class PoolSearch:
    def __init__(self, index: Any, lookups: IndexLookups, settings: RetrievalSettings) -> None:
        self.index = index
        self.lookups = lookups
        self.settings = settings

    def search(self, pool: str, q: PoolQuery) -> PoolResult:
        """The pool's hits, its best dense cosine, and its documents as the relevance check reads them."""
        s = self.settings
        # Filters drop candidates after search, so ask for more when filtering.
        depth = s.candidates * (4 if q.filtering else 1)
        dense = self._searched(self.index.search_dense(q.vector, depth, pool=pool), q)
        lexical = self._searched(self.index.search_bm25(q.text, depth, pool=pool), q)
        remembered = self._rank_memory(q, pool)
        asked: list[tuple[int, float]] = []
        if q.asking_vector is not None:
            asked = self._searched(self.index.search_dense(q.asking_vector, depth, pool=pool), q)
        naming = self._passages_naming(q, pool)
        ranked = self._rank([dense, lexical, remembered, asked, naming], q)
        # The relevance check asks whether the evidence names what the follow-up newly asks; the passages
        # found for naming it would answer that by construction, so it reads the ranking made without them.
        judged = self._rank([dense, lexical, remembered, asked], q) if naming else ranked
        dense_of, bm25_of = dict(dense), dict(lexical)
        hits = [
            Hit(
                chunk=self.lookups.chunk(row),
                doc=self.lookups.doc(self.lookups.chunk(row).doc_id),
                score=score,
                pool=pool,
                bm25_score=bm25_of.get(row),
                dense_score=dense_of[row] if row in dense_of else q.cosine(row),
            )
            for row, score in ranked
        ]
        judged_docs = list(dict.fromkeys(self.lookups.doc_of(row) for row, _ in judged))
        return PoolResult(hits, dense[0][1] if dense else 0.0, judged_docs)

    def _searched(self, found: list[tuple[int, float]], q: PoolQuery) -> list[tuple[int, float]]:
        if q.filtering:
            found = [(r, v) for r, v in found if self._accepts(q, r)]
        return found[: self.settings.candidates]

    def _bonus(self, doc_id: str, q: PoolQuery) -> float:
        if q.named:
            # A question that names an organization turns to it: what the conversation cited from others is
            # no longer preferred ("how does the USPSTF position compare?").
            return NAMED_ORGANIZATION_BOOST if self.lookups.doc(doc_id).organization in q.named else 0.0
        return q.boosted.get(doc_id, 0.0) + q.same_guideline.get(doc_id, 0.0)

    def _rank(self, lists: list[list[tuple[int, float]]], q: PoolQuery) -> list[tuple[int, float]]:
        """Fuse ``lists``, add each document's bonus, cap passages per document and keep room for documents
        the conversation has not cited: the first ``k_per_pool`` (row, score)."""
        s = self.settings
        if s.fusion == "rrf":
            fused = rrf_fuse(lists, s.rrf_k)
        elif s.fusion == "weighted":
            fused = weighted_fuse(lists[0], lists[1], s.dense_weight)
        else:
            raise ValueError(f"retrieval.fusion must be 'rrf' or 'weighted', got {s.fusion!r}")
        doc_of = self.lookups.doc_of
        if fused:
            top = max(fused.values())
            for row in fused:
                fused[row] += top * self._bonus(doc_of(row), q)
        # Without boosted documents this is the plain cut to the first k_per_pool.
        capped = cap_per_doc(rank_fused(fused), doc_of, s.per_doc_cap, len(fused))
        return keep_room_for_others(capped, doc_of, q.boosted.keys(), ROOM_FOR_NEW_DOCUMENTS, s.k_per_pool)

    def _passages_naming(self, q: PoolQuery, pool: str) -> list[tuple[int, float]]:
        """This pool's passages of the conversation's guidelines that name the follow-up's own words, the more
        specific words first: a follow-up usually stays in the guideline the conversation is in, and the
        passage that names what it newly asks ("she's 10 weeks pregnant") is in a section the conversation
        has not cited yet, which neither the carried topic words nor the previous turn's passages point at."""
        if not q.follow_up_terms:
            return []
        rows = [r for d in q.same_guideline for r in self.lookups.rows_of_doc(d)]
        rows = [r for r in rows if pool_of(self.lookups.chunk(r).tier) == pool]
        if q.filtering:
            rows = [r for r in rows if self._accepts(q, r)]
        stats = self.lookups.term_stats()
        return rank_by_terms(rows, q.follow_up_terms, self.lookups.row_stems, stats, NAMING_DEPTH)

    def _rank_memory(self, q: PoolQuery, pool: str) -> list[tuple[int, float]]:
        """This pool's passages of the previous turn, closest to the query first (no vectors: as found)."""
        rows = [r for r in q.memory if pool_of(self.lookups.chunk(r).tier) == pool]
        if q.filtering:
            rows = [r for r in rows if self._accepts(q, r)]
        if not rows or not q.rank_memory:
            return [(r, 0.0) for r in rows]
        scored = [(r, q.cosine(r)) for r in rows]
        return sorted(scored, key=lambda x: (-x[1], x[0]))

    def _accepts(self, q: PoolQuery, row: int) -> bool:
        return q.filters is None or q.filters.accepts(self.lookups.doc(self.lookups.doc_of(row)))
