"""Recommendation direction and strength of a guideline sentence.

Ingest parses recommendations into ``Sentence.recommendation`` and the composer trusts that:
when ingest split a passage into sentences and found no recommendation in one, the composer
does not guess a direction for it. Only passages that arrive without any sentence spans (built
by hand, or by a loader that does not split) are read here, with the very same rules ingest
uses, so a sentence cannot be "for" at ingest and "against" on the page.
"""

from __future__ import annotations

import re

from curbside.types import Recommendation
from ingest.recommendations import detect_recommendation, verb_phrase_direction

# Wording that grades a recommendation: a strength in brackets, a letter grade, an ACC/AHA class,
# or "strongly/conditionally recommends". Used to prefer graded recommendations on the page.
_STRENGTH_WORDING = re.compile(
    r"\((?:strong|conditional|weak|class|grade|good practice)[^()]{0,40}\)|\bgrade [a-d1-2]\b|\bclass i"
    r"|\b(?:strongly|conditionally)\s+recommend",
    re.I,
)


def direction_of(text: str) -> str | None:
    """The direction of the sentence's recommending verb phrase, or None when it recommends nothing."""
    return verb_phrase_direction(text)


def recommendation_of(text: str, organization: str | None = None) -> Recommendation | None:
    """The Recommendation a sentence states (ingest's rules), or None when it states none."""
    return detect_recommendation(text, organization=organization)


def has_strength(text: str, rec: Recommendation | None) -> bool:
    """Whether the recommendation carries a grade or strength, parsed or written out."""
    if rec is not None and rec.strength:
        return True
    return _STRENGTH_WORDING.search(text) is not None
