"""The pluggable support judge: does a set of passages support a claim?

No NLI model is installable here, so the shipped judge is a cascade:
1. ``SpanContainmentJudge`` - the claim stands (near-)verbatim in the passages. Curbside's
   statements are extracts of the cited words, so this decides most of them exactly.
2. ``LexicalSemanticJudge`` - for anything else: ``weight * content-word coverage +
   (1 - weight) * embedding cosine >= threshold``. Weight and threshold are calibrated on
   human-labelled Evidence Inference pairs (eval/judge_calibration.py); its agreement with
   those labels is reported beside every result that uses it.
A site with an NLI model plugs it in through ``NLIJudge(entail)``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

from eval.spans import normalise

CALIBRATION_FILE = Path(__file__).with_name("judge_calibration.json")
_WORD = re.compile(r"[a-z0-9]+(?:[.-][a-z0-9]+)*")  # keeps "2.5" and "HbA1c-lowering" whole
_TOKEN = re.compile(r"\w+")
Encode = Callable[[Sequence[str]], np.ndarray]  # texts -> L2-normalised vectors (n, d)


class SupportJudge(Protocol):
    name: str

    def supports(self, claim: str, passages: Sequence[str]) -> bool: ...


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN

    return frozenset(STOPWORDS_EN)


@lru_cache(maxsize=1)
def _stemmer():  # type: ignore[no-untyped-def]
    import Stemmer

    return Stemmer.Stemmer("english")


def content_stems(text: str) -> set[str]:
    """Stemmed content words (stopwords dropped; numbers kept, they carry clinical meaning)."""
    words = [w for w in _WORD.findall(text.lower()) if w not in _stopwords()]
    return set(_stemmer().stemWords(words))


def coverage(claim: str, passages: Sequence[str]) -> float:
    """Share of the claim's content words that occur in the passages."""
    want = content_stems(claim)
    if not want:
        return 0.0
    have: set[str] = set()
    for p in passages:
        have |= content_stems(p)
    return len(want & have) / len(want)


@dataclass
class SpanContainmentJudge:
    """Supported when the claim's words appear contiguously in the passages (after normalising).

    ``min_ratio`` < 1 tolerates small edits (a changed word, a dropped bracket): in-order runs of
    two or more matching tokens must cover that share of the claim's tokens.
    """

    min_ratio: float = 0.9
    name: str = "span-containment"

    def supports(self, claim: str, passages: Sequence[str]) -> bool:
        needle = normalise(claim).strip(" .;,")
        if not needle:
            return False
        for hay in [normalise(p) for p in passages] + [normalise(" ".join(passages))]:
            if needle in hay:
                return True
        if self.min_ratio >= 1.0:
            return False
        claim_tokens = _TOKEN.findall(needle)
        hay_tokens = _TOKEN.findall(normalise(" ".join(passages)))
        if not claim_tokens:
            return False
        blocks = SequenceMatcher(None, claim_tokens, hay_tokens, autojunk=False).get_matching_blocks()
        # In-order runs of 2+ tokens only: scattered single words would add up in a long passage.
        matched = sum(b.size for b in blocks if b.size >= 2)
        return matched / len(claim_tokens) >= self.min_ratio


@dataclass
class LexicalSemanticJudge:
    """``weight * coverage + (1 - weight) * cosine >= threshold``; cosine is the best over each passage
    alone and all of them joined, so joint support is not penalised."""

    encode: Encode
    threshold: float = 0.6
    weight: float = 0.5
    name: str = "lexical-semantic"

    def features(self, claim: str, passages: Sequence[str]) -> tuple[float, float]:
        if not passages:
            return 0.0, 0.0
        texts = [claim, *passages] + ([" ".join(passages)] if len(passages) > 1 else [])
        vecs = self.encode(texts)
        cosine = float(np.max(vecs[1:] @ vecs[0]))
        return coverage(claim, passages), cosine

    def score(self, claim: str, passages: Sequence[str]) -> float:
        cov, cos = self.features(claim, passages)
        return self.weight * cov + (1.0 - self.weight) * cos

    def supports(self, claim: str, passages: Sequence[str]) -> bool:
        return self.score(claim, passages) >= self.threshold


@dataclass
class NLIJudge:
    """Wraps an entailment model: ``entail(premise, hypothesis) -> probability``."""

    entail: Callable[[str, str], float]
    threshold: float = 0.5
    name: str = "nli"

    def supports(self, claim: str, passages: Sequence[str]) -> bool:
        return bool(passages) and self.entail(" ".join(passages), claim) >= self.threshold


@dataclass
class CascadeJudge:
    """Exact span containment first; the fallback judge only for claims that are not extracts."""

    exact: SpanContainmentJudge
    fallback: SupportJudge | None = None
    name: str = "containment+lexical-semantic"

    def supports(self, claim: str, passages: Sequence[str]) -> bool:
        if self.exact.supports(claim, passages):
            return True
        return self.fallback is not None and self.fallback.supports(claim, passages)


def load_calibration(path: Path = CALIBRATION_FILE) -> dict:
    """The calibrated weight/threshold and agreement figures; defaults when never calibrated."""
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    return {"weight": 0.5, "threshold": 0.6, "calibrated": False}


def default_judge(encode: Encode | None) -> CascadeJudge:
    """The shipped judge, with the calibrated parameters (containment only when no encoder is given)."""
    if encode is None:
        return CascadeJudge(SpanContainmentJudge(), None, name="span-containment")
    cal = load_calibration()
    fallback = LexicalSemanticJudge(encode, threshold=float(cal["threshold"]), weight=float(cal["weight"]))
    return CascadeJudge(SpanContainmentJudge(), fallback)
