"""What a question is about: its specific terms, weighted by how rare they are in the index.

A statement belongs on the page only when it speaks to the question's topic (the condition, drug,
procedure or population named), not merely to the kind of question ("mechanism", "safe", "dose").
Topic terms are the question's content words minus generic question wording and facet words,
plus the synonyms retrieval expands them with ("CKD" <-> "chronic kidney disease"). Weights are
index-wide specificity (IDF) when the caller supplies it, else IDF over the retrieved sentences.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

from answer.text import token_set, tokens
from retrieval.followup import split_context
from retrieval.vocabulary import contains_phrase, content_words, drug_classes, respellings, synonyms

# Term -> specificity in [0, 1] over the whole index (retrieval's TermStats.specificity).
TermWeight = Callable[[str], float]

# Words that name the kind of question rather than its subject: sharing only these is no shared topic.
FACET_WORDS: frozenset[str] = frozenset(
    tokens(
        """mechanism mechanisms action actions work works working act acts safe safety safer risk
        risks harm harms side effect effects adverse efficacy effective effectiveness efficacious
        benefit benefits evidence dose doses dosing dosage monitor monitoring first-line line
        second-line third-line initial initiation indicated indication indications contraindicated
        contraindication contraindications guideline guidelines recommend recommended
        recommendation recommendations treatment treatments therapy therapies manage management
        option options role value useful help helps prevent prevention outcome outcomes study
        studies trial trials review reviews data"""
    )
)
# A follow-up's carried-over topic ("(context: ...)") weighs less than the words the question adds.
CONTEXT_WEIGHT = 0.5


@dataclass(frozen=True)
class Concept:
    """One thing the question names, in any of its equivalent wordings (stem sets), with a weight."""

    wordings: tuple[frozenset[str], ...]
    weight: float

    def covered(self, stems: frozenset[str]) -> float:
        """The best share of one wording's stems present ("chronic kidney disease" or "CKD")."""
        return max((len(w & stems) / len(w) for w in self.wordings if w), default=0.0)


@dataclass(frozen=True)
class QueryTopic:
    """The concepts a (rewritten) query names; empty when it names none (then nothing is restricted)."""

    concepts: tuple[Concept, ...]

    @cached_property
    def terms(self) -> frozenset[str]:
        return frozenset(s for c in self.concepts for w in c.wordings for s in w)

    @cached_property
    def _parts(self) -> tuple[float, dict[str, float], tuple[Concept, ...], dict[str, tuple[int, ...]]]:
        """(total weight, single-word concepts as stem -> weight, the other concepts, stem -> the other
        concepts using it): most concepts are one word, and a membership test is all they need; coverage
        runs for every candidate sentence, so it only looks at the few stems a sentence shares with the
        topic."""
        single: dict[str, float] = {}
        other: list[Concept] = []
        for c in self.concepts:
            if len(c.wordings) == 1 and len(c.wordings[0]) == 1:
                stem = next(iter(c.wordings[0]))
                single[stem] = single.get(stem, 0.0) + c.weight
            else:
                other.append(c)
        using: dict[str, list[int]] = {}
        for i, c in enumerate(other):
            for stem in frozenset().union(*c.wordings):
                using.setdefault(stem, []).append(i)
        total = sum(c.weight for c in self.concepts)
        return total, single, tuple(other), {stem: tuple(ids) for stem, ids in using.items()}

    def coverage(self, stems: Iterable[str]) -> float:
        """Weighted share of the concepts that ``stems`` express (0 when the query names no topic)."""
        total, single, other, using = self._parts
        if total <= 0:
            return 0.0
        present = stems if isinstance(stems, (set, frozenset)) else frozenset(stems)
        shared = self.terms.intersection(present)
        if not shared:
            return 0.0
        found = sum(single.get(stem, 0.0) for stem in sorted(shared))
        touched = sorted({i for stem in shared for i in using.get(stem, ())})
        return (found + sum(other[i].weight * other[i].covered(shared) for i in touched)) / total


def _specific(text: str) -> frozenset[str]:
    return frozenset(s for s in tokens(text) if s not in FACET_WORDS and not s.isdigit())


