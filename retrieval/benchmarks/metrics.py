"""Ranking metrics (computed with ranx), TREC run files and the balanced accuracy of a yes/no decision."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

Ranked = Mapping[str, Sequence[str]]  # query id -> doc ids, best first


def distinct(doc_ids: Sequence[str]) -> list[str]:
    """Doc ids in first-seen order without repeats (several chunks of one document count once)."""
    seen: set[str] = set()
    return [d for d in doc_ids if not (d in seen or seen.add(d))]


def _as_ranx(ranked: Ranked, qrels: Mapping[str, set[str] | frozenset[str]]):  # noqa: ANN202
    from ranx import Qrels, Run

    ids = [q for q in ranked if qrels.get(q)]
    run = {q: {d: float(len(ranked[q]) - i) for i, d in enumerate(ranked[q])} or {"-": 0.0} for q in ids}
    rel = {q: {d: 1 for d in qrels[q]} for q in ids}
    return Qrels(rel), Run(run)


def evaluate(
    ranked: Ranked, qrels: Mapping[str, set[str] | frozenset[str]], metrics: Sequence[str]
) -> dict[str, float]:
    """ranx metrics (e.g. 'hit_rate@5', 'mrr@10', 'ndcg@10', 'recall@10') over queries with relevant docs."""
    from ranx import evaluate as ranx_evaluate

    if not any(qrels.get(q) for q in ranked):
        return {m: float("nan") for m in metrics}
    qrels_obj, run_obj = _as_ranx(ranked, qrels)
    scores = ranx_evaluate(qrels_obj, run_obj, list(metrics), make_comparable=True)
    if isinstance(scores, float):
        scores = {metrics[0]: scores}
    return {m: float(scores[m]) for m in metrics}


def write_trec_run(ranked: Ranked, path: Path, tag: str) -> None:
    """TREC format: qid Q0 docid rank score tag."""
    lines = []
    for qid in sorted(ranked):
        docs = ranked[qid]
        lines.extend(
            f"{qid} Q0 {doc} {rank} {len(docs) - rank + 1} {tag}" for rank, doc in enumerate(docs, 1)
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def balanced_accuracy(predicted_relevant: Sequence[bool], truly_answerable: Sequence[bool]) -> float:
    """Mean of the recall on answerable turns and the recall on unanswerable turns."""
    pos = [p for p, t in zip(predicted_relevant, truly_answerable, strict=True) if t]
    neg = [not p for p, t in zip(predicted_relevant, truly_answerable, strict=True) if not t]
    if not pos or not neg:
        raise ValueError("balanced accuracy needs both answerable and unanswerable examples")
    return (sum(pos) / len(pos) + sum(neg) / len(neg)) / 2
