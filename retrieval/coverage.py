"""Does the retrieved evidence mention what the question newly asks about?

An on-topic follow-up that no document answers ("should he also get the RSV vaccine?") retrieves passages as
close as an answerable one; what gives it away is that its own specific words (drug, test, population,
procedure) are absent from those passages.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence, Set
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from ingest.sentence_rules import rule_split
from retrieval.vocabulary import content_words, drug_classes, respellings, stem, stems, synonyms


@dataclass
class TermStats:
    """Document frequencies of word stems over the indexed chunks, for specificity (IDF) weights."""

    n_chunks: int
    df: Mapping[str, int]

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> TermStats:
        df: dict[str, int] = {}
        n = 0
        for text in texts:
            n += 1
            for s in stems(text):
                df[s] = df.get(s, 0) + 1
        return cls(n, df)

    @classmethod
    def from_index(cls, index: Any) -> TermStats:
        """Read the frequencies from the index's BM25 postings when it exposes them, else count chunk texts.

        Both use the same Snowball English stems, so the two ways agree on single words.
        """
        model = getattr(index, "_bm25", None)
        scores = getattr(model, "scores", None)
        vocab = getattr(model, "vocab_dict", None)
        if isinstance(scores, dict) and "indptr" in scores and isinstance(vocab, dict):
            return cls(int(index.n_chunks), _PostingCounts(np.asarray(scores["indptr"]), vocab))
        return cls.from_texts(index.chunk(r).text for r in range(index.n_chunks))

    def idf(self, term: str) -> float:
        """Mean smoothed IDF of the term's words (a phrase is as specific as its words on average)."""
        # Hyphenated and slashed words are scored by their parts, as the BM25 tokenizer splits them.
        parts = [stem(w) for w in re.split(r"[\s/-]+", term) if w] or [stem(term)]
        values = [math.log((self.n_chunks + 1) / (self.df.get(p, 0) + 1)) for p in parts]
        return sum(values) / len(values)

    def specificity(self, term: str) -> float:
        """IDF scaled to [0, 1] by the largest possible IDF, so one threshold fits corpora of any size."""
        top = math.log(self.n_chunks + 1)
        return self.idf(term) / top if top > 0 else 0.0


def rank_by_terms(
    rows: Iterable[int],
    terms: Sequence[str],
    row_stems: Callable[[int], Set[str]],
    term_stats: TermStats,
    depth: int,
) -> list[tuple[int, float]]:
    """The first ``depth`` of ``rows`` that name any of ``terms`` (a phrase: all its words), scored by the
    summed IDF of the terms each names, best first (ties by row)."""
    wanted = [(term_stats.idf(t), frozenset(stems(t))) for t in dict.fromkeys(terms)]
    wanted = [(weight, words) for weight, words in wanted if words]
    scored = []
    for row in rows:
        present = row_stems(row)
        score = sum(weight for weight, words in wanted if words <= present)
        if score > 0:
            scored.append((row, score))
    scored.sort(key=lambda h: (-h[1], h[0]))
    return scored[:depth]


class _PostingCounts(Mapping[str, int]):
    """Document frequency of a stem = the length of its posting list in a bm25s index."""

    def __init__(self, indptr: np.ndarray, vocab: dict[str, int]) -> None:
        self._indptr = indptr
        self._vocab = vocab

    def __getitem__(self, key: str) -> int:
        i = self._vocab[key]
        if i + 1 >= len(self._indptr):
            raise KeyError(key)
        return int(self._indptr[i + 1] - self._indptr[i])

    def __iter__(self) -> Iterator[str]:
        return iter(self._vocab)

    def __len__(self) -> int:
        return len(self._vocab)


def _phrase_alternatives(phrase: str) -> list[set[str]]:
    """Stem sets for a phrase: as written, with one word respelt, and (hyphenated words) by their parts."""
    parts = phrase.lower().split()
    alts = [{stem(w) for w in parts}]
    for i, word in enumerate(parts):
        for variant in respellings(word) - {word}:
            alts.append({stem(w) for w in parts[:i] + [variant] + parts[i + 1 :]})
    split = [p for p in re.split(r"[\s/-]+", phrase.lower()) if p]
    if len(split) > len(parts):
        alts.append({stem(p) for p in split})
    return alts


@lru_cache(maxsize=4096)
def _alternatives(term: str) -> tuple[frozenset[str], ...]:
    """Stem sets any of which counts as the term being present (the term itself or a synonym)."""
    low = term.lower()
    alts = _phrase_alternatives(low)
    for entry in synonyms() + drug_classes():
        names = [entry.term.lower(), *(p.lower() for p in entry.phrases)]
        if low in names:
            for name in names:
                alts.extend(_phrase_alternatives(name))
    return tuple(frozenset(a) for a in alts if a)


