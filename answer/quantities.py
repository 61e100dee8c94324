"""Does a sentence's stated condition include this patient? Ages, weights, percentages and named lab values.

Recommendations are conditioned on numbers: "men aged 55 to 69 years", "> 35 kg | 4 tabs twice daily",
"10-year ASCVD risk 7.5% to < 20%", "avoid if eGFR < 30". A question about a 74-year-old, a 64 kg woman or an
eGFR of 38 is answered by the sentence whose range contains that value, and not by its neighbours for other
ranges, which share every other word with it. Lexical and embedding similarity cannot tell them apart; this
comparison can.

Values are read from the question as (kind, number); conditions from the sentence as (kind, low, high). A
sentence matches when one of its conditions contains a question value of the same kind, and conflicts when it
states conditions of a kind the question gives a value for but none contains it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

_NUM = r"(\d+(?:\.\d+)?)"
_SIGNED = r"(-?\d+(?:\.\d+)?)"  # T-scores are negative
_GE = r"(?:>=|≥|=>|>|over|above|more than|greater than|at least)"
_LE = r"(?:<=|≤|=<|<|under|below|less than|younger than)"
_TO = r"\s*(?:to|-{1,2}|–|—|and)\s*(?:<\s*|<=\s*|≤\s*)?"
# Lab values named in questions and in conditions ("eGFR 38", "K 5.2", "potassium > 5.0 mEq/L").
_LABS = {
    "egfr": r"e?gfr|crcl|creatinine clearance",
    "potassium": r"k\+?|potassium|serum potassium",
    "creatinine": r"(?:serum )?creatinine|scr",
    "a1c": r"(?:hb)?a1c",
    "ldl": r"ldl(?:-c)?",
    "tscore": r"t-score",
    "bmi": r"bmi",
    "platelets": r"platelets?|plt",
    "hemoglobin": r"hb|ha?emoglobin",
}
_UNITS = {"years": r"(?:years?|yrs?|y)(?:\s*old)?", "kg": r"kg", "percent": r"%"}
# Age groups a sentence names in words ("not recommended for children or adolescents", "in older adults").
# "Adults" alone is left out: nearly every question is about one, so it would tell no sentence apart.
_AGE_GROUPS: tuple[tuple[str, float, float], ...] = (
    (r"neonates?|newborns?", 0, 0.1),
    (r"infants?", 0, 1),
    (r"children|child|paediatric|pediatric", 0, 17),
    (r"adolescents?|teenagers?|teens?", 10, 19),
    (r"older adults|older people|older patients|elderly|geriatric", 65, math.inf),
)


# Blood pressure written as a pair: in a question after "BP", in a sentence before "mm Hg" or after "BP".
_BP_VALUE = re.compile(
    r"\b(?:bp|blood pressure)\s*(?:is|of|at|was|=|:)?\s*(?:now\s+|still\s+)?(\d{2,3})\s*/\s*(\d{2,3})\b"
)
_BP_PAIR = r"(\d{2,3})\s*/\s*(\d{2,3})"
# A comparator right after these words states a goal or an amount ("lower BP to < 185/110", "reduce LDL-C by
# >= 50%"), not who the sentence applies to.
_GOAL_BEFORE = re.compile(r"\b(?:to|by|target|goal|aim|maintain|keep|achieve)\s*(?:of|at|is|:)?\s*$")


@dataclass(frozen=True)
class Condition:
    kind: str
    low: float
    high: float

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high


@lru_cache(maxsize=4096)
def question_values(question: str) -> tuple[tuple[str, float], ...]:
    """(kind, value) pairs the question gives: age, weight, percentages, named lab values."""
    text = question.lower()
    out: list[tuple[str, float]] = []
    for pattern in (
        rf"\b{_NUM}\s*-?\s*(?:years?|yrs?|y)[- ]?old\b",  # 62-year-old
        r"\b(\d{1,3})\s*(?:m|f|yo|y/o)\b",  # 62M, 68F, 70 yo
        r"\baged?\s+(\d{1,3})\b",
        # "her father is 74", but not "BP is now 175/100" nor "is 64 kg"
        r"\b(?:is|turns?|now)\s+(\d{2,3})\b(?!\s*(?:kg|%|mg|mmol|ml|weeks?|days?|hours?|months?|/))",
    ):
        out += [("years", float(m.group(1))) for m in re.finditer(pattern, text)]
    out += [("kg", float(m.group(1))) for m in re.finditer(rf"\b{_NUM}\s*kg\b", text)]
    for m in _BP_VALUE.finditer(text):  # "BP 224/132": systolic and diastolic
        out += [("sbp", float(m.group(1))), ("dbp", float(m.group(2)))]
    lab_spans: list[tuple[int, int]] = []
    for kind, name in _LABS.items():
        pattern = rf"(?<![\w-])(?:{name})\s*(?:is|of|at|was|now|=|:)?\s*(?:only\s+)?{_SIGNED}(?!\d|\.\d)"
        for m in re.finditer(pattern, text):
            out.append((kind, float(m.group(1))))
            lab_spans.append(m.span())
    # A percentage that belongs to a named lab ("A1c 7.8%") is that lab's value, not a risk or a saturation.
    for m in re.finditer(rf"\b{_NUM}\s*%", text):
        if not any(start <= m.start() < end for start, end in lab_spans):
            out.append(("percent", float(m.group(1))))
    return tuple(dict.fromkeys(v for v in out if -10 < v[1] < 1000))


@dataclass(frozen=True)
class _KindPatterns:
    may_hold: re.Pattern[str]  # cheap test: could the text state a condition of this kind at all?
    spans: tuple[re.Pattern[str], ...]  # "55 to 69 years", "eGFR 20-60"
    at_least: tuple[re.Pattern[str], ...]  # "> 35 kg", "70 years and older"
    at_most: tuple[re.Pattern[str], ...]  # "< 9 kg", "eGFR < 30"


def _unit_patterns(unit: str, may_hold: str) -> _KindPatterns:
    return _KindPatterns(
        re.compile(may_hold),
        (re.compile(rf"{_NUM}\s*{unit}?{_TO}{_NUM}\s*{unit}"),),
        (
            re.compile(rf"{_GE}\s*{_NUM}\s*{unit}"),
            re.compile(rf"{_NUM}\s*{unit}\s*(?:and|or)\s*(?:older|over|above|greater|more)"),
        ),
        (re.compile(rf"{_LE}\s*{_NUM}\s*{unit}"),),
    )


def _lab_patterns(name: str) -> _KindPatterns:
    lab = rf"(?<![\w-])(?:{name})"
    return _KindPatterns(
        re.compile(lab),
        (re.compile(rf"{lab}\s*(?:of\s*)?{_NUM}{_TO}{_NUM}"),),
        (re.compile(rf"{lab}\s*{_GE}\s*{_SIGNED}"),),
        (re.compile(rf"{lab}\s*{_LE}\s*{_SIGNED}"),),
    )


_AGE_WORDS = "|".join(words for words, _, _ in _AGE_GROUPS)
# Compiled once; a kind's patterns run only when the text could hold it (its unit or name is present).
_PATTERNS: dict[str, _KindPatterns] = {
    "years": _unit_patterns(_UNITS["years"], rf"\d\s*(?:years?|yrs?|y)\b|aged?\s+\d|older than|{_AGE_WORDS}"),
    "kg": _unit_patterns(_UNITS["kg"], r"\d\s*kg"),
    "percent": _unit_patterns(_UNITS["percent"], r"\d\s*%"),
} | {kind: _lab_patterns(name) for kind, name in _LABS.items()}
_AGED_RANGE = re.compile(rf"(?:aged?|ages)\s+{_NUM}{_TO}{_NUM}")  # "aged 40 to 75" (the unit comes later)
_OLDER_THAN = re.compile(rf"(?:older than|aged?\s*(?:>=|≥|>))\s*{_NUM}")
_GROUP_PATTERNS = tuple((re.compile(rf"\b(?:{words})\b"), low, high) for words, low, high in _AGE_GROUPS)


def _is_goal(text: str, match: re.Match[str]) -> bool:
    return _GOAL_BEFORE.search(text, max(0, match.start() - 20), match.start()) is not None


def _bp_pattern(comparator: str) -> re.Pattern[str]:
    after_bp = rf"(?:bp|blood pressure)\s*{comparator}\s*{_BP_PAIR}"
    return re.compile(rf"{after_bp}|{comparator}\s*{_BP_PAIR}\s*mm\s*hg")


_BP_AT_LEAST, _BP_AT_MOST = _bp_pattern(_GE), _bp_pattern(_LE)


def _bp_conditions(text: str) -> list[Condition]:
    """"> 180/120 mm Hg", "BP < 185/110": one condition on each pressure (either one reaching it counts)."""
    out: list[Condition] = []
    for pattern, at_least in ((_BP_AT_LEAST, True), (_BP_AT_MOST, False)):
        for m in pattern.finditer(text):
            if _is_goal(text, m):
                continue
            systolic, diastolic = (float(g) for g in m.groups() if g is not None)
            if at_least:
                out += [Condition("sbp", systolic, math.inf), Condition("dbp", diastolic, math.inf)]
            else:
                out += [Condition("sbp", -math.inf, systolic), Condition("dbp", -math.inf, diastolic)]
    return out


def _conditions_of_kind(text: str, kind: str) -> list[Condition]:
    patterns = _PATTERNS[kind]
    if not patterns.may_hold.search(text):
        return []
    spans = [m for p in patterns.spans for m in p.finditer(text)]
    if kind == "years":
        spans += list(_AGED_RANGE.finditer(text))
    out = [Condition(kind, *sorted((float(m.group(1)), float(m.group(2))))) for m in spans]
    at_least = [m for p in patterns.at_least for m in p.finditer(text)]
    if kind == "years":
        at_least += list(_OLDER_THAN.finditer(text))
    at_most = [m for p in patterns.at_most for m in p.finditer(text)]
    out += [Condition(kind, float(m.group(1)), math.inf) for m in at_least if not _is_goal(text, m)]
    out += [Condition(kind, -math.inf, float(m.group(1))) for m in at_most if not _is_goal(text, m)]
    if kind == "years":
        out += [Condition(kind, low, high) for pattern, low, high in _GROUP_PATTERNS if pattern.search(text)]
    return out


@lru_cache(maxsize=65536)
def sentence_conditions(sentence: str, kinds: frozenset[str] | None = None) -> tuple[Condition, ...]:
    """The ranges and thresholds a sentence states for ages, weights, percentages and named lab values
    (only of ``kinds`` when given: a question with an age needs no weights read)."""
    text = sentence.lower().replace("**", "")
    out: list[Condition] = []
    for kind in _PATTERNS:
        if kinds is None or kind in kinds:
            out += _conditions_of_kind(text, kind)
    if kinds is None or kinds & {"sbp", "dbp"}:  # both pressures come from one reading of the pair
        out += [c for c in _bp_conditions(text) if kinds is None or c.kind in kinds]
    return tuple(dict.fromkeys(out))


def condition_match(values: tuple[tuple[str, float], ...], sentence: str) -> float:
    """+1 when a stated condition contains one of the question's values, -1 when the sentence states
    conditions of a kind the question gives but none contains it, 0 when it states nothing comparable."""
    if not values:
        return 0.0
    comparable = sentence_conditions(sentence, frozenset(kind for kind, _ in values))
    if not comparable:
        return 0.0
    if any(c.contains(v) for c in comparable for kind, v in values if kind == c.kind):
        return 1.0
    return -1.0
