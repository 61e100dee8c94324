"""Fixed connective wording shown before an extract: who says it and how strongly, never a clinical claim."""

from __future__ import annotations

from curbside.types import DocMeta, Recommendation

_DIRECTION_PHRASE = {
    "for": "recommendation for",
    "against": "recommendation against",
    "conditional": "conditional recommendation",
    "insufficient": "insufficient evidence to recommend",
}
_TIER_PHRASE = {
    "systematic_review": "A systematic review",
    "randomized_trial": "A randomized trial",
    "observational": "An observational study",
    "narrative_review": "A review",
    "consumer": "A patient information page",
}


def source_name(doc: DocMeta) -> str:
    """"ACR 2020" style: the organization (or journal, or title) and year."""
    name = doc.organization or doc.journal or doc.title
    return f"{name} {doc.year}" if doc.year else name


def stance_phrase(rec: Recommendation | None) -> str:
    """"strong recommendation against" style wording from a parsed recommendation ('' when none)."""
    if rec is None:
        return ""
    phrase = _DIRECTION_PHRASE.get(rec.direction, rec.direction)
    return f"{phrase} ({rec.strength})" if rec.strength else phrase


def guideline_lead(doc: DocMeta, rec: Recommendation | None) -> str:
    stance = stance_phrase(rec)
    # "The ACR 2020 guideline, conditional recommendation (Conditional, Moderate):" - the stance carries its
    # own parentheses, so it is not put inside another pair.
    return f"The {source_name(doc)} guideline, {stance}:" if stance else f"The {source_name(doc)} guideline:"


def research_lead(doc: DocMeta, with_guidelines: bool) -> str:
    subject = _TIER_PHRASE.get(doc.tier, "A study")
    if with_guidelines:
        subject = "In the research, " + subject[0].lower() + subject[1:]
    return f"{subject} ({source_name(doc)}) reports:"