def asked_terms(
    question: str,
    earlier_questions: Sequence[str],
    is_specific: Callable[[str], bool],
) -> list[str]:
    """What the question newly asks about: its specific words (``is_specific``: drug, test, population or
    procedure names) that the earlier questions of the same topic did not already use.

    Words already in the conversation name the topic, which the retrieved evidence was found for anyway; the
    relevance question is whether the evidence also speaks of what this turn adds. Only the sentences that
    ask are read: "62M ex-smoker with COPD and T2DM, RLL pneumonia. Which oral regimen?" describes the patient
    first, and no guideline needs to say "RLL" or "ex-smoker" to answer it.
    """
    earlier: set[str] = set()
    for text in earlier_questions:
        earlier |= stems(text)
    out = []
    for term in question_terms(asking_part(question)):
        if not is_specific(term):
            continue
        if any(alt <= earlier for alt in _alternatives(term)):
            continue
        out.append(term)
    return out


def asking_part(question: str) -> str:
    """The sentences ending in a question mark; the whole text when none does ("Colchicine dose for gout")."""
    sentences = [question[start:end] for start, end in rule_split(question)]
    asking = [s for s in sentences if s.endswith("?")]
    return " ".join(asking) if asking else question


def question_terms(question: str) -> list[str]:
    """The question's own content words, in order, without repeats."""
    seen: set[str] = set()
    out = []
    for w in content_words(question):
        if w not in seen:
            seen.add(w)
            out.append(w)
    return out


def coverage(
    terms: Sequence[str], evidence_texts: Sequence[str], stats: TermStats | None
) -> tuple[float, list[str]]:
    """Specificity-weighted share of ``terms`` present in the evidence, and the missing terms (most
    specific first)."""
    if not terms:
        return 1.0, []
    present_stems: set[str] = set()
    for text in evidence_texts:
        present_stems |= stems(text)
    return coverage_of_stems(terms, present_stems, stats)


def coverage_of_stems(
    terms: Sequence[str], present_stems: Set[str], stats: TermStats | None
) -> tuple[float, list[str]]:
    """As ``coverage``, with the evidence given as its word stems (cached per passage by the caller)."""
    if not terms:
        return 1.0, []
    total = found = 0.0
    missing: list[tuple[float, str]] = []
    for term in terms:
        weight = stats.idf(term) if stats is not None else 1.0
        total += weight
        if is_present(term, present_stems, stats):
            found += weight
        else:
            missing.append((weight, term))
    missing.sort(key=lambda m: (-m[0], m[1]))
    return (found / total if total > 0 else 1.0), [t for _, t in missing]


# Negating prefixes: "afebrile" is about fever, "asymptomatic" about symptoms.
_NEGATING_PREFIXES = ("non", "un", "a")
# Word forms the stemmer leaves apart ("itchy" -> "itchi", "itching" -> "itch"): one stem is a prefix of the
# other, of at least this many letters and this share of the longer one.
MIN_SHARED_PREFIX = 4
MIN_PREFIX_SHARE = 0.75
# Parts of a hyphenated word at least this specific (scaled IDF) carry its meaning: "mid-flare" is about a
# flare, "catheter-based" about a catheter.
PART_SPECIFICITY = 0.3


def is_present(term: str, present_stems: Set[str], stats: TermStats | None = None) -> bool:
    """Whether the evidence (its stems) speaks of ``term``: the term or a synonym as written, respelt,
    without a negating prefix, in another word form, or (hyphenated terms) by their specific parts."""
    if any(alt and alt <= present_stems for alt in _alternatives(term)):
        return True
    parts = [p for p in re.split(r"[\s/-]+", term.lower()) if p]
    if len(parts) > 1:
        # Short parts are modifiers ("mid", "re", "pre", "co"); of the others, the specific ones carry the
        # meaning, or all of them when none is specific.
        words_ = [p for p in parts if len(p) >= MIN_SHARED_PREFIX]
        specific = [p for p in words_ if stats is not None and stats.specificity(p) >= PART_SPECIFICITY]
        carrying = specific or words_
        return bool(carrying) and all(_word_present(p, present_stems) for p in carrying)
    return _word_present(parts[0], present_stems) if parts else False


def _word_present(word: str, present_stems: Set[str]) -> bool:
    forms = {stem(word)} | {stem(word[len(p) :]) for p in _NEGATING_PREFIXES if word.startswith(p)}
    forms = {f for f in forms if len(f) >= MIN_SHARED_PREFIX}
    if forms & present_stems:
        return True
    return any(_same_word(f, e) for f in forms for e in present_stems if e[:2] == f[:2])


def _same_word(a: str, b: str) -> bool:
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) < MIN_SHARED_PREFIX or len(short) / len(long_) < MIN_PREFIX_SHARE:
        return False
    return long_.startswith(short)
