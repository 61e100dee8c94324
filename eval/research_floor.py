"""Fit the research pool's relevance floor on questions whose research is, or is not, in the index.

    python -m eval.research_floor [--out DIR] [--write]

The labelled set is built from the shared data; nobody labels by hand. Every question is asked as the product
asks it (``Retriever.trace``: rewriting, both pools, the research pool's dense cosine and coverage):

- research answers it: PubMedQA questions over ``pubmedqa-sample``, BioASQ questions over ``bioasq-sample``
  and Evidence Inference prompts over ``evidence-inference-sample``, when the question's own gold abstract,
  snippet or article is indexed there;
- research does not answer it: the same questions when their gold is not indexed (the samples hold the gold
  of the first questions plus a fixed-seed random draw of the others), and every turn of the follow-up
  conversations over ``guidelines-with-research-sample`` (guideline questions beside research samples drawn
  without regard to them; the 16 highest-scoring ones were read: none of their studies answers the turn).

The floor is fitted as the guideline floor is (``fit_floor``: balanced accuracy, at most 5% of answerable
questions refused, each floor set midway to the next observed value). It is checked by leaving each source
out: a source's decisions use the floor fitted on the other three. ``--write`` stores the floor fitted on
all four in retrieval/floors.json, beside the guideline floor, with this provenance.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from curbside.settings import Settings, shared_data_dir
from retrieval.benchmarks.conversations import MAX_FALSE_REFUSAL, GoldTurn, TurnOutcome, fit_floor
from retrieval.floors import Floors, PoolFloor, load_floors, passes_floor, save_floors

RESULTS_DIR = Path(__file__).resolve().parent / "results"
# How many questions of each research set are asked (the samples index the gold of the first 60).
QUESTIONS = {"pubmedqa": 200, "bioasq": 200, "evidence-inference": None}
SAMPLE_CORPUS = {
    "pubmedqa": "pubmedqa-sample",
    "bioasq": "bioasq-sample",
    "evidence-inference": "evidence-inference-sample",
}
CONVERSATIONS = "followup-dev"
MIXED_CORPUS = "guidelines-with-research-sample"
SOURCES = (*QUESTIONS, CONVERSATIONS)


@dataclass(frozen=True)
class ResearchQuestion:
    source: str
    question_id: str
    answerable: bool  # the question's own research is indexed
    best_dense: float  # the research pool's signals, as the retriever computed them
    coverage: float

    def outcome(self) -> TurnOutcome:
        """The shape ``fit_floor`` takes (research is never judged by coverage alone)."""
        turn = GoldTurn(self.question_id, self.source, 0, "", self.answerable, frozenset(), "")
        return TurnOutcome(turn, "", [], self.best_dense, self.coverage)


def collect(settings: Settings, root: Path) -> list[ResearchQuestion]:
    """Ask every question of the labelled set and keep the research pool's signals."""
    import eval.full  # noqa: F401  (registers the sample corpora)
    from answer.service import Curbside
    from curbside.types import Conversation
    from eval.corpora import ensure_corpus_index
    from eval.shared_sets import load_dataset

    out: list[ResearchQuestion] = []
    for name, limit in QUESTIONS.items():
        corpus = ensure_corpus_index(settings, SAMPLE_CORPUS[name])
        service = Curbside(corpus, build_default=False, progress=False)
        indexed = set(service.index.doc_ids())
        data = load_dataset(name, root)
        for turn in data.turns[:limit] if limit else data.turns:
            signals = service.retriever.trace(turn.question).signals["research"]
            answerable = any(g.doc in indexed for g in turn.gold)
            out.append(ResearchQuestion(name, turn.turn_id, answerable, signals.best_dense, signals.coverage))
    service = Curbside(ensure_corpus_index(settings, MIXED_CORPUS), build_default=False, progress=False)
    for conversation_id, questions in _conversations(root):
        conversation = Conversation(conversation_id)
        for number, question in enumerate(questions, start=1):
            # The conversation goes on as the product answered it.
            signals = service.ask_traced(question, conversation)[1].signals["research"]
            out.append(
                ResearchQuestion(
                    CONVERSATIONS, f"{conversation_id}#{number}", False, signals.best_dense, signals.coverage
                )
            )
    return out


