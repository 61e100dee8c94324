"""Spotting guidance and research that point in different directions.

The seed case: a guideline recommends against a treatment that reviews report benefit for.
The opposite (a guideline recommends for, reviews find no benefit) and two guidelines with
opposite directions on the same subject count too. Cue words keep this cheap and auditable.
"""

from __future__ import annotations

import re

from answer.select import Scored
from answer.text import overlap

_BENEFIT = re.compile(
    r"\b(?:improv\w+|effective|efficacious|benefi\w+|superior|better|relie\w+|"
    r"significant\w* (?:reduc|improv)\w*)",
    re.I,
)
_NO_BENEFIT = re.compile(
    r"\b(?:no (?:significant |clinically important |meaningful |durable |clinical )?"
    r"(?:difference|benefit|improvement|effect)|did not (?:improve|reduce|differ)|"
    r"not (?:significantly|effective|superior|been shown|shown|established)|does not (?:by itself )?show|"
    r"unestablished|ineffective|no evidence|lack of (?:efficacy|benefit)|at most|without being effective)",
    re.I,
)
# A guideline and a finding speak of the same thing when they share this many content words.
SHARED_WORDS = 2
# Guidelines on the same subject share at least this much of their content words.
SAME_SUBJECT = 0.5


def reports_benefit(text: str) -> bool:
    return bool(_BENEFIT.search(text)) and not _NO_BENEFIT.search(text)


def reports_no_benefit(text: str) -> bool:
    return bool(_NO_BENEFIT.search(text))


def _direction(item: Scored) -> str | None:
    rec = item.candidate.recommendation
    return rec.direction if rec is not None else None


def find_conflict(guidelines: list[Scored], research: list[Scored]) -> tuple[Scored, Scored] | None:
    """The first pair (in score order) whose directions disagree, or None."""
    for g in guidelines:
        direction = _direction(g)
        for r in research:
            if len(g.candidate.tokens & r.candidate.tokens) < SHARED_WORDS:
                continue  # a finding about something else is no disagreement
            if direction == "against" and reports_benefit(r.candidate.text):
                return g, r
            if direction == "for" and reports_no_benefit(r.candidate.text):
                return g, r
    for i, first in enumerate(guidelines):
        for second in guidelines[i + 1 :]:
            directions = {_direction(first), _direction(second)}
            if (
                directions == {"for", "against"}
                and first.candidate.doc.doc_id != second.candidate.doc.doc_id
                and overlap(first.candidate.tokens, second.candidate.tokens) >= SAME_SUBJECT
            ):
                return first, second
    return None
