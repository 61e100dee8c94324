"""Each metric on hand-made cases whose answers are worked out by hand."""

from __future__ import annotations

import math

import pytest

from eval.datasets import EvalTurn, GoldEvidence
from eval.metrics import (
    citation_faithfulness,
    gold_evidence,
    guideline_placement,
    ir_metrics,
    refusal_scores,
    score_statement,
)
from tests.eval.helpers import WordSetJudge, answer, meta, statement

JUDGE = WordSetJudge()


# ALCE corner cases --------------------------------------------------------------------------


def test_single_supporting_citation_is_recalled_and_precise() -> None:
    s = score_statement("statins lower ldl", ["statins lower ldl in adults"], JUDGE)
    assert (s.supported, s.precise_citations, s.citations) == (True, 1, 1)


def test_citation_that_adds_nothing_is_irrelevant() -> None:
    # The first passage alone supports; the second alone does not and removing it changes nothing.
    s = score_statement("statins lower ldl", ["statins lower ldl", "exercise is good"], JUDGE)
    assert (s.supported, s.precise_citations, s.citations) == (True, 1, 2)


def test_citations_needed_together_are_both_relevant() -> None:
    s = score_statement("statins lower ldl", ["statins work", "they lower ldl"], JUDGE)
    assert (s.supported, s.precise_citations, s.citations) == (True, 2, 2)


def test_each_citation_alone_supporting_counts_for_both() -> None:
    s = score_statement("statins lower ldl", ["statins lower ldl", "ldl: statins lower it"], JUDGE)
    assert s.precise_citations == 2


def test_redundant_pair_with_one_weaker_passage() -> None:
    # Passage 2 alone fails, but without it passage 1 + 3 still support: 2 is irrelevant.
    s = score_statement("a b c", ["a b", "b", "c"], JUDGE)
    assert (s.supported, s.precise_citations, s.citations) == (True, 2, 3)


def test_unsupported_statement_gets_no_precision() -> None:
    s = score_statement("statins cure cancer", ["statins lower ldl", "cancer is common"], JUDGE)
    assert (s.supported, s.precise_citations, s.citations) == (False, 0, 2)


def test_statement_without_citation_is_not_recalled() -> None:
    s = score_statement("statins lower ldl", [], JUDGE)
    assert (s.supported, s.citations) == (False, 0)


def test_response_level_scores_average_statements_and_pool_citations() -> None:
    g = meta("g1", "guideline")
    a = answer(
        guidelines=[
            statement("statins lower ldl", (1, "g1", 0, 17)),
            statement("statins cure cancer", (1, "g1", 0, 17), (1, "g1", 20, 30)),
        ],
        refs={1: g},
    )
    texts = {(0, 17): "statins lower ldl", (20, 30): "exercise"}
    scores = citation_faithfulness(a, lambda c: texts[(c.start, c.end)], JUDGE)
    assert scores["citation_recall"] == pytest.approx(0.5)
    assert scores["citation_precision"] == pytest.approx(1 / 3)  # 1 precise of 3 citations
    assert scores["fully_supported"] == 0.0


def test_refusal_without_statements_has_no_faithfulness() -> None:
    assert citation_faithfulness(answer(refused=True), lambda c: "", JUDGE) is None


# Gold evidence ------------------------------------------------------------------------------

DOC = "Intro. Reduce to **2.5 mg** BID if the patient\nis old. Other text here."


def _turn(*gold: GoldEvidence, answerable: bool = True) -> EvalTurn:
    return EvalTurn("q", answerable, tuple(gold))


def test_cited_span_overlapping_a_quote_with_markup_and_line_break() -> None:
    a = answer(guidelines=[statement("x", (1, "d1", 7, 20))], refs={1: meta("d1", "guideline")})
    turn = _turn(GoldEvidence("d1", "Reduce to 2.5 mg BID if the patient is old."))
    scores = gold_evidence(a, turn, lambda d: {d}, lambda d: DOC)
    assert scores == {"cites_gold_doc": 1.0, "overlaps_gold_quote": 1.0}


def test_right_document_wrong_place() -> None:
    end = len(DOC)
    a = answer(guidelines=[statement("x", (1, "d1", end - 11, end))], refs={1: meta("d1", "guideline")})
    turn = _turn(GoldEvidence("d1", "Reduce to 2.5 mg BID if the patient is old."))
    scores = gold_evidence(a, turn, lambda d: {d}, lambda d: DOC)
    assert scores == {"cites_gold_doc": 1.0, "overlaps_gold_quote": 0.0}


