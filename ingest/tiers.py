"""Evidence tier of a document: from metadata first (source, publication types), then from the text."""

from __future__ import annotations

import re
from collections.abc import Iterable

GUIDELINE_SOURCES = frozenset({"open-medicine", "uspstf", "nstg2022"})
CONSUMER_SOURCES = frozenset({"medquad"})

# PubMed publication types, strongest design first (an article may carry several).
_PUBLICATION_TYPE_TIERS: tuple[tuple[str, str], ...] = (
    ("practice guideline", "guideline"),
    ("guideline", "guideline"),
    ("consensus development conference", "guideline"),
    ("systematic review", "systematic_review"),
    ("meta-analysis", "systematic_review"),
    ("network meta-analysis", "systematic_review"),
    ("randomized controlled trial", "randomized_trial"),
    ("pragmatic clinical trial", "randomized_trial"),
    ("equivalence trial", "randomized_trial"),
    ("clinical trial, phase iii", "randomized_trial"),
    ("observational study", "observational"),
    ("comparative study", "observational"),
    ("multicenter study", "observational"),
    ("case reports", "observational"),
    ("review", "narrative_review"),
    ("patient education handout", "consumer"),
)

_SYSTEMATIC = re.compile(
    r"\b(systematic(ally)? review|meta-?analys[ie]s|pooled analysis of (randomi[sz]ed|trials))\b", re.I
)
_RANDOMIZED = re.compile(
    r"\b(randomi[sz]ed[, ]+(double|single|triple)?[- ]?(blind(ed)?|placebo|controlled|clinical|cross-?over|"
    r"parallel|open|multi-?cent(er|re)|pilot|comparative|prospective|trial|study)|randomi[sz]ed(ly)? "
    r"(assigned|allocated|to receive|into)|were randomi[sz]ed|was randomi[sz]ed|"
    r"randomly (assigned|allocated)|"
    r"random allocation|placebo-controlled|double-blind(ed)?|RCT)\b",
    re.I,
)
_OBSERVATIONAL = re.compile(
    r"\b(cohort|case-control|case control|cross-sectional|retrospective(ly)?|prospective(ly)?|registry|"
    r"observational|population-based|case series|chart review|medical records|survey|questionnaire|"
    r"we (reviewed|analy[sz]ed|studied|examined|evaluated|enrolled)|patients who underwent|consecutive)\b",
    re.I,
)
_NARRATIVE = re.compile(r"\b(review|overview|update on|state of the art)\b", re.I)
_GUIDELINE_TEXT = re.compile(
    r"\b(guideline|consensus statement|position statement|practice parameter)\b", re.I
)


def tier_from_metadata(source: str, publication_types: Iterable[str] = ()) -> str | None:
    """The tier the metadata alone settles, or None when the text must decide."""
    if source in GUIDELINE_SOURCES:
        return "guideline"
    if source in CONSUMER_SOURCES:
        return "consumer"
    lowered = {p.strip().lower() for p in publication_types}
    for name, tier in _PUBLICATION_TYPE_TIERS:
        if name in lowered:
            return tier
    return None


def tier_from_text(title: str, text: str) -> str:
    """Study design as the title and methods describe it; the first few thousand characters suffice."""
    head = f"{title}\n{text[:6000]}"
    if _SYSTEMATIC.search(title) or (
        _SYSTEMATIC.search(head) and re.search(r"\b(searched|databases?|MEDLINE|PubMed)\b", head)
    ):
        return "systematic_review"
    if _GUIDELINE_TEXT.search(title):
        return "guideline"
    if _RANDOMIZED.search(head):
        return "randomized_trial"
    if _OBSERVATIONAL.search(head):
        return "observational"
    if _NARRATIVE.search(title):
        return "narrative_review"
    return "other"


def classify_tier(source: str, title: str, text: str, publication_types: Iterable[str] = ()) -> str:
    """Metadata first, then the text."""
    return tier_from_metadata(source, publication_types) or tier_from_text(title, text)
