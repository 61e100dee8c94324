"""Fixtures for the answer tests: hand-made retrieval results (see answer_fixtures)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from curbside.types import Chunk, RetrievalResult
from tests.answer.answer_fixtures import seed_hits


@pytest.fixture
def seed_result() -> RetrievalResult:
    guideline, research = seed_hits()
    return RetrievalResult(
        query="mechanism of action of knee stem cell injections", guideline_hits=guideline,
        research_hits=research, guideline_relevant=True, research_relevant=True, facet="mechanism",
    )


@pytest.fixture
def irrelevant_result() -> RetrievalResult:
    guideline, research = seed_hits()
    return RetrievalResult(
        query="bridging apixaban before colonoscopy", guideline_hits=guideline, research_hits=research,
        guideline_relevant=False, research_relevant=False, refusal_reason="below floor",
    )


@pytest.fixture
def chunk_lookup() -> Callable[[str], Chunk | None]:
    guideline, research = seed_hits()
    chunks = {h.chunk.chunk_id: h.chunk for h in guideline + research}
    return chunks.get
