"""Embedder: normalised vectors in the caller's order, whatever the length-sorted batching does."""

from __future__ import annotations

import numpy as np
import pytest

from curbside.settings import EmbeddingSettings
from index.embed import Embedder

TEXTS = [
    "Short.",
    "A much longer sentence about anticoagulation in atrial fibrillation and the bleeding risk it brings.",
    "Metformin for diabetes.",
    "Inhaled corticosteroids control persistent asthma in children and adults alike.",
]


def test_encode_keeps_order_and_normalises() -> None:
    embedder = Embedder(EmbeddingSettings(batch_size=2))
    vectors = embedder.encode(TEXTS)
    assert vectors.shape == (len(TEXTS), 384) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    singles = np.stack([embedder.encode_query(t) for t in TEXTS])
    # Different padding changes the last few bits only: each row must match its own text.
    np.testing.assert_allclose(vectors, singles, atol=1e-4)
    assert np.argmax(vectors @ singles.T, axis=1).tolist() == list(range(len(TEXTS)))


def test_batches_reach_the_callback_with_original_indices() -> None:
    seen: dict[int, np.ndarray] = {}
    embedder = Embedder(EmbeddingSettings(batch_size=1))  # groups of 4 texts
    vectors = embedder.encode(TEXTS * 2, on_batch=lambda idx, vecs: seen.update(zip(idx, vecs, strict=True)))
    assert sorted(seen) == list(range(len(TEXTS) * 2))
    np.testing.assert_array_equal(np.stack([seen[i] for i in range(len(seen))]), vectors)


def test_empty_input_and_model_id() -> None:
    embedder = Embedder()
    assert embedder.encode([]).shape == (0, 384)
    assert embedder.model_id == "all-MiniLM-L6-v2/d384/torch/seq256"
    assert Embedder(EmbeddingSettings(backend="onnx")).model_id != embedder.model_id


def test_unknown_backend_is_rejected() -> None:
    with pytest.raises(ValueError, match="backend='tensorrt'"):
        Embedder(EmbeddingSettings(backend="tensorrt"))


def test_a_query_longer_than_the_model_limit_matches_its_batch_vector() -> None:
    embedder = Embedder()
    long_question = "anticoagulation in atrial fibrillation " * 200  # far past 256 word pieces
    batch_vector = embedder.encode([long_question])[0]
    np.testing.assert_allclose(embedder.encode_query(long_question), batch_vector, atol=1e-5)
