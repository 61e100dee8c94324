"""One evaluation run: datasets -> (index their corpus) -> Curbside and the baseline -> summary and report."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from curbside.settings import Settings
from eval.baseline import NaiveRAG
from eval.corpora import ensure_corpus_index
from eval.datasets import Dataset
from eval.evaluators import AnswerEvaluator
from eval.judge import default_judge, load_calibration
from eval.report import write_report, write_summary
from eval.systems import CurbsideSystem, IndexLookups

JUDGE_DESCRIPTION = (
    "Exact or near-exact span containment (normalised; in-order runs of matching words cover >= 90% "
    "of the statement) "
    "decides extractive statements; anything else goes to the calibrated content-word coverage + "
    "embedding-cosine score."
)


def evaluate_dataset(
    dataset: Dataset,
    settings: Settings,
    items_dir: Path | None,
    progress: bool = True,
    corpus: str | None = None,
    with_retrieval: bool = True,
) -> dict[str, Any]:
    """Curbside and the naive baseline over one dataset, on the same index; returns their summaries."""
    from answer.service import Curbside

    started = time.monotonic()
    corpus = corpus or dataset.corpus
    own = ensure_corpus_index(settings, corpus, progress=progress)
    curbside = Curbside(own, build_default=corpus == "current", progress=progress)
    system = CurbsideSystem(curbside)
    lookups = IndexLookups(curbside.index)
    judge = default_judge(curbside.embedder.encode)
    evaluator = AnswerEvaluator(dataset, lookups, judge, with_retrieval=with_retrieval, progress=progress)
    systems = {}
    by_turn = {}
    for candidate in (system, NaiveRAG(curbside.index)):
        summary = evaluator(candidate, items_dir)
        by_turn[candidate.name] = summary.pop("by_turn")
        systems[candidate.name] = summary
    return {
        "description": dataset.description,
        "corpus": corpus,
        "index_chunks": getattr(curbside.index, "n_chunks", None),
        "index_docs": getattr(curbside.index, "n_docs", None),
        "seconds": time.monotonic() - started,
        "primary_metric": evaluator.primary_metric,
        "items": len(dataset.conversations),
        "turns": len(dataset.turns),
        "systems": systems,
        "by_turn": by_turn,
        "judge_name": judge.name,
    }


def run_evaluation(
    datasets: Sequence[Dataset],
    settings: Settings,
    out: Path,
    command: str = "",
    progress: bool = True,
    corpus_override: dict[str, str] | None = None,
    items_dir: Path | None = None,
    merge: bool = False,
) -> dict[str, Any]:
    """Evaluate every dataset, then write summary.json/csv, report.md and plots under ``out``
    (per-turn JSONL under ``items_dir``, default ``out/items``). ``merge`` keeps the datasets of an
    earlier summary.json in ``out`` that this run did not redo, so a report can be refreshed in parts."""
    started = time.monotonic()
    results = {}
    for dataset in datasets:
        corpus = (corpus_override or {}).get(dataset.name)
        results[dataset.name] = evaluate_dataset(
            dataset, settings, items_dir or out / "items", progress=progress, corpus=corpus
        )
    judge_name = next((r["judge_name"] for r in results.values()), "")
    if merge and (out / "summary.json").exists():
        earlier = json.loads((out / "summary.json").read_text(encoding="utf-8"))
        results = {**earlier.get("datasets", {}), **results}
        kept = [c for c in earlier.get("command", "").split("; ") if c and c != command]
        command = "; ".join([*kept, command])
    summary = {
        "command": command,
        "generated": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "seconds": time.monotonic() - started,
        "datasets": results,
        "judge": {"name": judge_name, "description": JUDGE_DESCRIPTION, "calibration": load_calibration()},
    }
    write_summary(summary, out)
    write_report(summary, out)
    return summary
