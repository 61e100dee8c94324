"""Organizations named in a question: "How does the USPSTF position compare?" asks for that body's documents.

The question's clinical words alone may rank another society's guideline above the one named, so the named
organization's documents get a boost. Names are read from the index's own metadata: acronyms as written
("USPSTF", "ACC/AHA" gives ACC and AHA; matched case-sensitively, so "GOLD" the initiative is not "gold") and
whole multi-word names ("Endocrine Society"; matched ignoring case). An acronym alone is not enough: "ASA"
is also aspirin and "ACR" the albumin-creatinine ratio, so the question must also speak of a source's stance
("recommend", "guideline", "position", "say" ...).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from retrieval.vocabulary import contains_phrase

_ACRONYM = re.compile(r"^[A-Z][A-Z0-9]{2,}$")
_NAME_PARTS = re.compile(r"[/,;()]+|\s+")
MIN_NAME_WORDS = 2
_ASKS_FOR_A_SOURCE = re.compile(
    r"\b(?:guidelines?|recommend\w*|position|statements?|says?|said|advises?|advice|according|stance|grades?|"
    r"suggests?|endorse\w*|task force)\b",
    re.I,
)


@dataclass(frozen=True)
class OrganizationNames:
    """Which organizations of the index a piece of text names."""

    acronyms: dict[str, frozenset[str]]  # "AHA" -> {"ACC/AHA", "AHA/ASA", ...}
    names: dict[str, str]  # "endocrine society" -> "Endocrine Society"

    @classmethod
    def from_organizations(cls, organizations: Iterable[str]) -> OrganizationNames:
        acronyms: dict[str, set[str]] = {}
        names: dict[str, str] = {}
        for organization in sorted(set(organizations)):
            for part in _NAME_PARTS.split(organization):
                if _ACRONYM.match(part):
                    acronyms.setdefault(part, set()).add(organization)
            if len(organization.split()) >= MIN_NAME_WORDS:
                names[" ".join(organization.lower().split())] = organization
        return cls({k: frozenset(v) for k, v in acronyms.items()}, names)

    def named_in(self, text: str) -> frozenset[str]:
        """The organizations ``text`` names (empty for most questions)."""
        if not _ASKS_FOR_A_SOURCE.search(text):
            return frozenset()
        found: set[str] = set()
        for word in set(re.findall(r"[A-Za-z][A-Za-z0-9]*", text)):
            found |= self.acronyms.get(word, frozenset())
        if self.names:
            flat = " ".join(text.lower().split())
            found |= {org for name, org in self.names.items() if contains_phrase(flat, name, False)}
        return frozenset(found)
