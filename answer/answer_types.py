"""What kind of answer a question expects, and whether a sentence gives that kind: a duration, a dose, an
interval, a target, a treatment to give.

"How long do I treat him?" is answered by a sentence stating a duration ("for no less than 5 days"), not by
the neighbouring sentence on which drug to use, although both share the question's topic words. Reading the
expected answer type from the question's wording is the classic first step of question answering; here it
only lifts sentences that contain an answer of that type. "First-line therapy?" after a vignette
("68F, femoral neck T-score -2.7, no prior fractures") is answered by a sentence that names what to give
("... recommends initial treatment with bisphosphonates"), not by the T-score definitions that share the
vignette's words.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

TREATMENT_TERMS_FILE = Path(__file__).resolve().parent / "treatment_terms.txt"

_NUMBER = r"\d+(?:\.\d+)?"
_RANGE = rf"{_NUMBER}(?:\s*(?:-{{1,2}}|–|to)\s*{_NUMBER})?"
_SPAN_UNITS = r"(?:days?|weeks?|months?|years?|hours?|hrs?)"
_WORD = re.compile(r"[a-zβ][a-z0-9'β]*")  # hyphenated names count part by part: "ics-formoterol"


@lru_cache(maxsize=1)
def _treatment_terms() -> tuple[tuple[str, ...], tuple[str, ...], frozenset[str], frozenset[str]]:
    """(suffixes, prefixes, whole words, words that are not names) from treatment_terms.txt."""
    kinds: dict[str, list[str]] = {"stem": [], "prefix": [], "word": [], "not": []}
    lines = TREATMENT_TERMS_FILE.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        kind, _, term = line.partition("\t")
        if kind not in kinds or not term.strip():
            raise ValueError(
                f"{TREATMENT_TERMS_FILE.name} line {number}: expected 'stem|prefix|word|not<TAB>term'"
            )
        kinds[kind].append(term.strip().lower())
    return tuple(kinds["stem"]), tuple(kinds["prefix"]), frozenset(kinds["word"]), frozenset(kinds["not"])


def names_treatment(sentence: str) -> bool:
    """Whether the sentence names a drug, a drug class or a treatment type."""
    suffixes, prefixes, names, ordinary = _treatment_terms()
    for word in _WORD.findall(sentence.lower()):
        singular = word[:-1] if word.endswith("s") else word
        if word in names or singular in names:
            return True
        if singular in ordinary:
            continue
        if singular.endswith(suffixes) or word.startswith(prefixes):
            return True
    return False


# A sentence that states a choice, whatever it names.
_CHOICE = re.compile(r"\b(?:drug|medicine|medication|treatment|agent)s? of choice\b|\bfirst[- ]line\b", re.I)


def _states_treatment(text: str) -> bool:
    return _CHOICE.search(text) is not None or names_treatment(text)


# (answer type, cue in the question, test for evidence of that type in a sentence)
_TYPES: tuple[tuple[str, re.Pattern[str], Callable[[str], object]], ...] = (
    (
        "duration",
        re.compile(r"\b(?:how long|duration|course length|how many (?:days|weeks|months))\b", re.I),
        re.compile(rf"\b(?:for|of|at least|minimum of|no less than|up to|continue\w*|total of)?\s*{_RANGE}"
                   rf"\s*-?\s*{_SPAN_UNITS}\b|\bindefinite\w*|\blifelong\b", re.I).search,
    ),
    (
        "dose",
        re.compile(r"\b(?:dose|doses|dosing|dosage|how much|how many (?:tablets|tabs|mg|units)|loading|"
                   r"titrat\w*)\b", re.I),
        re.compile(rf"\b{_RANGE}\s*(?:mg|mcg|µg|g|units?|iu|ml|mmol|tabs?|tablets?|puffs?|actuations?)\b"
                   r"(?:/(?:kg|day|dose|m2))?", re.I).search,
    ),
    (
        "interval",
        re.compile(r"\b(?:how often|how frequently|interval|when should (?:i|we) (?:recheck|reassess|repeat|"
                   r"check|decide)|how soon|when (?:do|should) (?:i|we) (?:check|recheck|repeat)|"
                   r"when(?:'s| is| should)?\s+(?:the\s+|her\s+|his\s+)?(?:follow[- ]up|review|recheck))\b",
                   re.I),
        re.compile(rf"\b(?:every|each|within|after|at)\s+{_RANGE}\s*-?\s*{_SPAN_UNITS}\b|"
                   rf"\b{_RANGE}\s*-?\s*{_SPAN_UNITS}\s+(?:intervals?|after)\b|"
                   r"\b(?:weekly|monthly|annually|yearly|biannually|every year)\b", re.I).search,
    ),
    (
        "target",
        re.compile(r"\b(?:target|aim(?:ing)? for|goal|keep (?:it|her|him|the \w+) (?:below|above|under))\b",
                   re.I),
        re.compile(rf"(?:<|>|≤|≥|<=|>=|below|above|under|less than|at least)\s*{_NUMBER}|"
                   rf"\b{_RANGE}\s*(?:%|mmhg|mg/dl|mmol/l)", re.I).search,
    ),
    (
        "treatment",
        re.compile(r"\b(?:first|second)[- ]line\b|"
                   r"\b(?:drug|medicine|medication|treatment|agent)s? of choice\b|"
                   r"\b(?:which|what)\s+(?:\w+\s+)?(?:drug|agent|antibiotic|antimicrobial|regimen|medication|"
                   r"medicine|treatment|therapy|fluid)s?\b|\bempiric\w*\s+(?:\w+\s+)?(?:choice|regimen|cover)\b|"
                   r"\bwhat (?:do|should) (?:i|we) (?:give|start|use|prescribe)\b|"
                   r"\b(?:preferred|best|recommended) (?:approach|option|treatment|regimen|management)\b",
                   re.I),
        _states_treatment,
    ),
)


@lru_cache(maxsize=4096)
def expected_types(question: str) -> frozenset[str]:
    """The answer types the question's wording asks for (usually none or one)."""
    return frozenset(name for name, cue, _ in _TYPES if cue.search(question))


_EVIDENCE = {name: evidence for name, _, evidence in _TYPES}


@lru_cache(maxsize=65536)
def _gives(name: str, sentence: str) -> bool:
    """Whether the sentence holds an answer of type ``name`` (only the types a question asks for are checked:
    looking for drug names costs more than the number patterns)."""
    return bool(_EVIDENCE[name](sentence.replace("**", "")))


def gives_expected_type(expected: frozenset[str], sentence: str) -> float:
    """1 when the sentence contains an answer of a type the question expects, else 0."""
    return 1.0 if any(_gives(name, sentence) for name in sorted(expected)) else 0.0
