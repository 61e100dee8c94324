"""Calibrate the lexical-semantic judge on human-labelled Evidence Inference pairs and report agreement.

Pairs: the prompt's claim (intervention vs comparator on an outcome, with the doctors' label)
against an annotated evidence span. Positive = a span annotated for that prompt; hard negative =
a span annotated for another prompt of the same article (same trial, same drugs, other outcome).
Weight and threshold are fitted on train-split articles and agreement is reported on the
held-out validation-split articles.

Run: ``python -m eval.judge_calibration`` (writes eval/judge_calibration.json).
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from curbside.settings import shared_data_dir
from eval.judge import CALIBRATION_FILE, Encode, SpanContainmentJudge, coverage
from eval.shared_sets import SAMPLE_SEED, EvidenceAnnotation, evidence_inference_annotations

WEIGHTS: tuple[float, ...] = (0.0, 0.25, 0.5, 0.75, 1.0)


@dataclass(frozen=True)
class JudgePair:
    claim: str
    passage: str
    label: bool  # human-labelled: does the passage support the claim?


def claim_of(ann: EvidenceAnnotation) -> str:
    """The prompt and its annotated label as one declarative claim."""
    if ann.label == "no significant difference":
        return (
            f"There was no significant difference in {ann.outcome} between {ann.intervention} "
            f"and {ann.comparator}."
        )
    return f"{ann.intervention} {ann.label} {ann.outcome} compared with {ann.comparator}."


def build_pairs(
    annotations: Sequence[EvidenceAnnotation], max_pairs: int | None, seed: int = SAMPLE_SEED
) -> list[JudgePair]:
    """One positive and (when the article has one) one hard negative per prompt, balanced."""
    by_article: dict[str, dict[int, list[EvidenceAnnotation]]] = {}
    for ann in annotations:
        by_article.setdefault(ann.pmcid, {}).setdefault(ann.prompt_id, []).append(ann)
    rng = random.Random(seed)
    pairs: list[JudgePair] = []
    for pmcid in sorted(by_article):
        prompts = by_article[pmcid]
        for pid in sorted(prompts):
            own = prompts[pid]
            positive = rng.choice(own)
            own_text = {a.evidence.strip() for a in own}
            others = [
                a
                for q, anns in prompts.items()
                if q != pid
                for a in anns
                if a.evidence.strip() not in own_text
                and not any(a.start < o.end and o.start < a.end for o in own)
            ]
            if not others:
                continue  # keep the set balanced: a positive only with its hard negative
            claim = claim_of(positive)
            pairs.append(JudgePair(claim, positive.evidence, True))
            pairs.append(JudgePair(claim, rng.choice(others).evidence, False))
    if max_pairs is not None and len(pairs) > max_pairs:
        keep = sorted(rng.sample(range(0, len(pairs), 2), max_pairs // 2))
        pairs = [p for i in keep for p in (pairs[i], pairs[i + 1])]
    return pairs


def features(pairs: Sequence[JudgePair], encode: Encode) -> np.ndarray:
    """(n, 2): content-word coverage and embedding cosine of each pair."""
    claims = encode([p.claim for p in pairs])
    passages = encode([p.passage for p in pairs])
    cosine = np.sum(claims * passages, axis=1)
    cov = np.array([coverage(p.claim, [p.passage]) for p in pairs])
    return np.stack([cov, cosine], axis=1)


def agreement(predicted: Sequence[bool], labels: Sequence[bool]) -> dict[str, float]:
    """Accuracy, precision, recall and F1 of the judge against the human labels."""
    tp = sum(p and y for p, y in zip(predicted, labels, strict=True))
    fp = sum(p and not y for p, y in zip(predicted, labels, strict=True))
    fn = sum(y and not p for p, y in zip(predicted, labels, strict=True))
    correct = sum(p == y for p, y in zip(predicted, labels, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "accuracy": correct / len(labels) if labels else float("nan"),
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "pairs": float(len(labels)),
    }


def fit(feats: np.ndarray, labels: Sequence[bool]) -> tuple[float, float]:
    """The (weight, threshold) with the best accuracy on the calibration pairs."""
    y = np.asarray(labels, dtype=bool)
    best = (-1.0, 0.5, 0.5)
    for w in WEIGHTS:
        score = w * feats[:, 0] + (1 - w) * feats[:, 1]
        for t in np.unique(np.round(score, 3)):
            acc = float(np.mean((score >= t) == y))
            if acc > best[0]:
                best = (acc, w, float(t))
    return best[1], best[2]


def calibrate(root: Path, encode: Encode, max_train_pairs: int = 800) -> dict:
    train = build_pairs(evidence_inference_annotations(root, "train"), max_train_pairs)
    held_out = build_pairs(evidence_inference_annotations(root, "validation"), None)
    weight, threshold = fit(features(train, encode), [p.label for p in train])
    val_feats = features(held_out, encode)
    labels = [p.label for p in held_out]
    predicted = list(weight * val_feats[:, 0] + (1 - weight) * val_feats[:, 1] >= threshold)
    containment = SpanContainmentJudge()
    contained = [containment.supports(p.claim, [p.passage]) for p in held_out]
    return {
        "calibrated": True,
        "weight": weight,
        "threshold": threshold,
        "calibration_pairs": len(train),
        "source": "Evidence Inference 2.0: fitted on ev2 train articles, agreement on ev2 validation "
        "articles",
        "agreement_validation": agreement(predicted, labels),
        "containment_agreement_validation": agreement(contained, labels),
        "coverage_only_validation": agreement(list(val_feats[:, 0] >= 0.5), labels),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=CALIBRATION_FILE)
    parser.add_argument("--max-train-pairs", type=int, default=800)
    args = parser.parse_args(argv)
    from index.embed import Embedder

    embedder = Embedder()
    result = calibrate(shared_data_dir(), embedder.encode, args.max_train_pairs)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
