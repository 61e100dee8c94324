"""Evaluators in the manner of sentence-transformers': ``evaluator(system) -> metrics``, results on disk.

``Evaluator`` fixes the interface (``name``, ``primary_metric``, ``__call__``); subclasses say
how to compute. When given an output folder, results are written as JSON (all metrics) and
appended to a CSV (one row per call), so repeated runs build up a history.
"""

from __future__ import annotations

import csv
import json
import math
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any

from eval.datasets import Dataset
from eval.judge import SupportJudge
from eval.runner import run_system, write_jsonl
from eval.summary import HEADLINE, by_turn_position, summarise
from eval.systems import EvalSystem, IndexLookups


class Evaluator(ABC):
    name: str = "evaluator"
    primary_metric: str = ""

    @abstractmethod
    def compute(self, system: EvalSystem, output_path: Path | None = None) -> dict[str, Any]:
        """All metrics of ``system``; may write per-item files under ``output_path``."""

    def __call__(self, system: EvalSystem, output_path: Path | None = None) -> dict[str, Any]:
        metrics = self.compute(system, output_path)
        metrics["primary_metric"] = self.primary_metric
        if output_path is not None:
            self.write(system.name, metrics, output_path)
        return metrics

    def write(self, system_name: str, metrics: dict[str, Any], folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        stem = f"{self.name}-{system_name}"
        (folder / f"{stem}.json").write_text(
            json.dumps(metrics, indent=2, default=_plain) + "\n", encoding="utf-8"
        )
        scalars = {k: v for k, v in metrics.items() if isinstance(v, int | float)}
        csv_path = folder / f"{self.name}_results.csv"
        new = not csv_path.exists()
        with csv_path.open("a", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            if new:
                writer.writerow(["system", *scalars])
            writer.writerow([system_name, *(_plain(v) for v in scalars.values())])


def _plain(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    return value if isinstance(value, int | float | str) else str(value)


class AnswerEvaluator(Evaluator):
    """Runs a system over a dataset's conversations and scores every turn (eval.metrics)."""

    def __init__(
        self,
        dataset: Dataset,
        lookups: IndexLookups,
        judge: SupportJudge,
        with_retrieval: bool = True,
        progress: bool = True,
    ) -> None:
        self.dataset = dataset
        self.lookups = lookups
        self.judge = judge
        self.with_retrieval = with_retrieval
        self.progress = progress
        self.name = dataset.name
        # What the set is for: gold-evidence overlap where there are quotes; gold document otherwise.
        has_quotes = any(g.quote or g.start is not None for t in dataset.turns for g in t.gold)
        self.primary_metric = "overlaps_gold_quote" if has_quotes else "cites_gold_doc"
        self.records: dict[str, list[dict[str, Any]]] = {}

    def compute(self, system: EvalSystem, output_path: Path | None = None) -> dict[str, Any]:
        records = list(
            run_system(
                self.dataset,
                system,
                self.lookups,
                self.judge,
                with_retrieval=self.with_retrieval,
                progress=self.progress,
            )
        )
        self.records[system.name] = records
        if output_path is not None:
            write_jsonl(records, output_path / f"{self.name}-{system.name}.jsonl")
        summary = summarise(records)
        summary["by_turn"] = by_turn_position(records)
        return summary


__all__ = ["HEADLINE", "AnswerEvaluator", "Evaluator"]
