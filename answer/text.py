"""Small text helpers shared by selection, merging and verification.

Tokens are lower-cased, stop-word-free and stemmed, so "recommended" and "recommend" meet;
the same tokens decide near-duplicates at composition time and in :mod:`answer.verify`,
which keeps the two in agreement.
"""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer

_WORD = re.compile(r"[a-z0-9]+(?:[.'][a-z0-9]+)*")
_SPACE = re.compile(r"\s+")
_MARKUP = re.compile(r"\*\*|__|`")

STOPWORDS: frozenset[str] = frozenset(
    """a an and are as at be been being but by can could did do does for from had has have he her his how i if
    in into is it its may me might more most my no nor not of on or our she should so such than that the their
    them then there these they this those to was we were what when where which while who whom why will with
    would you your also any each other over under about after before between both during only same some very
    patient patients""".split()
)
# Negations carry the recommendation's direction, so they stay even though they are common.
_KEEP = frozenset({"no", "not", "nor"})
# Near-duplicate threshold: token-set overlap at or above it counts as the same statement.
NEAR_DUPLICATE = 0.8

_stemmer = Stemmer.Stemmer("english")


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    return _stemmer.stemWord(word)


def tokens(text: str, keep_negation: bool = False) -> list[str]:
    """Content tokens of ``text``: lower-case, stop words dropped, stemmed."""
    out = []
    for word in _WORD.findall(text.lower()):
        if word in STOPWORDS and not (keep_negation and word in _KEEP):
            continue
        out.append(_stem(word))
    return out


@lru_cache(maxsize=16384)
def token_set(text: str) -> frozenset[str]:
    """Content-word stems of ``text`` (negations kept); cached: headings and titles recur on every turn."""
    return frozenset(tokens(text, keep_negation=True))


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Overlap coefficient: |a & b| / min(|a|, |b|); 1.0 when one set holds the other."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def near_duplicate_tokens(sa: frozenset[str], sb: frozenset[str]) -> bool:
    # Both measures must agree: a short sentence wholly inside a long one is not a duplicate of it.
    return jaccard(sa, sb) >= NEAR_DUPLICATE - 0.15 and overlap(sa, sb) >= NEAR_DUPLICATE


def near_duplicate(a: str, b: str) -> bool:
    """Whether two sentences say the same thing in nearly the same words."""
    return near_duplicate_tokens(token_set(a), token_set(b))


def normalise_space(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def strip_markup(text: str) -> str:
    """Markdown emphasis and table pipes removed for display; the words themselves unchanged."""
    text = _MARKUP.sub("", text)
    if text.lstrip().startswith("|"):
        cells = [cell.strip() for cell in text.strip().strip("|").split("|")]
        text = ": ".join(cell for cell in cells if cell)
    return normalise_space(text)


_COUNTED_WORD = re.compile(r"[^\s|*]+")


@lru_cache(maxsize=65536)
def word_count(text: str) -> int:
    """Words as the reader sees them: markup (table pipes, emphasis stars) not counted."""
    return len(_COUNTED_WORD.findall(text))
