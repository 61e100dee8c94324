"""What a turn hands to the next one: the documents behind its main point first, a few at most."""

from __future__ import annotations

from answer.service import TOPIC_DOCUMENTS, _topic_documents
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


def test_bottom_line_documents_lead_then_cited_ones_in_retrieval_order() -> None:
    guideline = make_hit(KNEE_GUIDELINE, KNEE_GUIDELINE_TEXT, 0, 60, 1.0)
    research = make_hit(REVIEW_A, REVIEW_A_TEXT, 0, 60, 0.9)
    result = RetrievalResult("q", [guideline], [research], True, True)
    answer = Answer("q", "q", False)
    answer.bottom_line = [_statement(REVIEW_A.doc_id)]
    answer.guidelines = [_statement(KNEE_GUIDELINE.doc_id), _statement("not-retrieved")]
    topic = _topic_documents(answer, result)
    assert topic[:2] == [REVIEW_A.doc_id, KNEE_GUIDELINE.doc_id]
    assert "not-retrieved" not in topic and len(topic) <= TOPIC_DOCUMENTS


def test_the_best_retrieved_document_stays_on_topic_even_when_no_statement_cites_it() -> None:
    # The composer chose sentences from the second document only; the first is still what retrieval found best
    # for this turn, so the next turn keeps it in view.
    best = make_hit(KNEE_GUIDELINE, KNEE_GUIDELINE_TEXT, 0, 60, 1.0)
    second = make_hit(REVIEW_A, REVIEW_A_TEXT, 0, 60, 0.9)
    result = RetrievalResult("q", [best], [second], True, True)
    answer = Answer("q", "q", False)
    answer.bottom_line = [_statement(REVIEW_A.doc_id)]
    assert _topic_documents(answer, result) == [REVIEW_A.doc_id, KNEE_GUIDELINE.doc_id]
