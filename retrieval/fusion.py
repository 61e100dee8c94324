"""Fusing BM25 and dense rankings, metadata filters and the per-document cap.

Everything works on row numbers and plain scores so it can be tested without an index.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence, Set
from dataclasses import dataclass

from curbside.types import DocMeta, Hit, RetrievalResult

Ranking = Sequence[tuple[int, float]]  # (row, score), best first


@dataclass(frozen=True)
class Filters:
    """Metadata constraints; an empty field means 'any'."""

    tiers: tuple[str, ...] = ()
    organizations: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    year_min: int | None = None
    year_max: int | None = None

    def __post_init__(self) -> None:
        if self.year_min is not None and self.year_max is not None and self.year_min > self.year_max:
            raise ValueError(f"filters: year_min {self.year_min} is after year_max {self.year_max}")

    @property
    def empty(self) -> bool:
        return (
            not (self.tiers or self.organizations or self.sources)
            and self.year_min is None
            and (self.year_max is None)
        )

    def accepts(self, meta: DocMeta) -> bool:
        if self.tiers and meta.tier not in self.tiers:
            return False
        if self.organizations:
            org = (meta.organization or "").lower()
            if not any(o.lower() in org for o in self.organizations):
                return False
        if self.sources and meta.source not in self.sources:
            return False
        # A document without a year cannot be shown to fall inside a requested range.
        if self.year_min is not None and (meta.year is None or meta.year < self.year_min):
            return False
        if self.year_max is not None and (meta.year is None or meta.year > self.year_max):
            return False
        return True


def rrf_fuse(rankings: Iterable[Ranking], k: int = 60) -> dict[int, float]:
    """Reciprocal rank fusion: each ranking adds 1/(k + rank) for rank 1, 2, ..."""
    if k < 0:
        raise ValueError(f"rrf_k must be >= 0, got {k}")
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, (row, _) in enumerate(ranking, start=1):
            fused[row] = fused.get(row, 0.0) + 1.0 / (k + rank)
    return fused


def _min_max(ranking: Ranking) -> dict[int, float]:
    if not ranking:
        return {}
    scores = [s for _, s in ranking]
    lo, hi = min(scores), max(scores)
    span = hi - lo
    # A single candidate (or all equal) gets full credit: it is the best this retriever found.
    return {row: (s - lo) / span if span > 0 else 1.0 for row, s in ranking}


def weighted_fuse(dense: Ranking, lexical: Ranking, dense_weight: float = 0.5) -> dict[int, float]:
    """Convex combination of min-max normalised scores; a row missing from one list gets 0 from it."""
    if not 0.0 <= dense_weight <= 1.0:
        raise ValueError(f"dense_weight must be within [0, 1], got {dense_weight}")
    d, b = _min_max(dense), _min_max(lexical)
    return {
        row: dense_weight * d.get(row, 0.0) + (1 - dense_weight) * b.get(row, 0.0)
        for row in d.keys() | b.keys()
    }


def rank_fused(fused: dict[int, float]) -> list[tuple[int, float]]:
    """Best first; ties broken by row so results are deterministic."""
    return sorted(fused.items(), key=lambda item: (-item[1], item[0]))


def cap_per_doc(
    ranked: Sequence[tuple[int, float]], doc_of: Callable[[int], str], cap: int, limit: int
) -> list[tuple[int, float]]:
    """Keep at most ``cap`` rows per document, up to ``limit`` rows, preserving order."""
    if cap < 1:
        raise ValueError(f"per_doc_cap must be >= 1, got {cap}")
    kept: list[tuple[int, float]] = []
    per_doc: dict[str, int] = {}
    for row, score in ranked:
        doc = doc_of(row)
        if per_doc.get(doc, 0) >= cap:
            continue
        per_doc[doc] = per_doc.get(doc, 0) + 1
        kept.append((row, score))
        if len(kept) >= limit:
            break
    return kept


def keep_room_for_others(
    ranked: Sequence[tuple[int, float]],
    doc_of: Callable[[int], str],
    favoured: Set[str],
    room: int,
    limit: int,
) -> list[tuple[int, float]]:
    """The first ``limit`` rows, of which at most ``limit - room`` come from ``favoured`` documents when
    other documents have rows to fill the room; order is preserved.

    A follow-up boosts the documents the conversation cited, and three of them at a few passages each can
    fill every slot: "should we screen every teenager?" after a depression-treatment turn then never sees
    the screening statement it asks about.
    """
    room = min(room, sum(1 for row, _ in ranked if doc_of(row) not in favoured))
    kept: list[tuple[int, float]] = []
    favoured_kept = 0
    for row, score in ranked:
        if doc_of(row) in favoured:
            if favoured_kept >= limit - room:
                continue
            favoured_kept += 1
        kept.append((row, score))
        if len(kept) >= limit:
            break
    return kept


def merged_hits(result: RetrievalResult) -> list[Hit]:
    """One ranking across both evidence pools, for document-level evaluation.

    Pools are fused separately, so their scores compare only within a pool: rank the pools that passed
    their relevance floor (the ones an answer shows), or both when neither did.
    """
    pools = [
        hits
        for hits, relevant in ((result.guideline_hits, result.guideline_relevant),
                               (result.research_hits, result.research_relevant))
        if relevant
    ]
    merged = [h for pool in (pools or [result.guideline_hits, result.research_hits]) for h in pool]
    return sorted(merged, key=lambda h: -h.score)
