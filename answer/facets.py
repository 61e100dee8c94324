"""Which research facet a sentence speaks to, and which sentences report results.

Cue words rather than a model: cheap, deterministic, and easy to audit. The facets follow
the page's clinical order (mechanism, efficacy, safety, dosing, monitoring, other).
"""

from __future__ import annotations

import re

from curbside.types import FACET_ORDER

_FACET_CUES: dict[str, re.Pattern[str]] = {
    "mechanism": re.compile(
        r"\b(?:mechanism|pathway|receptor|inhibit\w*|mediat\w+|differentiat\w+|cytokine\w*|paracrine|"
        r"immunomodulat\w*|anti-inflammatory effect|binds?|signal\w*|pathophysiolog\w*|acts? (?:by|on))\b",
        re.I,
    ),
    "safety": re.compile(
        r"\b(?:adverse|safety|safe|harms?|toxicit\w*|side effects?|complications?|bleeding|hypoglyc\w*|"
        r"serious|tolera\w+|risk of|contraindicat\w*|death|mortality risk)\b",
        re.I,
    ),
    "dosing": re.compile(
        r"\b(?:dos(?:e|es|ing|age)|\d+(?:\.\d+)?\s?(?:mg|mcg|µg|g|units?|iu)\b|daily|twice|titrat\w*|regimen|"
        r"bid|tid|once weekly)\b",
        re.I,
    ),
    "monitoring": re.compile(
        r"\b(?:monitor\w*|follow-up|surveillance|recheck\w*|measure\w* (?:every|at)|levels? (?:should|every)|"
        r"repeat\w* (?:testing|measurement))\b",
        re.I,
    ),
    "efficacy": re.compile(
        r"\b(?:improv\w+|effective\w*|efficacy|benefit\w*|reduc\w+|outcomes?|superior|non-inferior|"
        r"compared with|versus|placebo|response|remission|pain|function|score|significant\w*)\b",
        re.I,
    ),
}
# Question facets that map onto a page facet.
_QUESTION_FACET = {"treatment": "efficacy", "contraindication": "safety", "prognosis": "efficacy"}

_RESULT_CUES = re.compile(
    r"\b(?:conclu\w+|found|showed|shown|demonstrat\w+|results?|suggest\w*|associated with|"
    r"significant\w*|improv\w+|reduc\w+|increas\w+|no difference|did not|odds ratio|relative risk|"
    r"hazard ratio|95%|ci\b|p\s?[<=]|meta-analys\w+|systematic review)",
    re.I,
)
_BACKGROUND_CUES = re.compile(
    r"\b(?:we aimed|the aim|aim of|objective|purpose of|was to (?:assess|evaluate|determine|compare)|"
    r"we (?:searched|included|assessed)|is a common|remains unclear|is unknown|were searched|this study)\b",
    re.I,
)


def page_facet(question_facet: str | None) -> str | None:
    """The page facet a question's facet belongs to (None when it is not one of them)."""
    if question_facet is None:
        return None
    facet = _QUESTION_FACET.get(question_facet, question_facet)
    return facet if facet in FACET_ORDER else None


def facet_of(text: str) -> str:
    """The first facet, in a fixed priority, whose cues the sentence uses; "other" when none."""
    for facet in ("mechanism", "safety", "dosing", "monitoring", "efficacy"):
        if _FACET_CUES[facet].search(text):
            return facet
    return "other"


_RESULT_LABELS = frozenset({"results", "result", "findings", "conclusions", "conclusion", "interpretation"})
_BACKGROUND_LABELS = frozenset(
    {"background", "introduction", "objective", "objectives", "aim", "aims", "purpose", "methods", "method",
     "design", "setting", "participants", "context"}
)


def result_cue(text: str, label: str | None = None) -> float:
    """+1 for a sentence that reports a finding or conclusion, -1 for study background, else 0."""
    if label in _RESULT_LABELS:
        return 1.0
    if label in _BACKGROUND_LABELS or _BACKGROUND_CUES.search(text):
        return -1.0
    return 1.0 if _RESULT_CUES.search(text) else 0.0