def _conversations(root: Path) -> Iterator[tuple[str, list[str]]]:
    path = root / "eval" / "followup_dev.jsonl"
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            yield record["id"], [t["question"] for t in record["turns"]]


def fit(questions: list[ResearchQuestion]) -> tuple[PoolFloor, float]:
    dense, coverage, bacc = fit_floor([q.outcome() for q in questions])
    return PoolFloor(dense, coverage), bacc


def passes(question: ResearchQuestion, floor: PoolFloor) -> bool:
    return passes_floor(question.best_dense, question.coverage, False, floor)


def rates(questions: list[ResearchQuestion], floor: PoolFloor) -> dict[str, float | int]:
    """Answerable questions kept and unanswerable ones refused (NaN when the part is empty)."""
    pos = [passes(q, floor) for q in questions if q.answerable]
    neg = [not passes(q, floor) for q in questions if not q.answerable]
    return {
        "answerable": len(pos),
        "unanswerable": len(neg),
        "answerable_kept": sum(pos) / len(pos) if pos else float("nan"),
        "unanswerable_refused": sum(neg) / len(neg) if neg else float("nan"),
    }


def report(questions: list[ResearchQuestion], guideline: PoolFloor) -> tuple[list[str], dict]:
    """Markdown lines and JSON: the floor fitted on all sources; each source with it, with the floor fitted
    without it (leave one source out), and with the guideline floor (what the research pool used before a
    floor was fitted for it)."""
    fitted, bacc = fit(questions)
    lines = [
        "# Research relevance floor",
        "",
        f"Floor fitted on all sources: research dense cosine >= {fitted.dense:.3f} and coverage >= "
        f"{fitted.coverage:.3f} (balanced accuracy {bacc:.3f}, at most {MAX_FALSE_REFUSAL:.0%} of answerable "
        "questions refused). `python -m eval.research_floor`.",
        "",
        "| source | answerable | unanswerable | floor | answerable kept | unanswerable refused |",
        "|---|---|---|---|---|---|",
    ]
    data: dict = {"fitted": {"dense": fitted.dense, "coverage": fitted.coverage, "balanced_accuracy": bacc}}
    for source in SOURCES:
        part = [q for q in questions if q.source == source]
        held_floor, _ = fit([q for q in questions if q.source != source])
        floors = (("guideline floor", guideline), ("fitted on all", fitted), ("others only", held_floor))
        for label, floor in floors:
            r = rates(part, floor)
            data.setdefault(source, {})[label] = {**r, "dense": floor.dense, "coverage": floor.coverage}
            lines.append(
                f"| {source} | {r['answerable']} | {r['unanswerable']} | {label} ({floor.dense:.3f} / "
                f"{floor.coverage:.3f}) | {_fmt(r['answerable_kept'])} | {_fmt(r['unanswerable_refused'])} |"
            )
    return lines + [""], data


def _fmt(value: float | int) -> str:
    return "-" if value != value else f"{value:.3f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=RESULTS_DIR)
    parser.add_argument(
        "--write", action="store_true", help="store the fitted floor in retrieval/floors.json"
    )
    args = parser.parse_args(argv)
    questions = collect(Settings(), shared_data_dir())
    floors = load_floors()
    lines, data = report(questions, floors.guideline)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "research_floor.md").write_text("\n".join(lines), encoding="utf-8")
    (args.out / "research_floor.json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    from eval.plots import floor_histogram

    floor_histogram(
        {
            "research answers it": [q.best_dense for q in questions if q.answerable],
            "research does not": [q.best_dense for q in questions if not q.answerable],
        },
        data["fitted"]["dense"],
        args.out / "plots" / "research_floor.png",
    )
    print("\n".join(lines))
    if args.write:
        fitted = PoolFloor(data["fitted"]["dense"], data["fitted"]["coverage"])
        guideline_note = floors.provenance.split("; research:")[0]
        save_floors(Floors(floors.guideline, fitted, f"{guideline_note}; research: {PROVENANCE}"))
    return 0


PROVENANCE = (
    "fitted by `python -m eval.research_floor --write` on the research pool's signals for PubMedQA, BioASQ "
    "and Evidence Inference questions over their sample corpora (answerable when the question's own gold is "
    "indexed) and the follow-up conversations over guidelines-with-research-sample (not answerable from "
    "research); same rule as the guideline floor"
)


if __name__ == "__main__":
    raise SystemExit(main())
