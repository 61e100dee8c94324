"""Running the follow-up conversations three ways and fitting the relevance floor on them.

Modes: ``alone`` searches the follow-up text as typed, ``naive`` searches all earlier questions concatenated
with it, ``rewrite`` uses Curbside's conversation-aware rewriting.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from curbside.types import Conversation, Turn
from retrieval.benchmarks.metrics import distinct
from retrieval.floors import PoolFloor, passes_floor
from retrieval.retriever import Retriever

MODES: tuple[str, ...] = ("alone", "naive", "rewrite")
# Documents a turn "cites" for the next one: the answer shows its best few guideline documents.
CITED_PER_TURN = 3
# Floors that refuse more than this share of the answerable training turns are not considered: a refused
# answerable question costs the clinician more than a cautious answer to an unanswerable one, and with ten
# answerable turns per unanswerable one, balanced accuracy alone would trade many of the former for one of
# the latter.
MAX_FALSE_REFUSAL = 0.05


@dataclass(frozen=True)
class GoldTurn:
    qid: str
    conversation_id: str
    position: int  # 0 for the first turn
    question: str
    answerable: bool
    gold_docs: frozenset[str]
    facet: str


@dataclass
class TurnOutcome:
    turn: GoldTurn
    query: str
    ranked_docs: list[str]
    best_dense: float  # guideline pool
    coverage: float  # guideline pool
    topic_shift: bool = False
    missing: list[str] = field(default_factory=list)
    continues_topic: bool = False  # judged by coverage alone (see PoolSignals)


def load_conversations(path: Path) -> list[list[GoldTurn]]:
    conversations = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            conversations.append(
                [
                    GoldTurn(
                        qid=f"{rec['id']}-t{i + 1}",
                        conversation_id=rec["id"],
                        position=i,
                        question=t["question"],
                        answerable=bool(t["answerable"]),
                        gold_docs=frozenset(g["doc"] for g in t["gold"]),
                        facet=t["facet"],
                    )
                    for i, t in enumerate(rec["turns"])
                ]
            )
        except (KeyError, TypeError, json.JSONDecodeError) as err:
            raise ValueError(f"{path} line {number}: bad conversation record ({err!r})") from err
    return conversations


def run_conversation(retriever: Retriever, turns: Sequence[GoldTurn], mode: str) -> list[TurnOutcome]:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    conversation = Conversation(turns[0].conversation_id)
    outcomes = []
    for turn in turns:
        if mode == "rewrite":
            trace = retriever.trace(turn.question, conversation)
        elif mode == "naive":
            history = " ".join(t.question for t in turns[: turn.position + 1])
            trace = retriever.trace(history)
        else:
            trace = retriever.trace(turn.question)
        result = trace.result
        docs = distinct([h.doc.doc_id for h in result.guideline_hits + result.research_hits])
        signals = trace.signals["guideline"]
        outcomes.append(
            TurnOutcome(
                turn,
                result.query,
                docs,
                signals.best_dense,
                signals.coverage,
                trace.rewritten.topic_shift,
                signals.missing_terms,
                signals.continues_topic,
            )
        )
        conversation.turns.append(
            Turn(
                turn.question,
                result.query,
                distinct([h.doc.doc_id for h in result.guideline_hits])[:CITED_PER_TURN],
                refused=not result.relevant,
            )
        )
    return outcomes


def _decide(outcome: TurnOutcome, floor: PoolFloor) -> bool:
    return passes_floor(outcome.best_dense, outcome.coverage, outcome.continues_topic, floor)


def fit_floor(
    outcomes: Sequence[TurnOutcome], max_false_refusal: float = MAX_FALSE_REFUSAL
) -> tuple[float, float, float]:
    """Grid-search (dense floor, coverage floor) maximising balanced accuracy: (dense, coverage, bacc),
    among the floors that refuse at most ``max_false_refusal`` of the answerable turns (all floors when none
    does).

    Ties go to the lowest coverage floor (a missing word refuses only when the data demand it) and to the
    highest dense floor: the set holds no off-corpus questions, so the dense floor sits under the least
    similar turn that its balanced accuracy keeps, not at zero. Follow-ups that continue an answered topic
    are judged by coverage alone, so the dense floor is fitted on first questions and new topics only.
    """
    labels = np.array([o.turn.answerable for o in outcomes], dtype=bool)
    dense_grid = sorted({0.0} | {round(o.best_dense, 4) for o in outcomes if not o.continues_topic})
    coverage_grid = sorted({0.0} | {round(o.coverage, 4) for o in outcomes})
    if labels.all() or not labels.any():
        return 0.0, 0.0, float("nan")
    dense = np.array([o.best_dense for o in outcomes])
    continues = np.array([o.continues_topic for o in outcomes], dtype=bool)
    # covered[i, j]: outcome i reaches coverage floor j. One row of the grid per dense floor, in numpy: the
    # research fit has hundreds of questions and as many distinct values of each signal.
    covered = np.array([o.coverage for o in outcomes])[:, None] >= np.array(coverage_grid)[None, :]
    n_pos, n_neg = labels.sum(), (~labels).sum()
    best = (-1.0, 0.0, 0.0)
    fallback = (-1.0, 0.0, 0.0)
    for d in dense_grid:
        predicted = (continues | (dense >= d))[:, None] & covered
        kept = predicted[labels].sum(axis=0) / n_pos
        refused = (~predicted[~labels]).sum(axis=0) / n_neg
        bacc = (kept + refused) / 2
        # The first (lowest) coverage floor reaching the row's best score, as a scan in grid order finds it.
        j = int(np.argmax(bacc))
        if _better(float(bacc[j]), d, fallback):
            fallback = (float(bacc[j]), d, coverage_grid[j])
        allowed = np.where(1 - kept <= max_false_refusal + 1e-12, bacc, -1.0)
        j = int(np.argmax(allowed))
        if allowed[j] >= 0 and _better(float(allowed[j]), d, best):
            best = (float(allowed[j]), d, coverage_grid[j])
    if best[0] < 0:
        best = fallback
    # Place each floor midway between the chosen value and the next lower observed one, so a new turn scoring
    # just under the lowest accepted training turn is not refused by the accident of where the data fell.
    return _midway(best[1], dense_grid), _midway(best[2], coverage_grid), best[0]


def _better(bacc: float, dense: float, best: tuple[float, float, float]) -> bool:
    # Grid order is dense then coverage ascending: the first coverage reaching a score at a dense floor is
    # the lowest, and a later dense floor with the same score is higher.
    return bacc > best[0] + 1e-12 or (abs(bacc - best[0]) <= 1e-12 and dense > best[1])


def _midway(value: float, grid: Sequence[float]) -> float:
    lower = [g for g in grid if g < value]
    return (value + max(lower)) / 2 if lower else value


def cross_validated_decisions(outcomes: Sequence[TurnOutcome], folds: int = 5) -> list[bool]:
    """Each conversation's relevance decisions use floors fitted on the other folds' conversations only."""
    conv_ids = sorted({o.turn.conversation_id for o in outcomes})
    fold_of = {cid: i % folds for i, cid in enumerate(conv_ids)}
    decisions: list[bool] = []
    for o in outcomes:
        train = [x for x in outcomes if fold_of[x.turn.conversation_id] != fold_of[o.turn.conversation_id]]
        d, c, _ = _fit_cached(tuple(id(x) for x in train), train)
        decisions.append(_decide(o, PoolFloor(d, c)))
    return decisions


_FIT_CACHE: dict[tuple[int, ...], tuple[float, float, float]] = {}


def _fit_cached(key: tuple[int, ...], train: Sequence[TurnOutcome]) -> tuple[float, float, float]:
    if key not in _FIT_CACHE:
        _FIT_CACHE[key] = fit_floor(train)
    return _FIT_CACHE[key]
