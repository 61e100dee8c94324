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


def test_questions_go_through_the_onnx_export_with_the_same_vectors() -> None:
    pytest.importorskip("onnxruntime", reason="ONNX Runtime is a core dependency; this install lacks it")
    auto = Embedder()
    torch_only = Embedder(EmbeddingSettings(query_backend="torch"))
    assert auto.query_backend == "onnx" and torch_only.query_backend == "torch"
    assert auto.model_id == torch_only.model_id  # the chunks' vectors, and so the index, are the same
    for text in TEXTS:
        assert float(auto.encode_query(text) @ torch_only.encode_query(text)) > 0.9999


def test_an_unusable_onnx_export_falls_back_to_torch(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import index.embed as embed

    real = embed.shared_model

    def unwritable_home(backend: str, max_seq_length: int) -> object:
        if backend != "torch":
            raise PermissionError("[Errno 13] Permission denied: '/srv/curbside/models'")
        return real(backend, max_seq_length)

    monkeypatch.setattr(embed, "shared_model", unwritable_home)
    embedder = Embedder()
    vector = embedder.encode_query(TEXTS[1])
    assert embedder.query_backend == "torch"
    assert "Permission denied" in caplog.text
    torch_vector = Embedder(EmbeddingSettings(query_backend="torch")).encode_query(TEXTS[1])
    np.testing.assert_allclose(vector, torch_vector)


def test_an_export_that_disagrees_with_torch_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("onnxruntime", reason="ONNX Runtime is a core dependency; this install lacks it")
    import index.embed as embed
    from index.embed_onnx import PARITY_PROBES, check_parity, onnx_file

    exported = onnx_file(quantized=False)
    assert check_parity(exported) > 0.9999
    # Each probe gets another probe's vector: a model whose vectors do not match the export.
    torch_vectors = Embedder(EmbeddingSettings(query_backend="torch")).encode(list(PARITY_PROBES))
    shuffled = np.roll(torch_vectors, 1, axis=0)

    class ShuffledTorch:
        def encode(self, texts: list[str], **_: object) -> np.ndarray:
            return shuffled

    monkeypatch.setattr(embed, "shared_model", lambda backend, max_seq: ShuffledTorch())
    with pytest.raises(RuntimeError, match="disagrees with torch"):
        check_parity(exported)


@pytest.mark.parametrize("max_seq_length", [32, 256])
def test_the_export_truncates_long_text_as_torch_does(max_seq_length: int) -> None:
    pytest.importorskip("onnxruntime", reason="ONNX Runtime is a core dependency; this install lacks it")
    from tokenizers import Tokenizer

    from index.embed import model_path
    from index.embed_onnx import PARITY_PROBES, check_parity, onnx_file

    tokenizer = Tokenizer.from_file(f"{model_path()}/tokenizer.json")
    tokenizer.no_truncation()
    longest = max(len(tokenizer.encode(p).ids) for p in PARITY_PROBES)
    assert longest > 256  # one probe overflows the window, so the truncation point is compared
    assert check_parity(onnx_file(quantized=False), max_seq_length) > 0.9999


def test_unknown_query_backend_is_rejected() -> None:
    with pytest.raises(ValueError, match="query_backend='cuda'"):
        Embedder(EmbeddingSettings(query_backend="cuda"))
