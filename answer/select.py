"""Scoring and picking candidate sentences: relevant, in the right role, not redundant, within budget.

Lexical overlap with the (rewritten) query ranks every candidate; only the best few are
embedded, so the one model call stays small. Near-duplicates from other passages merge into
the picked statement as extra citations instead of repeating it.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from answer.candidates import Candidate
from answer.facets import facet_of, result_cue
from answer.recommendation_cues import direction_of
from answer.text import near_duplicate_tokens, overlap, token_set, word_count

Embed = Callable[[list[str]], np.ndarray]

# How many top lexical candidates per pool are embedded (the rest keep their lexical score).
EMBED_TOP = 12
# Two statements sharing this much of the smaller one's content are redundant.
REDUNDANT = 0.6
# A statement must reach this share of the best score in its pool to be shown at all.
RELATIVE_FLOOR = 0.55
CONTEXT_WEIGHT = 0.5
# Recommendations are what a guideline section is for; a finding over background weighs less than
# the facet asked about, so a mechanism question still gets mechanism sentences.
GUIDELINE_ROLE_WEIGHT = 0.2
RESEARCH_ROLE_WEIGHT = 0.1
# A sentence on the facet the question asks about (mechanism, dosing ...) is worth this much more.
FACET_BONUS = 0.15


@dataclass
class Scored:
    candidate: Candidate
    score: float
    facet: str
    merged: list[Candidate] = field(default_factory=list)  # near-duplicates from other passages

    @property
    def all_candidates(self) -> list[Candidate]:
        return [self.candidate, *self.merged]


def _idf(candidates: list[Candidate]) -> dict[str, float]:
    df = Counter(t for c in candidates for t in c.tokens)
    n = len(candidates)
    return {t: math.log(1.0 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}


def _lexical(query: dict[str, float], cand: Candidate, idf: dict[str, float]) -> float:
    """Share of the query's idf-weighted terms that the sentence contains."""
    default = math.log(1.0 + (len(idf) + 0.5) / 0.5) if idf else 1.0
    total = sum(w * idf.get(t, default) for t, w in query.items())
    if total == 0:
        return 0.0
    return sum(w * idf.get(t, default) for t, w in query.items() if t in cand.tokens) / total


def _role(cand: Candidate) -> float:
    """Guidelines: recommendations first. Research: results and conclusions over background."""
    if cand.is_guideline:
        # Ingest parses graded recommendations; recommending wording without a grade counts too.
        return 1.0 if cand.recommendation is not None or direction_of(cand.text) is not None else 0.0
    return result_cue(cand.text, cand.label)


def _query_weights(query: str) -> dict[str, float]:
    """The question's own terms at full weight; terms a follow-up rewrite carried over as
    "(context: ...)" at CONTEXT_WEIGHT, so they keep the topic without outweighing the new ask."""
    own, _, context = query.partition("(context:")
    weights = dict.fromkeys(token_set(context), CONTEXT_WEIGHT)
    weights.update(dict.fromkeys(token_set(own), 1.0))
    return weights


def score_candidates(query: str, candidates: list[Candidate], wanted_facet: str | None) -> list[Scored]:
    """Lexical, rank, role and facet scores for every candidate, best first (deterministic ties)."""
    if not candidates:
        return []
    query_weights = _query_weights(query)
    idf = _idf(candidates)
    scored = []
    for cand in candidates:
        facet = facet_of(cand.text)
        words = word_count(cand.text)
        score = (
            0.55 * _lexical(query_weights, cand, idf)
            + 0.20 / (1.0 + cand.hit_rank)
            + (GUIDELINE_ROLE_WEIGHT if cand.is_guideline else RESEARCH_ROLE_WEIGHT) * _role(cand)
            + (FACET_BONUS if wanted_facet is not None and facet == wanted_facet else 0.0)
            - (0.05 if words > 50 else 0.0)
        )
        scored.append(Scored(cand, score, facet))
    scored.sort(key=_order_key)
    return scored


def add_embedding_scores(query: str, pools: list[list[Scored]], embed: Embed) -> None:
    """Re-rank the top of each pool by embedding similarity, with one model call for all pools."""
    tops = [pool[:EMBED_TOP] for pool in pools]
    texts = [item.candidate.text for top in tops for item in top]
    if not texts:
        return
    vectors = np.asarray(embed([query, *texts]), dtype=np.float32)
    similarity = vectors[1:] @ vectors[0]
    position = 0
    for pool, top in zip(pools, tops, strict=True):
        for item in top:
            item.score += 0.45 * float(similarity[position])
            position += 1
        # Only the embedded ones can rise; those below keep their order beneath them.
        pool[: len(top)] = sorted(top, key=_order_key)


def _order_key(item: Scored) -> tuple:
    c = item.candidate
    return (-round(item.score, 9), c.hit_rank, c.start, c.chunk.chunk_id)


def pick(
    scored: list[Scored],
    max_statements: int,
    max_words: int,
    max_per_passage: int = 2,
) -> list[Scored]:
    """Greedy pick in score order: merge near-duplicates, skip redundant ones, respect the budgets."""
    if not scored:
        return []
    floor = scored[0].score * RELATIVE_FLOOR
    picked: list[Scored] = []
    words = 0
    per_passage: Counter[str] = Counter()
    for item in scored:
        cand = item.candidate
        if item.score < floor:
            break
        same = (p for p in picked if near_duplicate_tokens(p.candidate.tokens, cand.tokens))
        duplicate_of = next(same, None)
        if duplicate_of is not None:
            if cand.doc.doc_id not in {c.doc.doc_id for c in duplicate_of.all_candidates}:
                duplicate_of.merged.append(cand)
            continue
        if any(overlap(p.candidate.tokens, cand.tokens) >= REDUNDANT for p in picked):
            continue
        if len(picked) >= max_statements or per_passage[cand.chunk.chunk_id] >= max_per_passage:
            continue
        cost = word_count(cand.text)
        if picked and words + cost > max_words:
            continue
        picked.append(item)
        words += cost
        per_passage[cand.chunk.chunk_id] += 1
    return picked
