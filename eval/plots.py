"""PNG plots for the report: metric bars per dataset and system, and metrics by turn position."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only: no display on servers or in CI
import matplotlib.pyplot as plt  # noqa: E402

from eval.summary import HEADLINE  # noqa: E402


def metric_bars(dataset: str, summaries: dict[str, dict[str, Any]], path: Path) -> Path:
    """Grouped bars: one group per headline metric, one bar per system (NaN = not applicable, left out)."""
    systems = list(summaries)
    metrics = [m for m in HEADLINE if any(not _nan(summaries[s].get(m)) for s in systems)]
    fig, ax = plt.subplots(figsize=(max(6.0, 1.1 * len(metrics) + 2), 4.2))
    width = 0.8 / max(1, len(systems))
    for i, system in enumerate(systems):
        values = [0.0 if _nan(summaries[system].get(m)) else float(summaries[system][m]) for m in metrics]
        xs = [j + (i - (len(systems) - 1) / 2) * width for j in range(len(metrics))]
        ax.bar(xs, values, width=width, label=system)
    ax.set_xticks(range(len(metrics)))
    ax.set_xticklabels([m.replace("_", "\n") for m in metrics], fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("share (higher is better)")
    ax.set_title(f"{dataset}: answer metrics by system")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))  # outside: bars reach 1.0
    ax.grid(axis="y", alpha=0.3)
    return _save(fig, path)


def retrieval_bars(dataset: str, retrieval: dict[str, dict[str, float]], path: Path) -> Path:
    """Grouped bars of IR metrics, one bar per retrieval configuration."""
    configs = list(retrieval)
    metrics = list(next(iter(retrieval.values())))
    fig, ax = plt.subplots(figsize=(max(6.0, 1.2 * len(metrics) + 2), 4.0))
    width = 0.8 / max(1, len(configs))
    for i, config in enumerate(configs):
        xs = [j + (i - (len(configs) - 1) / 2) * width for j in range(len(metrics))]
        ax.bar(xs, [retrieval[config][m] for m in metrics], width=width, label=config)
    ax.set_xticks(range(len(metrics)))
    ax.set_xticklabels(metrics, fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.set_title(f"{dataset}: document retrieval by configuration")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))  # outside: bars reach 1.0
    ax.grid(axis="y", alpha=0.3)
    return _save(fig, path)


def turn_position(
    dataset: str, tables: dict[str, dict[int, dict[str, float]]], metric: str, path: Path
) -> Path:
    """One line per system: ``metric`` at turn 1, 2, 3 ... of the conversations."""
    fig, ax = plt.subplots(figsize=(6.0, 3.8))
    for system, table in tables.items():
        positions = sorted(table)
        ax.plot(positions, [table[p].get(metric, float("nan")) for p in positions], marker="o", label=system)
    ax.set_xlabel("turn in conversation")
    ax.set_ylabel(metric.replace("_", " "))
    ax.set_ylim(0, 1.05)
    ax.set_xticks(sorted({p for t in tables.values() for p in t}))
    ax.set_title(f"{dataset}: {metric.replace('_', ' ')} by turn")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))  # outside: bars reach 1.0
    ax.grid(alpha=0.3)
    return _save(fig, path)


def floor_histogram(values: dict[str, list[float]], floor: float, path: Path) -> Path:
    """Overlaid histograms of a relevance signal, one per label, with the fitted floor as a line."""
    fig, ax = plt.subplots(figsize=(6.4, 3.8))
    bins = [i / 50 for i in range(51)]
    for label, xs in values.items():
        ax.hist(xs, bins=bins, alpha=0.55, label=f"{label} ({len(xs)})")
    ax.axvline(floor, color="black", linestyle="--", label=f"floor {floor:.3f}")
    ax.set_xlabel("best research passage: dense cosine to the query")
    ax.set_ylabel("questions")
    ax.set_xlim(0.2, 1.0)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return _save(fig, path)


def _nan(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _save(fig: Any, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
