"""The naive baseline, the turn runner, summaries and the report on a tiny hand-made index."""

from __future__ import annotations

import json
from pathlib import Path

from curbside.types import Conversation
from eval.baseline import NaiveRAG
from eval.datasets import Dataset, EvalConversation, EvalTurn, GoldEvidence
from eval.evaluators import AnswerEvaluator
from eval.report import write_report, write_summary
from eval.systems import IndexLookups
from tests.eval.helpers import FakeIndex, WordSetJudge

DOCS = {
    "g:af": ("guideline", "Anticoagulate most patients with AF. Use a DOAC over warfarin."),
    "r:trial": ("randomized_trial", "Apixaban reduced stroke in AF patients. Bleeding was similar."),
    "g:gout": ("guideline", "Treat gout flares with colchicine. Continue urate lowering therapy."),
}
DATASET = Dataset(
    "tiny",
    [
        EvalConversation(
            "c1",
            (
                EvalTurn(
                    "anticoagulate AF patients?",
                    True,
                    (GoldEvidence("g:af", "Anticoagulate most patients with AF."),),
                    turn_id="c1#1",
                ),
                EvalTurn("what about AF in pregnancy?", False, (), turn_id="c1#2"),
            ),
        ),
        EvalConversation(
            "c2",
            (
                EvalTurn(
                    "gout flares colchicine",
                    True,
                    (GoldEvidence("g:gout", "Continue urate lowering therapy."),),
                    turn_id="c2#1",
                ),
            ),
        ),
    ],
)


def test_baseline_cites_the_first_sentence_of_the_top_passages() -> None:
    index = FakeIndex(DOCS)
    answer = NaiveRAG(index).ask("AF patients", Conversation("x"))
    statements = answer.research[0].statements
    assert statements[0].text == "Anticoagulate most patients with AF."
    first = statements[0].citations[0]
    assert DOCS[first.doc_id][1][first.start : first.end] == statements[0].text
    assert not answer.guidelines and not answer.refused  # no tiers, no floor


def test_baseline_refuses_only_when_nothing_matches() -> None:
    assert NaiveRAG(FakeIndex(DOCS)).ask("zebra").refused


def test_evaluator_scores_turns_and_report_is_written(tmp_path: Path) -> None:
    index = FakeIndex(DOCS)
    evaluator = AnswerEvaluator(
        DATASET, IndexLookups(index), WordSetJudge(), with_retrieval=False, progress=False
    )
    summary = evaluator(NaiveRAG(index), tmp_path / "items")
    records = evaluator.records["naive-rag"]
    assert [r["turn_id"] for r in records] == ["c1#1", "c1#2", "c2#1"]
    assert records[1]["history"] == ["anticoagulate AF patients?"]
    # Extractive statements cite their own words: fully supported.
    assert summary["citation_recall"] == 1.0 and summary["fully_supported"] == 1.0
    # c1#1 cites the gold sentence; c2#1 cites g:gout's first sentence, not the gold one.
    assert records[0]["metrics"]["overlaps_gold_quote"] == 1.0
    assert records[2]["metrics"] == {
        **records[2]["metrics"],
        "cites_gold_doc": 1.0,
        "overlaps_gold_quote": 0.0,
    }
    assert summary["refusal_recall"] == 0.0  # the baseline never refuses the unanswerable turn
    assert summary["guideline_first"] == 0.0  # one flat section
    assert evaluator.primary_metric == "overlaps_gold_quote"
    lines = (tmp_path / "items" / "tiny-naive-rag.jsonl").read_text().splitlines()
    assert json.loads(lines[0])["citations"][0]["text"] == "Anticoagulate most patients with AF."

    by_turn = summary.pop("by_turn")
    assert by_turn[1]["turns"] == 2.0 and by_turn[2]["turns"] == 1.0
    full = {
        "command": "test",
        "datasets": {
            "tiny": {"systems": {"naive-rag": summary}, "corpus": "fake", "by_turn": {"naive-rag": by_turn}}
        },
        "judge": {"name": "word-set", "calibration": {"calibrated": False}},
    }
    write_summary(full, tmp_path / "out")
    report = write_report(full, tmp_path / "out").read_text()
    assert "| naive-rag | 3 |" in report
    assert (tmp_path / "out" / "summary.csv").read_text().startswith("dataset,system,turns")
    png = tmp_path / "out" / "plots" / "tiny-answers.png"
    assert png.read_bytes()[:4] == b"\x89PNG"
