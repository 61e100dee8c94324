"""How sure a figure is: 95% intervals for per-turn metrics, and paired differences between two runs.

Turns of one conversation share its patient, its topic and what earlier turns retrieved, so they are not
independent draws: the intervals come from a cluster bootstrap that resamples whole conversations (an item
without a conversation is its own cluster). The bootstrap itself is ``scipy.stats.bootstrap`` (percentile
method, fixed seed) on each conversation's sum and count, so a metric that applies to only some turns is
still the mean over the turns where it applies.

A difference between two runs of the same items is paired: each resampled conversation contributes its turns
to both runs, so a change that flips three turns out of 139 reads as what it is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from typing import Any

import numpy as np
from scipy.stats import bootstrap

CONFIDENCE = 0.95
RESAMPLES = 2000
SEED = 0


def _cluster(record: dict[str, Any]) -> str:
    return str(record.get("conversation_id") or record["turn_id"])


def _per_cluster(records: Sequence[dict[str, Any]], metric: str) -> dict[str, list[float]]:
    clusters: dict[str, list[float]] = defaultdict(list)
    for r in records:
        if metric in r["metrics"]:
            clusters[_cluster(r)].append(float(r["metrics"][metric]))
    return clusters


def _interval(samples: tuple[np.ndarray, ...], statistic: Any) -> tuple[float, float]:
    if len(samples[0]) < 2:
        return float("nan"), float("nan")
    result = bootstrap(
        samples, statistic, paired=True, vectorized=False, n_resamples=RESAMPLES,
        confidence_level=CONFIDENCE, method="percentile", rng=np.random.default_rng(SEED),
    )
    return float(result.confidence_interval.low), float(result.confidence_interval.high)


def metric_interval(records: Sequence[dict[str, Any]], metric: str) -> tuple[float, float]:
    """95% interval of ``metric``'s mean over the turns where it applies (NaN with fewer than 2 clusters)."""
    clusters = _per_cluster(records, metric)
    sums = np.array([sum(v) for v in clusters.values()])
    counts = np.array([len(v) for v in clusters.values()], dtype=float)
    return _interval((sums, counts), lambda s, c: s.sum() / c.sum())


def paired_difference(
    before: Sequence[dict[str, Any]], after: Sequence[dict[str, Any]], metric: str
) -> dict[str, Any]:
    """``after`` minus ``before`` on the turns both runs scored, with its 95% interval and the turns that
    changed (``gained``: better in ``after``, ``lost``: worse)."""
    old = {r["turn_id"]: r for r in before if metric in r["metrics"]}
    new = {r["turn_id"]: r for r in after if metric in r["metrics"]}
    shared = [t for t in old if t in new]
    a_sum: dict[str, float] = defaultdict(float)
    b_sum: dict[str, float] = defaultdict(float)
    count: dict[str, int] = defaultdict(int)
    gained, lost = [], []
    for turn in shared:
        a, b = float(old[turn]["metrics"][metric]), float(new[turn]["metrics"][metric])
        cluster = _cluster(old[turn])
        a_sum[cluster] += a
        b_sum[cluster] += b
        count[cluster] += 1
        if b > a:
            gained.append(turn)
        elif b < a:
            lost.append(turn)
    keys = list(count)
    samples = (
        np.array([a_sum[k] for k in keys]),
        np.array([b_sum[k] for k in keys]),
        np.array([count[k] for k in keys], dtype=float),
    )
    n = samples[2].sum()
    low, high = _interval(samples, lambda a, b, c: (b.sum() - a.sum()) / c.sum())
    return {
        "metric": metric,
        "turns": int(n),
        "before": float(samples[0].sum() / n) if n else float("nan"),
        "after": float(samples[1].sum() / n) if n else float("nan"),
        "difference": float((samples[1].sum() - samples[0].sum()) / n) if n else float("nan"),
        "low": low,
        "high": high,
        "gained": gained,
        "lost": lost,
    }


def hit_records(
    ranked: Mapping[str, Sequence[str]], gold: Mapping[str, Collection[str]], depth: int = 5
) -> list[dict[str, Any]]:
    """Conversation turns ("<conversation>-t<n>") as records with a ``hit@5`` metric (a gold document among
    the first ``depth`` ranked), clustered by conversation for the functions above."""
    return [
        {
            "conversation_id": qid.rsplit("-t", 1)[0],
            "turn_id": qid,
            "metrics": {"hit@5": float(any(d in gold[qid] for d in docs[:depth]))},
        }
        for qid, docs in ranked.items()
    ]


def refusal_records(records: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Refusal recall as a per-turn metric: the unanswerable turns, ``refusal_recall`` 1 when refused."""
    return [
        {**r, "metrics": {"refusal_recall": r["metrics"]["refused"]}}
        for r in records
        if not r["gold"]["answerable"] and "refused" in r["metrics"]
    ]