def test_gold_offsets_are_used_when_given_and_doc_aliases_count() -> None:
    a = answer(research=[statement("x", (1, "snip", 10, 20))], refs={1: meta("snip", "other")})
    turn = _turn(GoldEvidence("pubmed:42", None, 15, 40))
    scores = gold_evidence(a, turn, lambda d: {d, "pubmed:42"}, lambda d: None)
    assert scores == {"cites_gold_doc": 1.0, "overlaps_gold_quote": 1.0}


def test_bottom_line_is_scored_on_its_own_citations() -> None:
    gold = statement("x", (1, "d1", 7, 20))
    a = answer(guidelines=[gold], refs={1: meta("d1", "guideline"), 2: meta("d2", "guideline")})
    turn = _turn(GoldEvidence("d1", "Reduce to 2.5 mg BID if the patient is old."))
    a.bottom_line = [statement("y", (2, "d2", 0, 5))]
    scores = gold_evidence(a, turn, lambda d: {d}, lambda d: DOC)
    assert scores == {
        "cites_gold_doc": 1.0, "overlaps_gold_quote": 1.0,
        "bottom_line_cites_gold_doc": 0.0, "bottom_line_overlaps_gold_quote": 0.0,
    }
    a.bottom_line = [gold]
    scores = gold_evidence(a, turn, lambda d: {d}, lambda d: DOC)
    assert scores["bottom_line_overlaps_gold_quote"] == 1.0


def test_refusal_scores_zero_for_the_bottom_line_too() -> None:
    turn = _turn(GoldEvidence("d1", "Reduce to 2.5 mg BID if the patient is old."))
    scores = gold_evidence(answer(refused=True), turn, lambda d: {d}, lambda d: DOC)
    assert scores == {
        "cites_gold_doc": 0.0, "overlaps_gold_quote": 0.0,
        "bottom_line_cites_gold_doc": 0.0, "bottom_line_overlaps_gold_quote": 0.0,
    }


def test_unanswerable_turn_has_no_gold_evidence_score() -> None:
    assert gold_evidence(answer(), _turn(answerable=False), lambda d: {d}, lambda d: None) is None


# Guideline-first placement ------------------------------------------------------------------


def test_guideline_section_first_and_pure() -> None:
    a = answer(
        guidelines=[statement("g", (1, "g", 0, 1))],
        research=[statement("r", (2, "r", 0, 1))],
        refs={1: meta("g", "guideline"), 2: meta("r", "randomized_trial")},
    )
    assert guideline_placement(a) == {"guideline_first": 1.0, "first_citation_guideline": 1.0}


def test_research_passage_in_guideline_section_fails() -> None:
    a = answer(
        guidelines=[statement("g", (2, "r", 0, 1)), statement("g2", (1, "g", 0, 1))],
        refs={1: meta("g", "guideline"), 2: meta("r", "randomized_trial")},
    )
    assert guideline_placement(a) == {"guideline_first": 0.0, "first_citation_guideline": 0.0}


def test_guideline_evidence_buried_under_research_fails() -> None:
    a = answer(
        research=[statement("r", (2, "r", 0, 1)), statement("g", (1, "g", 0, 1))],
        refs={1: meta("g", "guideline"), 2: meta("r", "randomized_trial")},
    )
    assert guideline_placement(a)["guideline_first"] == 0.0


def test_answer_without_guideline_evidence_is_not_scored() -> None:
    a = answer(research=[statement("r", (1, "r", 0, 1))], refs={1: meta("r", "randomized_trial")})
    assert guideline_placement(a) is None


# Refusals -----------------------------------------------------------------------------------


def test_refusal_precision_and_recall() -> None:
    # (answerable, refused): 2 unanswerable (1 refused), 1 answerable wrongly refused.
    scores = refusal_scores([(False, True), (False, False), (True, True), (True, False)])
    assert scores["refusal_precision"] == pytest.approx(0.5)
    assert scores["refusal_recall"] == pytest.approx(0.5)


def test_no_refusals_gives_undefined_precision() -> None:
    assert math.isnan(refusal_scores([(True, False)])["refusal_precision"])


# IR metrics via ranx ------------------------------------------------------------------------


@pytest.mark.slow  # ranx compiles its metrics with numba on first use
def test_ir_metrics_on_a_known_ranking() -> None:
    qrels = {"q1": {"d1": 1}, "q2": {"d9": 1}}
    run = {"q1": {"d0": 3.0, "d1": 2.0, "d2": 1.0}, "q2": {}}
    scores = ir_metrics(qrels, run, ["mrr", "recall@5", "ndcg@10"])
    assert scores["mrr"] == pytest.approx(0.25)  # (1/2 + 0) / 2
    assert scores["recall@5"] == pytest.approx(0.5)
    assert scores["ndcg@10"] == pytest.approx((1 / math.log2(3)) / 2)
