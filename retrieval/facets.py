"""Detect what a question asks about (dosing, safety, screening ...) from cue words kept as data."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

_CUES_FILE = Path(__file__).resolve().parent / "facet_cues.json"
OTHER = "other"


@lru_cache(maxsize=1)
def _compiled() -> tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]:
    data = json.loads(_CUES_FILE.read_text(encoding="utf-8"))
    compiled = []
    for facet in data["order"]:
        try:
            patterns = tuple(re.compile(r"\b" + cue, re.IGNORECASE) for cue in data["cues"][facet])
        except (KeyError, re.error) as err:
            raise ValueError(f"{_CUES_FILE.name}: bad cues for facet {facet!r}: {err}") from err
        compiled.append((facet, patterns))
    return tuple(compiled)


def facet_scores(question: str) -> dict[str, int]:
    """How many cues of each facet the question contains."""
    return {facet: sum(1 for p in patterns if p.search(question)) for facet, patterns in _compiled()}


def detect_facet(question: str) -> str:
    """The facet with the most cue matches (earlier facets win ties); 'other' when no cue matches."""
    scores = facet_scores(question)
    best = max(scores.values(), default=0)
    if best == 0:
        return OTHER
    return next(facet for facet, _ in _compiled() if scores[facet] == best)