@lru_cache(maxsize=2048)
def _synonyms_used(text: str) -> tuple[tuple[tuple[frozenset[str], ...], tuple[str, ...]], ...]:
    """(stem sets of all wordings, wordings used) of each synonym-table entry the text uses; cached, since
    the same query is matched against every candidate sentence's features."""
    out = []
    for entry in synonyms():
        wordings = [entry.term, *entry.phrases]
        case_sensitive = entry.case_sensitive
        used = tuple(w for w in wordings if contains_phrase(text, w, case_sensitive and w == entry.term))
        if used and (stem_sets := _stem_sets(wordings)):
            out.append((stem_sets, used))
    # A drug the question names is also expressed by its class ("bridge with prednisone?" is answered by
    # "glucocorticoids should serve as a bridge"); not the reverse: a class question is not about one drug.
    for entry in drug_classes():
        wordings = [entry.term, *entry.phrases]
        if contains_phrase(text, entry.term, False) and (stem_sets := _stem_sets(wordings)):
            out.append((stem_sets, (entry.term,)))
    return tuple(out)


def _stem_sets(wordings: list[str]) -> tuple[frozenset[str], ...]:
    """The distinct non-empty stem sets of a concept's wordings."""
    return tuple(dict.fromkeys(_specific(w) for w in wordings if _specific(w)))


def _concepts(text: str, weight: Callable[[str], float], scale: float) -> list[Concept]:
    """Synonym-table entries the text uses become one concept each; other content words one each."""
    out: list[Concept] = []
    grouped: set[str] = set()
    for stem_sets, used in _synonyms_used(text):
        out.append(Concept(stem_sets, scale * max(weight(w) for w in used)))
        grouped.update(s for w in used for s in _specific(w))
    for word in content_words(text):
        for part in re.split(r"[-/]", word):
            for stem in _specific(part):
                if stem not in grouped:
                    grouped.add(stem)
                    # A British word is also expressed in American spelling ("haemodynamically stable" by
                    # "hemodynamically stable"), and "-ize" by "-ise".
                    wordings = [frozenset({stem}), *_respelt_stems(part, stem)]
                    out.append(Concept(tuple(wordings), scale * weight(part)))
    return out


@lru_cache(maxsize=4096)
def _respelt_stems(word: str, own: str) -> tuple[frozenset[str], ...]:
    """Single-stem wordings of ``word``'s other spellings (``own``: its own stem)."""
    out = {s for variant in respellings(word.lower()) - {word.lower()} for s in _specific(variant)}
    return tuple(frozenset({s}) for s in sorted(out - {own}))


def query_topic(query: str, local_idf: dict[str, float], term_weight: TermWeight | None = None) -> QueryTopic:
    """Concepts of ``query`` weighted by specificity; carried context ("(context: ...)") at CONTEXT_WEIGHT."""
    own, context = split_context(query)
    top = max(local_idf.values(), default=1.0) or 1.0

    def weight(word: str) -> float:
        if term_weight is not None:
            return max(term_weight(word), 0.05)
        stems = tokens(word)
        return max((local_idf.get(s, top) for s in stems), default=top) / top

    own_concepts = _concepts(own, weight, 1.0)
    own_terms = {s for c in own_concepts for w in c.wordings for s in w}
    context_concepts = [
        c for c in _concepts(context, weight, CONTEXT_WEIGHT) if not any(w & own_terms for w in c.wordings)
    ]
    return QueryTopic(tuple(own_concepts + context_concepts))


def local_idf(token_sets: list[frozenset[str]]) -> dict[str, float]:
    """Smoothed IDF over the retrieved sentences: the fallback when no index-wide weights are given."""
    df = Counter(t for ts in token_sets for t in ts)
    n = len(token_sets)
    return {t: math.log(1.0 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}


def query_weights(query: str) -> dict[str, float]:
    """The question's own terms at full weight; terms a follow-up rewrite carried over as
    "(context: ...)" at CONTEXT_WEIGHT, so they keep the topic without outweighing the new ask."""
    own, context = split_context(query)
    weights = dict.fromkeys(token_set(context), CONTEXT_WEIGHT)
    weights.update(dict.fromkeys(token_set(own), 1.0))
    return weights


def lexical_share(query: dict[str, float], cand: Any, idf: dict[str, float]) -> float:
    """Share of the query's idf-weighted terms that the sentence (``cand.tokens``) contains."""
    default = math.log(1.0 + (len(idf) + 0.5) / 0.5) if idf else 1.0
    total = sum(w * idf.get(t, default) for t, w in query.items())
    if total == 0:
        return 0.0
    return sum(w * idf.get(t, default) for t, w in query.items() if t in cand.tokens) / total
