"""The embedding cache keys vectors by model and text, and keeps them across reopen."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from index.embed_cache import EmbeddingCache, text_hash


def test_vectors_survive_reopen_and_stay_per_model(tmp_path: Path) -> None:
    keys = [text_hash("a"), text_hash("b")]
    vectors = np.random.default_rng(0).standard_normal((2, 4)).astype(np.float32)
    cache = EmbeddingCache(tmp_path, "model-x", 4)
    cache.put_many(keys, vectors)
    cache.close()
    reopened = EmbeddingCache(tmp_path, "model-x", 4)
    found = reopened.get_many([*keys, text_hash("c")])
    assert set(found) == set(keys)
    np.testing.assert_array_equal(found[keys[1]], vectors[1])
    assert EmbeddingCache(tmp_path, "model-y", 4).get_many(keys) == {}


def test_text_hash_depends_on_text_only() -> None:
    assert text_hash("statin") == text_hash("statin") != text_hash("statins")
