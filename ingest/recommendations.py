"""Recommendation direction and strength, in the source's own grading scheme.

A sentence states a recommendation when it carries a grading marker (GRADE "Strong, High",
"Grade 1A"; ACC/AHA "Class IIa, LOE B-R"; a letter grade "(Grade A)"; USPSTF letter grades from
the record's metadata) or when a recommending verb phrase is its predicate ("recommends",
"strongly recommends against", "is not recommended", "we suggest"). Direction comes from that
verb phrase, never from words elsewhere in the sentence ("... to avoid flares" does not make a
recommendation one against). Sentences that only mention a recommendation ("the reason for its
recommendation against X", "makes no recommendations for Y") and Markdown headings are not
recommendations. Scheme names come from the document's organization (see
:mod:`ingest.recommendation_schemes`).
"""

from __future__ import annotations

import re

from curbside.types import Recommendation
from ingest.recommendation_schemes import (
    Marker,
    class_marker,
    grade_marker,
    letter_marker,
    scheme_for_organization,
)

_HEADING = re.compile(r"^\s*#{1,6}\s")
_NOT_GRADED = re.compile(r"\((?:Not Graded|Ungraded|Practice Point|Good Practice Statement)\)", re.IGNORECASE)
_NOT = r"(?:not|NOT)"
# An imperative opens the sentence, or follows a label such as "**Recommendation:**".
_IMPERATIVE_START = r"(?:^|:)[\W_]*"
_ADVERB = r"(?:(?:strongly|conditionally|weakly|routinely|generally|also|likewise|now)\s+)*"
# Recommending verb phrases, one named group per direction; at one position the longest wins.
_VERB_PHRASE = re.compile(
    rf"(?P<insufficient>\binsufficient evidence\b|\bevidence is insufficient\b|"
    rf"\bno recommendation (?:can be|is|was) made\b|\bcannot be determined\b)"
    rf"|(?P<against>\b{_ADVERB}(?:recommends?|recommended|suggests?|advises?)[\s*_]+(?:against|{_NOT}\b)"
    rf"|\b(?:is|are|was|were)\s+{_NOT}\s+{_ADVERB}(?:recommended|suggested|advised|indicated)\b"
    rf"|\b{_NOT}\s+{_ADVERB}recommended\b"
    rf"|\b(?:do|does|did)\s+{_NOT}\s+{_ADVERB}(?:recommend|suggest|advise)\b"
    rf"|\b(?:should|must)\s+{_NOT}\b|\bshould\s+never\b|\b(?:is|are)\s+contraindicated\b"
    rf"|{_IMPERATIVE_START}(?:avoid|do not|don't|never)\b)"
    rf"|(?P<conditional>\b(?:conditionally|weakly)\s+recommend(?:s|ed)?\b"
    rf"|\b(?:we|panel|guideline|committee|group)\s+{_ADVERB}suggests?\b(?![\s*_]+(?:against|not)\b)"
    rf"|\b(?:may|might|could)\s+be\s+(?:considered|reasonable|offered)\b)"
    rf"|(?P<for>\b{_ADVERB}recommend(?:s|ed)?\b|\bis\s+(?:indicated|preferred|reasonable)\b"
    rf"|\bare\s+(?:indicated|preferred|reasonable)\b|\bshould\s+(?:be\s+)?\w+)",
    re.IGNORECASE | re.MULTILINE,
)
# A plain sentence (no grading marker) must use the verb "recommend" or "suggest" itself.
_RECOMMENDING_VERB = re.compile(r"\b(?:recommend(?:s|ed)?|suggests?)\b", re.IGNORECASE)
_IMPERATIVE = re.compile(rf"{_IMPERATIVE_START}(?:avoid|do not|don't|never)\b", re.IGNORECASE | re.MULTILINE)
_STRONG_WORDING = re.compile(r"\b(strongly|conditionally)\s+recommend(?:s|ed)?\b", re.IGNORECASE)


def verb_phrase_direction(sentence: str) -> str | None:
    """The direction of the first recommending verb phrase in the sentence, or None."""
    match = _VERB_PHRASE.search(sentence)
    return match.lastgroup if match else None


def _from_marker(marker: Marker, sentence: str) -> Recommendation:
    stated = verb_phrase_direction(sentence)
    if not marker.implies_direction:
        return Recommendation(direction=stated or "for", strength=marker.strength, scheme=marker.scheme)
    # The marker's class decides for ACC/AHA III/IIb; otherwise an "against" phrase turns it around.
    direction = "against" if stated == "against" and marker.direction != "against" else marker.direction
    return Recommendation(direction=direction, strength=marker.strength, scheme=marker.scheme)


def uspstf_recommendation(grade: str, sentence: str = "") -> Recommendation:
    """USPSTF letter grade -> direction: A/B for, C conditional, D against, I insufficient."""
    letter = grade.strip().upper()
    direction = {"A": "for", "B": "for", "C": "conditional", "D": "against", "I": "insufficient"}.get(letter)
    if direction is None:
        direction = verb_phrase_direction(sentence) or "for"
    return Recommendation(direction=direction, strength=f"Grade {letter}", scheme="USPSTF")


def detect_recommendation(
    sentence: str, uspstf_grade: str | None = None, organization: str | None = None
) -> Recommendation | None:
    """The recommendation a guideline sentence states, or None when it states none.

    ``uspstf_grade`` is the record's letter grade for USPSTF statements: their sentences carry no
    grade of their own, so a sentence that recommends (or finds evidence insufficient) gets it.
    ``organization`` (the document's issuing body) names the scheme of wording-only strengths.
    """
    if _HEADING.match(sentence):
        return None  # a heading titles recommendations; it does not state one
    if uspstf_grade:
        if re.search(r"\b(recommends?|recommended|insufficient|concludes)\b", sentence, re.IGNORECASE):
            return uspstf_recommendation(uspstf_grade, sentence)
        return None
    marker = class_marker(sentence, organization) or grade_marker(sentence)
    marker = marker or letter_marker(sentence, organization)
    if marker:
        return _from_marker(marker, sentence)
    direction = verb_phrase_direction(sentence)
    if _NOT_GRADED.search(sentence):
        return Recommendation(direction=direction or "for", strength="Not graded", scheme=None)
    if direction is None:
        return None
    # Without a marker, only the recommending verb itself, an imperative ("Avoid ...") or a finding
    # of insufficient evidence about recommending makes the sentence a recommendation.
    if not (
        _RECOMMENDING_VERB.search(sentence)
        or _IMPERATIVE.search(sentence)
        or (direction == "insufficient" and re.search(r"\brecommend", sentence, re.IGNORECASE))
    ):
        return None
    wording = _STRONG_WORDING.search(sentence)
    if wording:
        strong = wording.group(1).lower() == "strongly"
        return Recommendation(
            direction=direction,
            strength="Strong" if strong else "Conditional",
            scheme=scheme_for_organization(organization),
        )
    return Recommendation(direction=direction)
