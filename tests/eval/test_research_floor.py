"""Fitting the research pool's floor: labelled questions in, a floor that separates them out."""

from __future__ import annotations

from pathlib import Path

from eval.plots import floor_histogram
from eval.research_floor import ResearchQuestion, fit, passes, rates, report
from retrieval.floors import PoolFloor


def _questions(source: str, answerable: list[float], unanswerable: list[float]) -> list[ResearchQuestion]:
    out = [ResearchQuestion(source, f"{source}-a{i}", True, d, 1.0) for i, d in enumerate(answerable)]
    out += [ResearchQuestion(source, f"{source}-u{i}", False, d, 1.0) for i, d in enumerate(unanswerable)]
    return out


def test_the_fitted_floor_lies_between_answerable_and_unanswerable_questions() -> None:
    questions = _questions("a", [0.70, 0.75, 0.80, 0.90], [0.40, 0.45, 0.50])
    questions += _questions("b", [0.65, 0.72, 0.85], [0.35, 0.55, 0.42])
    floor, bacc = fit(questions)
    assert 0.55 < floor.dense < 0.65 and bacc == 1.0
    assert all(passes(q, floor) == q.answerable for q in questions)


def test_coverage_refuses_what_the_dense_cosine_alone_would_keep() -> None:
    questions = _questions("a", [0.70, 0.80, 0.90], [])
    questions += [ResearchQuestion("a", "off", False, 0.85, 0.0)]  # close in meaning, names none of the terms
    floor, bacc = fit(questions)
    assert floor.coverage > 0.0 and bacc == 1.0


def test_rates_count_kept_and_refused_questions() -> None:
    questions = _questions("a", [0.7, 0.3], [0.6, 0.2])
    r = rates(questions, PoolFloor(0.5, 0.0))
    assert r["answerable_kept"] == 0.5 and r["unanswerable_refused"] == 0.5
    assert r["answerable"] == 2 and r["unanswerable"] == 2


def test_the_report_leaves_each_source_out_in_turn() -> None:
    # Source "c" holds higher unanswerable scores than the others: the floor fitted without it is lower.
    questions = _questions("pubmedqa", [0.8, 0.9], [0.3, 0.4])
    questions += _questions("bioasq", [0.7, 0.85], [0.35, 0.45])
    questions += _questions("evidence-inference", [0.75, 0.8], [0.3, 0.5])
    questions += _questions("followup-dev", [], [0.6, 0.65, 0.62])
    lines, data = report(questions, PoolFloor(0.25, 0.0))
    assert data["followup-dev"]["others only"]["dense"] < data["fitted"]["dense"]
    assert data["followup-dev"]["guideline floor"]["unanswerable_refused"] == 0.0
    assert data["followup-dev"]["fitted on all"]["unanswerable_refused"] == 1.0
    assert sum("| followup-dev |" in line for line in lines) == 3


def test_the_histogram_is_written(tmp_path: Path) -> None:
    path = floor_histogram({"yes": [0.7, 0.8], "no": [0.3]}, 0.5, tmp_path / "plots" / "floor.png")
    assert path.is_file() and path.stat().st_size > 1000
