"""What kind of answer a question expects, and whether a sentence gives that kind: a duration, a dose, an
interval, a target.

"How long do I treat him?" is answered by a sentence stating a duration ("for no less than 5 days"), not by
the neighbouring sentence on which drug to use, although both share the question's topic words. Reading the
expected answer type from the question's wording is the classic first step of question answering; here it
only lifts sentences that contain an answer of that type.
"""

from __future__ import annotations

import re
from functools import lru_cache

_NUMBER = r"\d+(?:\.\d+)?"
_RANGE = rf"{_NUMBER}(?:\s*(?:-{{1,2}}|–|to)\s*{_NUMBER})?"
_SPAN_UNITS = r"(?:days?|weeks?|months?|years?|hours?|hrs?)"

# (answer type, cue in the question, evidence of that type in a sentence)
_TYPES: tuple[tuple[str, re.Pattern[str], re.Pattern[str]], ...] = (
    (
        "duration",
        re.compile(r"\b(?:how long|duration|course length|how many (?:days|weeks|months))\b", re.I),
        re.compile(rf"\b(?:for|of|at least|minimum of|no less than|up to|continue\w*|total of)?\s*{_RANGE}"
                   rf"\s*-?\s*{_SPAN_UNITS}\b|\bindefinite\w*|\blifelong\b", re.I),
    ),
    (
        "dose",
        re.compile(r"\b(?:dose|doses|dosing|dosage|how much|how many (?:tablets|tabs|mg|units)|loading|"
                   r"titrat\w*)\b", re.I),
        re.compile(rf"\b{_RANGE}\s*(?:mg|mcg|µg|g|units?|iu|ml|mmol|tabs?|tablets?|puffs?|actuations?)\b"
                   r"(?:/(?:kg|day|dose|m2))?", re.I),
    ),
    (
        "interval",
        re.compile(r"\b(?:how often|how frequently|interval|when should (?:i|we) (?:recheck|reassess|repeat|"
                   r"check|decide)|how soon|when (?:do|should) (?:i|we) (?:check|recheck|repeat))\b", re.I),
        re.compile(rf"\b(?:every|each|within|after|at)\s+{_RANGE}\s*-?\s*{_SPAN_UNITS}\b|"
                   rf"\b{_RANGE}\s*-?\s*{_SPAN_UNITS}\s+(?:intervals?|after)\b|"
                   r"\b(?:weekly|monthly|annually|yearly|biannually|every year)\b", re.I),
    ),
    (
        "target",
        re.compile(r"\b(?:target|aim(?:ing)? for|goal|keep (?:it|her|him|the \w+) (?:below|above|under))\b",
                   re.I),
        re.compile(rf"(?:<|>|≤|≥|<=|>=|below|above|under|less than|at least)\s*{_NUMBER}|"
                   rf"\b{_RANGE}\s*(?:%|mmhg|mg/dl|mmol/l)", re.I),
    ),
)


@lru_cache(maxsize=4096)
def expected_types(question: str) -> frozenset[str]:
    """The answer types the question's wording asks for (usually none or one)."""
    return frozenset(name for name, cue, _ in _TYPES if cue.search(question))


@lru_cache(maxsize=65536)
def _types_given(sentence: str) -> frozenset[str]:
    text = sentence.replace("**", "")
    return frozenset(name for name, _, evidence in _TYPES if evidence.search(text))


def gives_expected_type(expected: frozenset[str], sentence: str) -> float:
    """1 when the sentence contains an answer of a type the question expects, else 0."""
    if not expected:
        return 0.0
    return 1.0 if expected & _types_given(sentence) else 0.0
