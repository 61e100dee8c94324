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
# Cue sets chosen by their rates on the development half of the labelled examples (bench/ingest.py):
# each strong cue appears in at most ~4% of abstracts of the other design.
_RANDOMIZED = re.compile(
    r"(?<!non-)(?<!non)\brandomi[sz]|\brandom(ly)?\s+(assign|allocat|divid|treat|receiv|distribut|split)|"
    r"\b(assigned|allocated|divided)\s+(at random|randomly)|\bplacebo|\bsham\b|"
    r"\b(double|single|triple)[- ]blind|"
    r"\bcross-?over\b|\bphase\s+(I{1,3}V?|[1-4])[ab]?\s+(clinical\s+)?trial|"
    r"\b(clinical|controlled|intervention|pilot|feasibility) trial|\bintervention groups?\b|\bRCT\b",
    re.I,
)
# "Randomized trials are needed" concludes an observational study; it does not describe its design.
_RANDOMIZED_WANTED = re.compile(
    r"\brandomi[sz]ed(,? controlled)? (clinical )?(trials?|studies)( \w+){0,3} (are|is|will be) "
    r"(needed|required|warranted|necessary)",
    re.I,
)
_OBSERVATIONAL = re.compile(
    r"\b(cohort|case-control|case control|cross-sectional|retrospective(ly)?|prospective(ly)?|registry|"
    r"observational|population-based|case series|chart review|"
    r"(medical|hospital|patient|clinical) (records|charts)|"
    r"records of|longitudinal|survey|questionnaire|"
    r"we (reviewed|analy[sz]ed|studied|examined|evaluated|enrolled)|patients who underwent|consecutive)\b",
    re.I,
)
# A study of a counted group of people that assigns no treatment describes what it observed.
_HUMAN_SUBJECTS = re.compile(
    r"\b\d[\d,]* (patients|subjects|cases|participants|women|men|children|adults|infants|individuals)\b", re.I
)
_LABORATORY = re.compile(
    r"\b(mice|rats|in vitro|cell lines?|cultured cells|zebrafish|rabbits|dogs|pigs)\b", re.I
)
_NARRATIVE = re.compile(r"\b(review|overview|update on|state of the art)\b", re.I)
# A title that names itself a guideline; studies ABOUT guidelines (adherence, questions) are not guidelines.
_GUIDELINE_TITLE = re.compile(
    r"\b(clinical practice guidelines?|guidelines? (for|on)|consensus statement|position statement"
    r"|practice parameter)\b",
    re.I,
)
_ABOUT_GUIDELINES = re.compile(r"\b(adherence|compliance|implementation|uptake|awareness|impact)\b|\?", re.I)


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
    if _GUIDELINE_TITLE.search(title) and not _ABOUT_GUIDELINES.search(title):
        return "guideline"
    if _RANDOMIZED.search(_RANDOMIZED_WANTED.sub(" ", head)):
        return "randomized_trial"
    if _OBSERVATIONAL.search(head):
        return "observational"
    if _NARRATIVE.search(title):
        return "narrative_review"
    if _HUMAN_SUBJECTS.search(head) and not _LABORATORY.search(head):
        return "observational"
    return "other"


def classify_tier(source: str, title: str, text: str, publication_types: Iterable[str] = ()) -> str:
    """Metadata first, then the text."""
    return tier_from_metadata(source, publication_types) or tier_from_text(title, text)
