"""What a turn hands to the next one: the documents behind its main point first, a few at most."""

from __future__ import annotations

from answer.service import TOPIC_DOCUMENTS, topic_documents
from curbside.types import Answer, Citation, RetrievalResult, Statement
from tests.answer.answer_fixtures import (
    KNEE_GUIDELINE,
    KNEE_GUIDELINE_TEXT,
    REVIEW_A,
    REVIEW_A_TEXT,
    make_hit,
)


def _statement(doc_id: str) -> Statement:
    return Statement("text of the statement", [Citation(1, doc_id, "chunk", 0, 10)])


def _guideline_then_review() -> tuple[RetrievalResult, Answer]:
    """Retrieval ranked the knee guideline first, a review second; the bottom line cites the review."""
    guideline = make_hit(KNEE_GUIDELINE, KNEE_GUIDELINE_TEXT, 0, 60, 1.0)
    research = make_hit(REVIEW_A, REVIEW_A_TEXT, 0, 60, 0.9)
    answer = Answer("q", "q", False)
    answer.bottom_line = [_statement(REVIEW_A.doc_id)]
    return RetrievalResult("q", [guideline], [research], True, True), answer


def test_bottom_line_documents_lead_then_cited_ones_in_retrieval_order() -> None:
    result, answer = _guideline_then_review()
    answer.guidelines = [_statement(KNEE_GUIDELINE.doc_id), _statement("not-retrieved")]
    topic = topic_documents(answer, result)
    assert topic[:2] == [REVIEW_A.doc_id, KNEE_GUIDELINE.doc_id]
    assert "not-retrieved" not in topic and len(topic) <= TOPIC_DOCUMENTS


def test_the_best_retrieved_document_stays_on_topic_even_when_no_statement_cites_it() -> None:
    # The composer chose sentences from the review only; the guideline is still what retrieval found best for
    # this turn, so the next turn keeps it in view.
    result, answer = _guideline_then_review()
    assert topic_documents(answer, result) == [REVIEW_A.doc_id, KNEE_GUIDELINE.doc_id]
