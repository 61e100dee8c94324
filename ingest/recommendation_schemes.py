"""Grading markers a guideline writes beside a recommendation, and the scheme they belong to.

The scheme is named from the document's organization whenever the marker alone does not name
it: "strongly recommends" in an AAOS guideline is the AAOS scheme, not ACR's; a bare
"(Grade A)" is the issuing body's own letter scale. GRADE markers ("Strong, High", "Grade 1A")
name their method, and class/level-of-evidence markers are the ACC/AHA system unless another
body (e.g. ESC) issued the document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ROMAN = {"1": "I", "2a": "IIa", "2b": "IIb", "3": "III", "2": "II"}

_CLASS = re.compile(
    r"\b(?:Class|COR)\s*:?\s*(?P<cls>III|IIb|IIa|II|I|3|2b|2a|2|1)\b"
    r"(?P<qual>\s*[:(,-]?\s*(?:Harm|No Benefit)\)?)?"
    r"(?:[^()\n]{0,12}?(?:LOE|Level of Evidence|Level)\s*:?\s*(?P<loe>[ABC](?:-(?:R|NR|LD|EO))?))?",
    re.IGNORECASE,
)
# "NYHA class III", "PSI Class I-II": disease classifications, not classes of recommendation.
_CLASSIFICATION_BEFORE = re.compile(
    r"\b(?:NYHA|PSI|s?PESI|Killip|CCS|WHO|ASA|Child-Pugh|Mallampati|Rutherford|Fontaine|functional|"
    r"Forrester|GOLD|Hunt and Hess|Wagner)\s*$",
    re.IGNORECASE,
)
_RANGE_AFTER = re.compile(r"^\s*[-–—]\s*(?:I|V|\d)")
_GRADE_WORDS = re.compile(
    r"\((?P<strength>Strong|Conditional|Weak)(?:\s+recommendation)?\s*[,;]\s*"
    r"(?P<quality>High|Moderate|Low|Very low)(?:[- ](?:quality|certainty)(?: of evidence| evidence)?)?"
    r"[^)]{0,20}\)",
    re.IGNORECASE,
)
_GRADE_BARE = re.compile(r"\((?P<strength>Strong|Conditional|Weak)(?: recommendation)?\)", re.IGNORECASE)
_GRADE_CODE = re.compile(r"\bGrade\s+(?P<code>[12][A-D])\b")
LETTER_GRADE = re.compile(r"\(\s*Grade\s+(?P<letter>[A-E])\s*\)")
_SMALL_WORDS = frozenset({"of", "the", "for", "and", "on", "in", "&", "de"})


@dataclass(frozen=True)
class Marker:
    """A grading marker found in a sentence: its strength text, scheme and implied direction."""

    strength: str
    scheme: str | None
    direction: str  # implied by the marker alone; an "against" verb phrase overrides for/conditional
    # False when the marker says nothing about direction (a letter grade): the verb phrase decides.
    implies_direction: bool = True


def scheme_for_organization(organization: str | None) -> str | None:
    """A short scheme name for the issuing body: "ACR", "ACC/AHA", "AAOS", "ACR/Arthritis Foundation"."""
    if not organization or not organization.strip():
        return None
    name = organization.strip()
    if "et al" in name or " " not in name:
        return name
    parts = [p for p in re.split(r"\s*(?:/|,|&|\band\b)\s*", name) if p]
    short: list[str] = []
    for part in parts:
        words = part.split()
        acronyms = [w for w in words if len(w) > 1 and w.isupper()]
        capitalized = [w for w in words if w[:1].isupper() and w.lower() not in _SMALL_WORDS]
        if acronyms:
            short.append(acronyms[0])
        elif len(capitalized) >= (2 if len(parts) > 1 else 3):  # "Arthritis Foundation" beside "ACR" -> "AF"
            short.append("".join(w[0] for w in capitalized))
        else:
            short.append(part)
    return "/".join(short)


def class_marker(sentence: str, organization: str | None) -> Marker | None:
    """An ACC/AHA-style class of recommendation (with level of evidence), if the sentence gives one."""
    for match in _CLASS.finditer(sentence):
        if _CLASSIFICATION_BEFORE.search(sentence[: match.start()]) or _RANGE_AFTER.match(
            sentence[match.end("cls") :]
        ):
            continue
        cls = _ROMAN.get(match.group("cls").lower(), match.group("cls"))
        qual = (match.group("qual") or "").strip(" :(,-)")
        loe = match.group("loe")
        strength = (
            f"Class {cls}" + (f": {qual.title()}" if qual else "") + (f" (LOE {loe.upper()})" if loe else "")
        )
        direction = {"III": "against", "IIb": "conditional"}.get(cls, "for")
        body = scheme_for_organization(organization)
        scheme = "ACC/AHA" if body is None or re.search(r"\b(ACCF?|AHA)\b", body) else body
        return Marker(strength, scheme, direction)
    return None


def grade_marker(sentence: str) -> Marker | None:
    """A GRADE marker: "(Strong, High)", "(Conditional)", "Grade 2C"."""
    match = _GRADE_WORDS.search(sentence) or _GRADE_BARE.search(sentence)
    if match:
        word = match.group("strength").title()
        quality = match.groupdict().get("quality")
        strength = f"{word}, {quality.capitalize()}" if quality else word
        return Marker(strength, "GRADE", "for" if word == "Strong" else "conditional")
    match = _GRADE_CODE.search(sentence)
    if match:
        code = match.group("code")
        return Marker(f"Grade {code}", "GRADE", "for" if code.startswith("1") else "conditional")
    return None


def letter_marker(sentence: str, organization: str | None) -> Marker | None:
    """A bare letter grade "(Grade A)": the issuing body's own evidence scale."""
    match = LETTER_GRADE.search(sentence)
    if not match:
        return None
    strength = f"Grade {match.group('letter')}"
    return Marker(strength, scheme_for_organization(organization), "for", implies_direction=False)
