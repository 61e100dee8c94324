"""Per-turn records -> one summary per (dataset, system): means, refusals, IR metrics, turn position."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from eval.intervals import metric_interval, refusal_records
from eval.metrics import DEFAULT_IR_METRICS, ir_metrics, refusal_scores

# Per-turn metrics averaged over the turns where they apply (the count is reported beside each).
TURN_METRICS: tuple[str, ...] = (
    "citation_recall",
    "citation_precision",
    "fully_supported",
    "cites_gold_doc",
    "overlaps_gold_quote",
    "bottom_line_cites_gold_doc",
    "bottom_line_overlaps_gold_quote",
    "guideline_first",
    "first_citation_guideline",
)
# The figures the report's main table shows, in order.
HEADLINE: tuple[str, ...] = (*TURN_METRICS, "refusal_precision", "refusal_recall")


def mean_of(records: Sequence[dict[str, Any]], metric: str) -> tuple[float, int]:
    values = [r["metrics"][metric] for r in records if metric in r["metrics"]]
    return (sum(values) / len(values), len(values)) if values else (float("nan"), 0)


def summarise(records: Sequence[dict[str, Any]], ir: Sequence[str] = DEFAULT_IR_METRICS) -> dict[str, Any]:
    """Summary of one system's records on one dataset."""
    out: dict[str, Any] = {"turns": len(records)}
    counts: dict[str, int] = {}
    for metric in TURN_METRICS:
        out[metric], counts[metric] = mean_of(records, metric)
    out.update(
        refusal_scores((bool(r["gold"]["answerable"]), bool(r["metrics"]["refused"])) for r in records)
    )
    out["answerable_refused"] = mean_of([r for r in records if r["gold"]["answerable"]], "refused")[0]
    out["counts"] = counts
    # 95% intervals, resampling whole conversations (eval/intervals.py).
    out["intervals"] = {m: list(metric_interval(records, m)) for m in TURN_METRICS}
    out["intervals"]["refusal_recall"] = list(metric_interval(refusal_records(records), "refusal_recall"))
    retrieval: dict[str, dict[str, float]] = {}
    qrels = {r["turn_id"]: r["gold"]["relevant"] for r in records if r["gold"]["relevant"]}
    configs = sorted({c for r in records for c in r.get("retrieval", {})})
    for config in configs:
        run = {
            r["turn_id"]: {d: float(s) for d, s in _descending(r["retrieval"].get(config, []))}
            for r in records
            if r["turn_id"] in qrels
        }
        retrieval[config] = ir_metrics(qrels, run, ir)
    if retrieval:
        out["retrieval"] = retrieval
    return out


def _descending(pairs: list[list[Any]]) -> list[tuple[str, float]]:
    """Scores that strictly follow rank order (fused and raw scores differ in scale; rank is what counts)."""
    n = len(pairs)
    return [(d, float(n - i)) for i, (d, _) in enumerate(pairs)]


def by_turn_position(
    records: Sequence[dict[str, Any]], metrics: Sequence[str] = HEADLINE[:5]
) -> dict[int, dict[str, float]]:
    """Metric means by position in the conversation (turn 1, 2, ...): do follow-ups hold up?"""
    positions = sorted({int(r["turn"]) for r in records})
    table: dict[int, dict[str, float]] = {}
    for pos in positions:
        subset = [r for r in records if int(r["turn"]) == pos]
        row = {m: mean_of(subset, m)[0] for m in metrics}
        row["turns"] = float(len(subset))
        table[pos] = row
    return table


def fmt(value: Any, digits: int = 3) -> str:
    if isinstance(value, float):
        return "-" if math.isnan(value) else f"{value:.{digits}f}"
    return str(value)
