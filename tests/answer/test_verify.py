"""The faithfulness check catches each kind of unfaithful statement."""

from __future__ import annotations

from dataclasses import replace

from answer.compose import compose
from answer.verify import verify_answer
from curbside.settings import AnswerSettings
from curbside.types import Statement

QUESTION = "knee stem cell injections"


def _answer(seed_result):
    return compose(QUESTION, seed_result, AnswerSettings())


def test_faithful_answer_has_no_problems(seed_result, chunk_lookup):
    assert verify_answer(_answer(seed_result), chunk_lookup) == []


def test_statement_without_citation_is_reported(seed_result, chunk_lookup):
    answer = _answer(seed_result)
    answer.guidelines.append(Statement(text="Anything at all.", citations=[]))
    problems = verify_answer(answer, chunk_lookup)
    assert any("without a citation" in p for p in problems)


def test_unresolvable_citation_is_reported(seed_result, chunk_lookup):
    answer = _answer(seed_result)
    statement = answer.guidelines[0]
    statement.citations = [replace(statement.citations[0], chunk_id="missing")]
    assert any("does not resolve" in p for p in verify_answer(answer, chunk_lookup))


def test_altered_words_are_reported(seed_result, chunk_lookup):
    answer = _answer(seed_result)
    answer.guidelines[0].text = answer.guidelines[0].text.replace("against", "for")
    assert any("does not contain" in p for p in verify_answer(answer, chunk_lookup))


def test_shifted_span_is_reported(seed_result, chunk_lookup):
    answer = _answer(seed_result)
    statement = answer.guidelines[0]
    first = statement.citations[0]
    statement.citations = [replace(first, start=first.start + 10, end=first.end + 10)]
    assert verify_answer(answer, chunk_lookup)


def test_refusal_with_statements_is_reported(seed_result, chunk_lookup):
    answer = _answer(seed_result)
    answer.refused = True
    assert any("refused" in p for p in verify_answer(answer, chunk_lookup))
