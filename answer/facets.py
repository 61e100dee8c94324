"""Which research facet a sentence speaks to, and which sentences report results.

Cue words rather than a model: cheap, deterministic, and easy to audit. The facets follow
the page's clinical order (mechanism, efficacy, safety, dosing, monitoring, other).
"""

from __future__ import annotations

import re
from functools import lru_cache

from curbside.types import FACET_ORDER
from retrieval.context import is_findings_heading

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
    r"hazard ratio|95%|ci\b|p\s?[<=]|associated|certainty of (?:the )?evidence|adverse events)",
    re.I,
)
_BACKGROUND_CUES = re.compile(
    r"\b(?:we aimed|the aim|aim of|objective|purpose of|was to (?:assess|evaluate|determine|compare)|"
    r"we (?:searched|included|assessed)|is a common|remains unclear|is unknown|were searched|this study|"
    # A review describing what it set out to do or how it graded, rather than what it found.
    r"(?:estimated|assessed|evaluated|examined|investigated|reviewed|summari[sz]ed) the (?:benefits?|harms?|"
    r"efficacy|effects?|effectiveness|safety|evidence)|rated the certainty|downgraded the certainty|"
    r"are promoted as|is promoted as)\b",
    re.I,
)
# Section headings that announce background or methods, and those that announce one facet.
_BACKGROUND_HEADING = re.compile(
    r"\b(?:background|introduction|methods?|scope|objectives?|aims?|how to read|search strategy)\b", re.I
)
_HEADING_FACETS: dict[str, re.Pattern[str]] = {
    "mechanism": re.compile(r"\b(?:mechanisms?|mode of action|pharmacology|pathophysiology)\b", re.I),
    "efficacy": re.compile(r"\b(?:efficacy|effectiveness|benefits?|outcomes?|results?|findings)\b", re.I),
    "safety": re.compile(r"\b(?:safety|adverse|harms?|side effects?|tolerability|toxicity)\b", re.I),
    "dosing": re.compile(r"\b(?:dos(?:e|es|ing|age)|regimens?|administration)\b", re.I),
    "monitoring": re.compile(r"\b(?:monitoring|follow-up|surveillance)\b", re.I),
}


def page_facet(question_facet: str | None) -> str | None:
    """The page facet a question's facet belongs to (None when it is not one of them)."""
    if question_facet is None:
        return None
    facet = _QUESTION_FACET.get(question_facet, question_facet)
    return facet if facet in FACET_ORDER else None


def heading_facet(heading: str) -> str | None:
    """The one facet a heading announces ("Safety", "Proposed mechanisms"); None if none or several."""
    found = [facet for facet, cue in _HEADING_FACETS.items() if cue.search(heading)]
    return found[0] if len(found) == 1 else None


def is_background_heading(heading: str) -> bool:
    return _BACKGROUND_HEADING.search(heading) is not None


@lru_cache(maxsize=16384)
def facet_of(text: str) -> str:
    """The first facet, in a fixed priority, whose cues the sentence uses; "other" when none (cached: the
    passages of a conversation's guideline come back turn after turn)."""
    for facet in ("mechanism", "safety", "dosing", "monitoring", "efficacy"):
        if _FACET_CUES[facet].search(text):
            return facet
    return "other"


_RESULT_LABELS = frozenset({"results", "result", "findings", "conclusions", "conclusion", "interpretation"})
_BACKGROUND_LABELS = frozenset(
    {"background", "introduction", "objective", "objectives", "aim", "aims", "purpose", "methods", "method",
     "design", "setting", "participants", "context"}
)


def result_cue(text: str, label: str | None = None, heading: str = "") -> float:
    """+1 for a sentence that reports a finding or conclusion, -1 for study background, else 0.

    The structured-abstract label or a results heading decides first: "This study shows that ..." under
    "Conclusions" is a finding, although "this study" usually opens an aim."""
    if label in _RESULT_LABELS or (label is None and is_findings_heading(heading)):
        return 1.0
    if label in _BACKGROUND_LABELS or _BACKGROUND_CUES.search(text) or is_background_heading(heading):
        return -1.0
    return 1.0 if _RESULT_CUES.search(text) else 0.0
