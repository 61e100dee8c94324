"""Recommendation direction and strength read from a sentence's own words.

Ingest parses recommendations into ``Sentence.recommendation``; this is the fallback for
passages that arrive without it, and the cue that makes a sentence a recommendation.
"""

from __future__ import annotations

import re

from curbside.types import Recommendation

_AGAINST = re.compile(
    r"\b(?:recommend(?:s|ed)? against|(?:is|are) not recommended|should not be|do not use|"
    r"not (?:routinely )?recommended|avoid(?:ed)?\b|contraindicated|grade d\b)",
    re.I,
)
_CONDITIONAL = re.compile(
    r"\b(?:conditional(?:ly)?|suggest(?:s|ed)?|may be considered|reasonable|weak(?:ly)?|class iib|grade c\b)",
    re.I,
)
_FOR = re.compile(r"\b(?:recommend(?:s|ed)?|should be|is indicated|first-line|class i\b|grade [ab]\b)", re.I)
_INSUFFICIENT = re.compile(r"\b(?:insufficient evidence|grade i\b|i statement)", re.I)
# Strength as written at the end of a recommendation: "(Strong, High)", "(Class I, LOE A)", "Grade B".
_STRENGTH = re.compile(
    r"\((?P<paren>(?:strong|conditional|weak|class|grade|good practice)[^()]{0,40})\)"
    r"|\b(?P<grade>grade [a-d]|grade i)\b",
    re.I,
)


def strength_of(text: str) -> str | None:
    match = _STRENGTH.search(text)
    if not match:
        return None
    return (match.group("paren") or match.group("grade")).strip()


def direction_of(text: str) -> str | None:
    """The direction a sentence recommends, or None when it recommends nothing."""
    if _INSUFFICIENT.search(text):
        return "insufficient"
    if _AGAINST.search(text):
        return "against"
    if _CONDITIONAL.search(text):
        return "conditional"
    if _FOR.search(text):
        return "for"
    return None


def recommendation_of(text: str) -> Recommendation | None:
    """A Recommendation when the sentence states one with a strength, else None."""
    strength = strength_of(text)
    direction = direction_of(text)
    if direction is None or (strength is None and "recommend" not in text.lower()):
        return None
    return Recommendation(direction=direction, strength=strength)
