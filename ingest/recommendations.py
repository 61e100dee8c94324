"""Recommendation direction and strength, in the source's own grading scheme.

Recognised schemes: GRADE ("Strong, High", "Conditional, Low", "Weak recommendation ..."),
KDIGO-style GRADE codes ("Grade 1A", "Grade 2C"), ACC/AHA class of recommendation with level
of evidence ("Class IIa, LOE B-R", "COR 2b, LOE C-LD", "Class III: Harm"), ADA evidence grades
("Grade A"), USPSTF letter grades (from the record's metadata) and ACR wording ("strongly
recommend against", "conditionally recommend"). Direction comes from the wording.
"""

from __future__ import annotations

import re

from curbside.types import Recommendation

_ROMAN = {"1": "I", "2a": "IIa", "2b": "IIb", "3": "III", "2": "II"}

_ACC_AHA = re.compile(
    r"\b(?:Class|COR)\s*:?\s*(?P<cls>III|IIb|IIa|II|I|3|2b|2a|2|1)\b"
    r"(?P<qual>\s*[:(,-]?\s*(?:Harm|No Benefit)\)?)?"
    r"(?:[^()\n]{0,12}?(?:LOE|Level of Evidence|Level)\s*:?\s*(?P<loe>[ABC](?:-(?:R|NR|LD|EO))?))?",
    re.IGNORECASE,
)
_GRADE_WORDS = re.compile(
    r"\((?P<strength>Strong|Conditional|Weak)(?:\s+recommendation)?\s*[,;]\s*"
    r"(?P<quality>High|Moderate|Low|Very low)(?:[- ](?:quality|certainty)(?: of evidence| evidence)?)?"
    r"[^)]{0,20}\)",
    re.IGNORECASE,
)
_GRADE_BARE = re.compile(r"\((?P<strength>Strong|Conditional|Weak)(?: recommendation)?\)", re.IGNORECASE)
_GRADE_CODE = re.compile(r"\bGrade\s+(?P<code>[12][A-D])\b")
_LETTER_GRADE = re.compile(r"\(\s*Grade\s+(?P<letter>[A-E])\s*\)")
_NOT_GRADED = re.compile(r"\((?:Not Graded|Ungraded|Practice Point|Good Practice Statement)\)", re.IGNORECASE)

_AGAINST = re.compile(
    r"\b(recommends? against|recommended against|not recommended|should not|should NOT|do not|"
    r"is not indicated|are not indicated|avoid|contraindicated|recommend not|suggest not|"
    r"suggests? against|no benefit|harm)\b",
    re.IGNORECASE,
)
_CONDITIONAL = re.compile(
    r"\b(conditional(?:ly)?|suggests?|may be considered|might be considered|may be reasonable|weak)\b",
    re.IGNORECASE,
)
_INSUFFICIENT = re.compile(r"\b(insufficient evidence|evidence is insufficient|cannot be determined)\b", re.I)
_DIRECTIVE = re.compile(
    r"\b(recommends?|recommended|should|is reasonable|are reasonable|is indicated|are indicated|"
    r"suggests?|may be considered|is preferred|are preferred)\b",
    re.IGNORECASE,
)


def _direction(sentence: str, default: str = "for") -> str:
    if _INSUFFICIENT.search(sentence):
        return "insufficient"
    if _AGAINST.search(sentence):
        return "against"
    if _CONDITIONAL.search(sentence):
        return "conditional"
    return default


def _acc_aha(sentence: str) -> Recommendation | None:
    match = _ACC_AHA.search(sentence)
    if not match:
        return None
    cls = match.group("cls")
    cls = _ROMAN.get(cls.lower(), cls)
    qual = (match.group("qual") or "").strip(" :(,-)")
    loe = match.group("loe")
    strength = (
        f"Class {cls}" + (f": {qual.title()}" if qual else "") + (f" (LOE {loe.upper()})" if loe else "")
    )
    if cls == "III":
        direction = "against"
    elif cls == "IIb":
        direction = "conditional"
    else:
        direction = _direction(sentence) if _AGAINST.search(sentence) else "for"
    return Recommendation(direction=direction, strength=strength, scheme="ACC/AHA")


def _grade(sentence: str) -> Recommendation | None:
    match = _GRADE_WORDS.search(sentence)
    if match:
        strength_word = match.group("strength").title()
        quality = match.group("quality").capitalize()
        default = "conditional" if strength_word in ("Conditional", "Weak") else "for"
        direction = "against" if _AGAINST.search(sentence) else default
        return Recommendation(direction=direction, strength=f"{strength_word}, {quality}", scheme="GRADE")
    match = _GRADE_BARE.search(sentence)
    if match:
        strength_word = match.group("strength").title()
        default = "conditional" if strength_word in ("Conditional", "Weak") else "for"
        direction = "against" if _AGAINST.search(sentence) else default
        return Recommendation(direction=direction, strength=strength_word, scheme="GRADE")
    match = _GRADE_CODE.search(sentence)
    if match:
        code = match.group("code")
        default = "for" if code.startswith("1") else "conditional"
        direction = "against" if _AGAINST.search(sentence) else default
        return Recommendation(direction=direction, strength=f"Grade {code}", scheme="GRADE")
    return None


def uspstf_recommendation(grade: str, sentence: str = "") -> Recommendation:
    """USPSTF letter grade -> direction: A/B for, C conditional, D against, I insufficient."""
    letter = grade.strip().upper()
    direction = {"A": "for", "B": "for", "C": "conditional", "D": "against", "I": "insufficient"}.get(letter)
    if direction is None:
        direction = _direction(sentence)
    return Recommendation(direction=direction, strength=f"Grade {letter}", scheme="USPSTF")


def detect_recommendation(sentence: str, uspstf_grade: str | None = None) -> Recommendation | None:
    """The recommendation a guideline sentence states, or None when it states none.

    ``uspstf_grade`` is the record's letter grade for USPSTF statements: their sentences carry no
    grade of their own, so a sentence that recommends (or finds evidence insufficient) gets it.
    """
    if uspstf_grade:
        if re.search(r"\b(recommends?|recommendation|insufficient|concludes)\b", sentence, re.IGNORECASE):
            return uspstf_recommendation(uspstf_grade, sentence)
        return None
    for detector in (_acc_aha, _grade):
        found = detector(sentence)
        if found:
            return found
    letter = _LETTER_GRADE.search(sentence)
    if letter:
        return Recommendation(
            direction=_direction(sentence), strength=f"Grade {letter.group('letter')}", scheme="ADA"
        )
    if _NOT_GRADED.search(sentence):
        return Recommendation(direction=_direction(sentence), strength="Not graded", scheme=None)
    if re.search(r"\b(strongly|conditionally)\s+recommends?", sentence, re.IGNORECASE):
        strong = re.search(r"\bstrongly\b", sentence, re.IGNORECASE) is not None
        default = "for" if strong else "conditional"
        direction = "against" if _AGAINST.search(sentence) else default
        return Recommendation(
            direction=direction, strength="Strong" if strong else "Conditional", scheme="ACR"
        )
    if _INSUFFICIENT.search(sentence) and re.search(r"\brecommend", sentence, re.IGNORECASE):
        return Recommendation(direction="insufficient")
    if re.search(r"\b(recommends?|recommended)\b", sentence, re.IGNORECASE) and _DIRECTIVE.search(sentence):
        return Recommendation(direction=_direction(sentence))
    return None
