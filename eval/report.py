"""Writes a run's summary JSON, summary CSV and Markdown report (with its plots) to the output folder."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any

from eval import plots
from eval.summary import HEADLINE, fmt

RESULTS_DIR = Path(__file__).with_name("results")


def write_summary(summary: dict[str, Any], out: Path) -> None:
    """summary.json (everything) and summary.csv (one row per dataset x system, headline metrics)."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "summary.json").write_text(
        json.dumps(summary, indent=2, default=_json_default) + "\n", encoding="utf-8"
    )
    with (out / "summary.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["dataset", "system", "turns", *HEADLINE])
        for dataset, systems in summary["datasets"].items():
            for system, s in systems["systems"].items():
                writer.writerow([dataset, system, s["turns"], *(fmt(s.get(m), 4) for m in HEADLINE)])


def _json_default(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    return str(value)


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return lines


def _judge_section(judge: dict[str, Any]) -> list[str]:
    lines = [
        "## The support judge",
        "",
        f"Judge used: `{judge.get('name', '?')}`. {judge.get('description', '')}",
        "",
    ]
    cal = judge.get("calibration") or {}
    if cal.get("calibrated"):
        lines += [
            f"Calibration: {cal.get('source')}; weight = {cal['weight']}, threshold = {cal['threshold']}, "
            f"fitted on {cal.get('calibration_pairs')} pairs.",
            "",
        ]
        rows = []
        for label, key in (
            ("lexical-semantic (calibrated)", "agreement_validation"),
            ("span containment alone", "containment_agreement_validation"),
            ("coverage >= 0.5 alone", "coverage_only_validation"),
        ):
            a = cal.get(key)
            if a:
                rows.append(
                    [
                        label,
                        fmt(a["accuracy"]),
                        fmt(a["precision"]),
                        fmt(a["recall"]),
                        fmt(a["f1"]),
                        str(int(a["pairs"])),
                    ]
                )
        lines += _table(
            ["judge on held-out human-labelled pairs", "accuracy", "precision", "recall", "F1", "pairs"], rows
        )
    else:
        lines.append("The judge is not calibrated: run `python -m eval.judge_calibration`.")
    return lines + [""]


def write_report(summary: dict[str, Any], out: Path) -> Path:
    """report.md with tables and PNG plots (under out/plots/)."""
    lines = [
        "# Curbside evaluation report",
        "",
        f"Run: `{summary.get('command', '')}` - {summary.get('generated', '')}; "
        f"index corpus per dataset below; wall time {fmt(summary.get('seconds', float('nan')), 0)} s.",
        "",
        "Systems: **curbside** (follow-up rewriting, hybrid retrieval per evidence pool, relevance floor, "
        "guideline-first extractive answers) and **naive-rag** (BM25 top-3 passages, first sentence of each, "
        "no tiers, no history, no floor), on the same items and the same index.",
        "",
        "Metric definitions: eval/DATASETS.md#metrics. `-` = not applicable (no such turns).",
        "",
    ]
    for dataset, block in summary["datasets"].items():
        systems = block["systems"]
        lines += [
            f"## {dataset}",
            "",
            f"{block.get('description', '')} Corpus: `{block.get('corpus')}` "
            f"({block.get('index_docs', '?')} documents, {block.get('index_chunks', '?')} chunks); "
            f"{block.get('turns', '?')} turns; {fmt(float(block.get('seconds', float('nan'))), 0)} s.",
            "",
        ]
        rows = []
        for name, s in systems.items():
            rows.append([name, str(s["turns"]), *(fmt(s.get(m)) for m in HEADLINE)])
        lines += _table(["system", "turns", *HEADLINE], rows) + [""]
        intervals = systems.get("curbside", {}).get("intervals") or {}
        shown = [m for m in HEADLINE if m in intervals and not math.isnan(intervals[m][0])]
        if shown:
            lines += [
                "95% intervals (curbside; bootstrap resampling whole conversations, an item outside any "
                "its own; eval/intervals.py): "
                + ", ".join(
                    f"{m} {fmt(systems['curbside'][m])} [{fmt(intervals[m][0])}, {fmt(intervals[m][1])}]"
                    for m in shown
                ),
                "",
            ]
        counts = next(iter(systems.values())).get("counts", {})
        if counts:
            lines += [
                "Turns each metric applies to (curbside): "
                + ", ".join(f"{m} {n}" for m, n in counts.items()),
                "",
            ]
        png = plots.metric_bars(dataset, systems, out / "plots" / f"{dataset}-answers.png")
        lines += [f"![{dataset} answer metrics](plots/{png.name})", ""]
        retrieval = next((s["retrieval"] for s in systems.values() if "retrieval" in s), None)
        if retrieval:
            metrics = list(next(iter(retrieval.values())))
            lines += [
                "Document retrieval (same turns; rewritten query for BM25 and dense, ranked to depth 100; "
                "hybrid is the retriever's final hits (k per pool), so recall@20 is bounded by that depth):",
                "",
            ]
            lines += _table(
                ["configuration", *metrics],
                [[c, *(fmt(v) for v in r.values())] for c, r in retrieval.items()],
            ) + [""]
            png = plots.retrieval_bars(dataset, retrieval, out / "plots" / f"{dataset}-retrieval.png")
            lines += [f"![{dataset} retrieval](plots/{png.name})", ""]
        # Keys are ints in a fresh run and strings once read back from summary.json.
        positions = {
            name: {int(k): v for k, v in t.items()} for name, t in (block.get("by_turn") or {}).items()
        }
        if positions and len(next(iter(positions.values()))) > 1:
            for system, table in positions.items():
                lines += [f"By turn position ({system}):", ""]
                metrics = [m for m in next(iter(table.values())) if m != "turns"]
                lines += _table(
                    ["turn", "turns", *metrics],
                    [
                        [str(p), fmt(int(row["turns"])), *(fmt(row[m]) for m in metrics)]
                        for p, row in table.items()
                    ],
                ) + [""]
            for metric in ("overlaps_gold_quote", "citation_recall"):
                png = plots.turn_position(
                    dataset, positions, metric, out / "plots" / f"{dataset}-turn-{metric}.png"
                )
                lines += [f"![{dataset} {metric} by turn](plots/{png.name})", ""]
    lines += _judge_section(summary.get("judge", {}))
    for extra in sorted(RESULTS_DIR.glob("retrieval*.md")) if RESULTS_DIR.is_dir() else []:
        lines += [
            f"Retrieval-only comparison (BM25 vs dense vs hybrid, chunk level): see `{extra.name}`.",
            "",
        ]
    path = out / "report.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
