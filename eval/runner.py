"""Runs a system over a dataset turn by turn and scores each turn.

A conversation is replayed in order through one ``Conversation`` object, so follow-ups see
their history exactly as a user's would; a BEIR-style query is a one-turn conversation.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from curbside.progress import Progress
from curbside.types import Answer, Conversation
from eval.datasets import Dataset, EvalTurn
from eval.judge import SupportJudge
from eval.metrics import citation_faithfulness, cited, gold_evidence, guideline_placement
from eval.systems import EvalSystem, IndexLookups


def _answer_dict(answer: Answer) -> dict[str, Any]:
    try:
        from answer.serialize import answer_to_dict
    except ImportError:  # the serializer is optional for the harness; dataclasses serialize too
        from dataclasses import asdict

        return asdict(answer)
    return answer_to_dict(answer)


def score_turn(answer: Answer, turn: EvalTurn, lookups: IndexLookups, judge: SupportJudge) -> dict[str, Any]:
    """Every per-turn metric; a metric that does not apply to the turn is absent."""
    metrics: dict[str, Any] = {"refused": float(answer.refused), "answerable": float(turn.answerable)}
    faith = citation_faithfulness(answer, lookups.cited_text, judge)
    if faith is not None:
        metrics.update(faith)
    gold = gold_evidence(answer, turn, lookups.doc_keys, lookups.doc_text)
    if gold is not None:
        metrics.update(gold)
    placement = guideline_placement(answer)
    if placement is not None:
        metrics.update(placement)
    return metrics


def run_system(
    dataset: Dataset,
    system: EvalSystem,
    lookups: IndexLookups,
    judge: SupportJudge,
    with_retrieval: bool = False,
    progress: bool = True,
) -> Iterator[dict[str, Any]]:
    """One record per turn: question, rewritten query, answer JSON, cited words, gold, metrics."""
    meter = Progress(
        f"{dataset.name}/{system.name}", total=len(dataset.turns), unit="turns", enabled=progress
    )
    for conv in dataset.conversations:
        history = Conversation(conversation_id=conv.conversation_id)
        for position, turn in enumerate(conv.turns, start=1):
            ranked = None
            if with_retrieval and hasattr(system, "ranked_docs"):
                ranked = system.ranked_docs(turn.question, history)  # before ask() appends the turn
            answer = system.ask(turn.question, history)
            record: dict[str, Any] = {
                "dataset": dataset.name,
                "system": system.name,
                "conversation_id": conv.conversation_id,
                "turn": position,
                "turn_id": turn.turn_id or f"{conv.conversation_id}#{position}",
                "question": turn.question,
                "history": [t.question for t in conv.turns[: position - 1]],
                "rewritten": answer.interpreted_as,
                "answer": _answer_dict(answer),
                "citations": [
                    {
                        "doc_id": c.doc_id,
                        "chunk_id": c.chunk_id,
                        "start": c.start,
                        "end": c.end,
                        "tier": lookups.tier(c.doc_id),
                        "text": lookups.cited_text(c),
                    }
                    for c in cited(answer)
                ],
                "gold": {
                    "answerable": turn.answerable,
                    "facet": turn.facet,
                    "evidence": [
                        {"doc": g.doc, "quote": g.quote, "start": g.start, "end": g.end} for g in turn.gold
                    ],
                    "relevant": turn.relevant_docs(),
                },
                "metrics": score_turn(answer, turn, lookups, judge),
            }
            if ranked is not None:
                record["retrieval"] = {
                    name: _in_gold_keys(docs, turn, lookups)[:100] for name, docs in ranked.items()
                }
            meter.update(1)
            yield record
    meter.close()


def _in_gold_keys(docs: list[tuple[str, float]], turn: EvalTurn, lookups: IndexLookups) -> list[list[Any]]:
    """Rename ranked doc ids into the key space the gold uses (e.g. snippet id -> ``pubmed:<PMID>``)."""
    prefixes = {d.split(":", 1)[0] for d in turn.relevant_docs()}
    out: list[list[Any]] = []
    seen: set[str] = set()
    for doc_id, score in docs:
        keys = sorted(k for k in lookups.doc_keys(doc_id) if k.split(":", 1)[0] in prefixes)
        key = keys[0] if keys else doc_id
        if key not in seen:
            seen.add(key)
            out.append([key, score])
    return out


def write_jsonl(records: list[dict[str, Any]], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]
