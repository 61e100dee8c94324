"""The seed question on a small real index: the built-in corpus, the ACR gout guideline, and one
unrelated guideline (asthma biologics) whose "Mechanism:" lines must not reach a knee answer.

Builds its own index in a temporary home (about 150 passages, embedded once for the module).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from answer.compose import compose
from answer.conflicts import reports_benefit
from answer.references import all_statements
from answer.render import render_text
from answer.service import Curbside
from answer.verify import verify_answer
from curbside.settings import Settings
from curbside.types import Answer
from index.versions import reindex
from ingest import default_corpus_documents

SEED_QUESTION = "What is the mechanism of action of knee stem cell injections?"
KNEE_GUIDELINES = {"curbside-corpus:acr_af_oa_2019", "curbside-corpus:aaos_knee_oa_2022"}
EXTRA_GUIDELINES = ("open-medicine:acr_gout_2020/", "open-medicine:gina_asthma_2024/severe_asthma")

pytestmark = pytest.mark.slow


@dataclass
class Engine:
    curbside: Curbside

    def answer(self, question: str) -> Answer:
        """Real retrieval hits composed with index-wide term weights (as the service can pass them).

        Both pools count as relevant when they returned hits: the relevance floor is retrieval's
        decision (tested with retrieval); these tests judge what the composer makes of real passages.
        """
        retriever = self.curbside.retriever
        result = retriever.retrieve(question, None)
        has_guidelines, has_research = bool(result.guideline_hits), bool(result.research_hits)
        result = replace(result, guideline_relevant=has_guidelines, research_relevant=has_research)
        return compose(
            question, result, self.curbside.settings.answer, embed=self.curbside.embedder.encode,
            term_weight=retriever.specificity,
        )


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    docs = [
        d for d in default_corpus_documents()
        if d.doc_id.startswith("curbside-corpus:") or d.doc_id.startswith(EXTRA_GUIDELINES)
    ]
    assert any(d.doc_id.startswith(EXTRA_GUIDELINES[1]) for d in docs), "asthma biologics section not found"
    settings = Settings(home=Path(tmp_path_factory.mktemp("default-corpus-home")))
    reindex(docs, settings, progress=False)
    return Engine(Curbside(settings, build_default=False, progress=False))


@pytest.fixture(scope="module")
def seed_answer(engine: Engine) -> Answer:
    return engine.answer(SEED_QUESTION)


def _cited_docs(statements) -> set[str]:
    return {c.doc_id for s in statements for c in s.citations}


def test_guidelines_come_first_and_are_knee_guidelines_only(seed_answer: Answer):
    assert not seed_answer.refused
    assert seed_answer.guidelines, render_text(seed_answer)
    text = render_text(seed_answer)
    assert text.index("From the Guidelines") < text.index("From the Research")
    # No statement from an unrelated guideline: "Mechanism: Binds IL-5" shares only a facet word.
    assert _cited_docs(seed_answer.guidelines) <= KNEE_GUIDELINES, text


def test_the_acr_af_recommendation_against_stem_cells_is_shown_with_its_direction(seed_answer: Answer):
    acr = [
        s for s in seed_answer.guidelines
        if _cited_docs([s]) == {"curbside-corpus:acr_af_oa_2019"} and "stem cell" in s.text.lower()
    ]
    assert acr and any(s.recommendation and s.recommendation.direction == "against" for s in acr)
    assert seed_answer.bottom_line[0].recommendation.direction == "against"


def test_research_has_a_mechanism_facet_and_no_background_sentences(seed_answer: Answer):
    facets = {f.facet: f.statements for f in seed_answer.research}
    assert "mechanism" in facets, render_text(seed_answer)
    research_text = " ".join(s.text for f in seed_answer.research for s in f.statements)
    assert "estimated the benefits and harms" not in research_text  # a review's aim is not a finding


def test_an_evidence_note_pairs_the_guideline_against_with_research_reporting_benefit(seed_answer: Answer):
    if not seed_answer.evidence_note:
        shown = [s.text for f in seed_answer.research for s in f.statements]
        assert not any(reports_benefit(t) for t in shown), "research reports benefit but no note was made"
        return
    guideline, research = seed_answer.evidence_note
    assert guideline.recommendation is not None and guideline.recommendation.direction == "against"
    assert reports_benefit(research.text), research.text
    assert _cited_docs([research]).isdisjoint(KNEE_GUIDELINES)


def test_every_statement_is_found_in_its_cited_span(engine: Engine, seed_answer: Answer):
    assert verify_answer(seed_answer, engine.curbside.index.chunk_by_id) == []
    assert all(s.citations for s in all_statements(seed_answer))


def test_gout_flare_answer_shows_the_strong_acr_recommendation(engine: Engine):
    answer = engine.answer("What is first-line treatment for an acute gout flare?")
    flare = "open-medicine:acr_gout_2020/flare_management"
    strong_first_line = [
        s for s in answer.guidelines
        if s.recommendation is not None and "Strong" in (s.recommendation.strength or "")
        and "first-line" in s.text and _cited_docs([s]) == {flare}
    ]
    assert strong_first_line, render_text(answer)
    assert answer.guidelines[0] is strong_first_line[0]
    assert verify_answer(answer, engine.curbside.index.chunk_by_id) == []


def test_the_service_path_keeps_guidelines_first_without_term_weights(engine: Engine):
    answer = engine.curbside.ask(SEED_QUESTION)  # with retrieval's own relevance floor
    assert answer.guidelines and _cited_docs(answer.guidelines) <= KNEE_GUIDELINES
    assert verify_answer(answer, engine.curbside.index.chunk_by_id) == []


def test_ask_traced_returns_the_answer_and_the_signals_it_rests_on(engine: Engine):
    from curbside.types import Conversation

    conversation = Conversation("traced")
    first, first_trace = engine.curbside.ask_traced("What is first-line treatment for an acute gout flare?",
                                                    conversation)
    assert not first.refused and first_trace.result.guideline_relevant
    assert first_trace.signals["guideline"].best_dense > 0 and not first_trace.rewritten.topic_shift
    assert [t.question for t in conversation.turns] == [first.question]  # appended, as ask() does
    # The follow-up's trace is the one its answer was composed from: rewritten with the conversation's topic.
    answer, trace = engine.curbside.ask_traced("and the dose?", conversation)
    assert trace.result.query == answer.interpreted_as != "and the dose?"
    # ("gout" is in most passages of this small index, too common to carry; "flare" is not.)
    assert "flare" in trace.result.query and trace.signals["guideline"].continues_topic
    assert len(conversation.turns) == 2


def test_warm_up_prepares_every_guideline_passage_and_answers_stay_the_same(engine: Engine):
    from answer.candidates import prepare_passages, prepared_count

    prepare_passages([])
    cold = render_text(engine.answer(SEED_QUESTION))
    engine.curbside.warm_up()
    lo, hi = engine.curbside.index.pool_range("guideline")
    assert hi > lo and prepared_count() == hi - lo
    assert render_text(engine.answer(SEED_QUESTION)) == cold
