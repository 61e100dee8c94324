"""Fit the guideline sentence-selection model (answer/selection_model.json) on the follow-up conversations.

    python -m eval.fit_selection [--write]

Every turn of ``followup_dev.jsonl`` is answered as the product answers it (rewriting, retrieval, the
conversation's cited documents). For the answerable turns of conversations dev-001 .. dev-030, every
candidate guideline sentence is a training row: its features (answer.selection_model.FEATURES) and
whether it overlaps a gold quote. Conversations dev-031 .. dev-040 are held out: the table reports how
often the top-ranked (and a top-three) sentence overlaps a gold quote there, for the hand-set weights and
for the fitted model. ``--write`` stores the fitted model with its provenance.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from answer.candidates import Candidate, candidates_from_hits
from answer.compose import _guideline_hits
from answer.facets import page_facet
from answer.select import in_the_running, score_candidates
from answer.selection_model import FEATURES, MODEL_FILE, SelectionModel, feature_matrix
from curbside.settings import Settings, shared_data_dir
from eval.spans import locate, overlaps

HELD_OUT_FROM = 31  # dev-031 .. dev-040 are never used for fitting
# Strong L2 regularisation: about a hundred training turns, eighteen correlated features.
REGULARISATION_C = 0.1


@dataclass
class TurnRows:
    conversation: int
    query: str
    facet: str | None
    candidates: list[Candidate]
    features: np.ndarray
    labels: np.ndarray


def collect(settings: Settings) -> list[TurnRows]:
    """Replay the conversations through the product and keep each answerable turn's candidate sentences."""
    from answer.compose import compose
    from answer.service import Curbside, topic_documents
    from curbside.types import Conversation, Turn
    from eval.corpora import ensure_corpus_index
    from eval.systems import IndexLookups

    corpus = ensure_corpus_index(settings, "guidelines", progress=True)
    service = Curbside(corpus, build_default=False, progress=False)
    lookups = IndexLookups(service.index)
    out = []
    path = shared_data_dir() / "eval" / "followup_dev.jsonl"
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        number = int(record["id"].rsplit("-", 1)[1])
        conversation = Conversation(record["id"])
        for turn in record["turns"]:
            result = service.retriever.retrieve(turn["question"], conversation)
            # Recorded as the product records it: the cited documents steer the next turn's retrieval.
            answer = compose(
                turn["question"], result, service.settings.answer, term_weight=service.retriever.specificity
            )
            cited = topic_documents(answer, result)
            conversation.turns.append(Turn(turn["question"], result.query, cited, refused=answer.refused))
            if not turn["answerable"] or not result.relevant:
                continue
            spans = []
            for gold in turn["gold"]:
                text = lookups.doc_text(gold["doc"])
                span = locate(gold["quote"], text) if text else None
                if span is not None:
                    spans.append((gold["doc"], span))
            specificity = service.retriever.specificity
            pool = candidates_from_hits(_guideline_hits(result))
            running = in_the_running(result.query, pool, specificity, result.continued_doc_ids)
            candidates = running.kept
            if not candidates or not spans:
                continue
            wanted = page_facet(result.facet)
            features = feature_matrix(
                result.query, candidates, wanted, running.idf, running.facets, specificity, running.topic
            )
            labels = np.asarray([_overlaps_gold(c, spans) for c in candidates], dtype=np.float64)
            out.append(TurnRows(number, result.query, wanted, candidates, features, labels))
    return out


def _overlaps_gold(candidate: Candidate, spans: list[tuple[str, tuple[int, int]]]) -> bool:
    span = (candidate.start, candidate.end)
    return any(candidate.doc.doc_id == doc and overlaps(span, s) for doc, s in spans)


def fit(rows: list[TurnRows]) -> SelectionModel:
    from sklearn.linear_model import LogisticRegression

    x = np.vstack([r.features for r in rows])
    y = np.concatenate([r.labels for r in rows])
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
    model = LogisticRegression(C=REGULARISATION_C, max_iter=5000, class_weight="balanced")
    model.fit((x - mean) / scale, y)
    return SelectionModel(mean, scale, model.coef_[0].astype(np.float64), float(model.intercept_[0]))


def top_k_hit(rows: list[TurnRows], rank: Callable[[TurnRows], list[int]], k: int) -> float:
    """Share of turns whose top-``k`` ranked sentences include one overlapping a gold quote."""
    hits = 0
    for r in rows:
        order = rank(r)
        hits += bool(order) and bool(r.labels[order[:k]].any())
    return hits / len(rows) if rows else float("nan")


def _hand_order(r: TurnRows) -> list[int]:
    position = {id(c): i for i, c in enumerate(r.candidates)}
    return [position[id(s.candidate)] for s in score_candidates(r.query, r.candidates, r.facet)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help=f"store the fitted model in {MODEL_FILE.name}")
    parser.add_argument("--out", type=Path, default=MODEL_FILE)
    args = parser.parse_args(argv)

    rows = collect(Settings())
    train = [r for r in rows if r.conversation < HELD_OUT_FROM]
    held = [r for r in rows if r.conversation >= HELD_OUT_FROM]
    model = fit(train)

    def learned_order(r: TurnRows) -> list[int]:
        return list(np.argsort(-model.probabilities(r.features), kind="stable"))

    print("| sentence ranking | turns | hand-set top-1 | fitted top-1 | hand-set top-3 | fitted top-3 |")
    print("|---|---|---|---|---|---|")
    for name, part in (("fitting conversations 1-30", train), ("held-out conversations 31-40", held)):
        print(
            f"| {name} | {len(part)} | {top_k_hit(part, _hand_order, 1):.3f} | "
            f"{top_k_hit(part, learned_order, 1):.3f} | {top_k_hit(part, _hand_order, 3):.3f} | "
            f"{top_k_hit(part, learned_order, 3):.3f} |"
        )
    print("\nweights (standardised features):")
    for name, weight in sorted(zip(FEATURES, model.coef, strict=True), key=lambda x: -abs(x[1])):
        print(f"  {name:<32} {weight:+.3f}")
    if args.write:
        fitted = SelectionModel(
            model.mean,
            model.scale,
            model.coef,
            model.intercept,
            f"fitted by `python -m eval.fit_selection --write` on the candidate guideline sentences of "
            f"{len(train)} answerable turns of followup_dev conversations dev-001..dev-0{HELD_OUT_FROM - 1} "
            f"(label: overlaps a gold quote); logistic regression, L2 C={REGULARISATION_C}, "
            "balanced classes; "
            f"conversations dev-0{HELD_OUT_FROM}..dev-040 held out",
        )
        args.out.write_text(json.dumps(fitted.to_json(), indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
