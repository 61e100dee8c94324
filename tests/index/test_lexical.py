"""BM25 tokenization options and pool-limited top-k selection."""

from __future__ import annotations

import numpy as np
import pytest

from index.lexical import tokenize_for_bm25, top_k_scores


def test_tokenizer_lowercases_drops_stopwords_and_stems() -> None:
    assert tokenize_for_bm25("The Statins are Reducing events") == ["statin", "reduc", "event"]
    assert tokenize_for_bm25("The Statins", stemming=False) == ["statins"]
    assert tokenize_for_bm25("The Statins", stemming=False, stopwords="none") == ["the", "statins"]
    with pytest.raises(ValueError, match="stop-word list 'fr'"):
        tokenize_for_bm25("x", stopwords="fr")


def test_top_k_stays_inside_the_range_and_drops_zero_scores() -> None:
    scores = np.array([9.0, 8.0, 0.0, 3.0, 5.0, 0.0], dtype=np.float32)
    assert top_k_scores(scores, 2, 2, 6) == [(4, 5.0), (3, 3.0)]
    assert top_k_scores(scores, 10, 2, 6) == [(4, 5.0), (3, 3.0)]
    assert top_k_scores(scores, 3, 0, 6) == [(0, 9.0), (1, 8.0), (4, 5.0)]
