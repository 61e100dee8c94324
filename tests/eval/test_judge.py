"""The support judge and quote location on hand-made text."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from eval.judge import CascadeJudge, LexicalSemanticJudge, SpanContainmentJudge, coverage
from eval.judge_calibration import agreement, fit
from eval.spans import locate, overlaps

PASSAGE = "DOACs are recommended over warfarin in DOAC-eligible patients with AF (Class I)."


def test_verbatim_extract_is_supported_despite_case_and_spacing() -> None:
    judge = SpanContainmentJudge(min_ratio=1.0)
    assert judge.supports("doacs are recommended over\nwarfarin", [PASSAGE])


def test_claim_spread_over_two_passages_is_supported_jointly() -> None:
    judge = SpanContainmentJudge(min_ratio=1.0)
    assert judge.supports("with AF (Class I). Second part", [PASSAGE, "Second part follows."])


def test_near_exact_tolerates_a_small_edit_only() -> None:
    near = "DOACs are recommended over warfarin in DOAC eligible patients with atrial fibrillation (Class I)"
    assert not SpanContainmentJudge(min_ratio=0.9).supports(near, [PASSAGE])
    assert SpanContainmentJudge(min_ratio=0.8).supports(near, [PASSAGE])
    assert not SpanContainmentJudge().supports("warfarin is recommended over DOACs", [PASSAGE])


def test_coverage_counts_content_words_only() -> None:
    assert coverage("the DOACs and the warfarin", [PASSAGE]) == 1.0
    assert coverage("aspirin and warfarin", [PASSAGE]) == 0.5


def _bag_of_words_encoder(texts: Sequence[str]) -> np.ndarray:
    vocab = ["doacs", "warfarin", "aspirin", "cancer"]
    vecs = np.array([[t.lower().count(w) for w in vocab] for t in texts], dtype=np.float32) + 1e-6
    return vecs / np.linalg.norm(vecs, axis=1, keepdims=True)


def test_lexical_semantic_judge_thresholds_its_score() -> None:
    judge = LexicalSemanticJudge(_bag_of_words_encoder, threshold=0.7, weight=0.5)
    assert judge.supports("DOACs preferred to warfarin", [PASSAGE])
    assert not judge.supports("aspirin causes cancer", [PASSAGE])


def test_cascade_uses_fallback_only_for_non_extracts() -> None:
    class Never:
        name = "never"
        calls = 0

        def supports(self, claim: str, passages: Sequence[str]) -> bool:
            Never.calls += 1
            return False

    judge = CascadeJudge(SpanContainmentJudge(), Never())
    assert judge.supports("recommended over warfarin", [PASSAGE]) and Never.calls == 0
    assert not judge.supports("something else entirely", [PASSAGE]) and Never.calls == 1


def test_fit_finds_the_separating_threshold_and_agreement_counts() -> None:
    feats = np.array([[0.9, 0.9], [0.8, 0.7], [0.2, 0.1], [0.1, 0.3]])
    labels = [True, True, False, False]
    weight, threshold = fit(feats, labels)
    score = weight * feats[:, 0] + (1 - weight) * feats[:, 1]
    assert agreement(list(score >= threshold), labels)["accuracy"] == 1.0
    assert agreement([True, True, True, False], labels) == {
        "accuracy": 0.75,
        "precision": 2 / 3,
        "recall": 1.0,
        "f1": 0.8,
        "pairs": 4.0,
    }


def test_locate_maps_back_to_raw_offsets_across_markup() -> None:
    text = "Start. | Reduce to **at least two** of\n  the following | End."
    span = locate("Reduce to at least two of the following", text)
    assert span is not None
    assert text[span[0] : span[1]] == "Reduce to **at least two** of\n  the following"
    assert locate("not in the text", text) is None


def test_overlaps_is_half_open() -> None:
    assert overlaps((0, 5), (4, 9)) and not overlaps((0, 5), (5, 9))
