"""Optional ONNX Runtime backend for the same all-MiniLM-L6-v2 weights (fp32 or dynamic int8).

The transformer is exported once from the packaged weights (no download) into
``<data home>/models/``; pooling and normalisation match sentence-transformers (mean over the
attention mask, then L2). Use it only after ``bench/index_build.py`` shows cosine >= 0.98 to torch.
"""

from __future__ import annotations

import os
import threading
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from curbside.settings import data_home

_EXPORT_LOCK = threading.Lock()
INPUTS: tuple[str, ...] = ("input_ids", "attention_mask", "token_type_ids")


def onnx_dir() -> Path:
    return data_home() / "models" / "all-MiniLM-L6-v2-onnx"


def export_onnx(target: Path) -> Path:
    """Export the transformer to ``target/model.onnx`` (atomic: a partial file is never left behind)."""
    import torch
    from transformers import AutoModel

    from index.embed import model_path

    target.mkdir(parents=True, exist_ok=True)
    bert = AutoModel.from_pretrained(model_path()).eval()

    class HiddenStates(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = bert  # a submodule, so its weights export as initializers

        # Keyword arguments: the forward signature's positional order changes between versions.
        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            out = self.bert(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
            return out.last_hidden_state

    model = HiddenStates().eval()
    dummy = torch.ones((1, 8), dtype=torch.long)
    tmp = target / f"model.onnx.tmp-{os.getpid()}"
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the tracer's notes on control flow: the graph is checked below
            _export(torch, model, dummy, tmp)
        check_parity(tmp)
        os.replace(tmp, target / "model.onnx")
    finally:
        tmp.unlink(missing_ok=True)
    return target / "model.onnx"


# Sentences of different lengths and vocabularies: one padded batch and single questions both run.
PARITY_PROBES: tuple[str, ...] = (
    "What is first-line treatment for an acute gout flare?",
    "and in CKD?",
    "Apixaban 5 mg twice daily reduced stroke or systemic embolism versus warfarin (HR 0.79; 95% CI "
    "0.66-0.95).",
    "Screening for depression in adolescents aged 12 to 18 years is recommended (grade B).",
    # Longer than the model's window: both sides must truncate it at the same word piece.
    " ".join(
        f"Step {n}: reassess renal function (eGFR, creatinine) and potassium before titrating the dose."
        for n in range(1, 31)
    ),
)
PARITY_MIN_COSINE = 0.9999


def check_parity(path: Path, max_seq_length: int = 256) -> float:
    """The lowest cosine between the exported model's vectors and sentence-transformers' on the probes, both
    truncating at ``max_seq_length`` word pieces; raises when the export does not reproduce the torch model
    (a vector from it would not match the index)."""
    from index.embed import shared_model

    reference = shared_model("torch", max_seq_length).encode(list(PARITY_PROBES), normalize_embeddings=True)
    exported = OnnxSentenceModel(path, max_seq_length)
    singles = [exported.encode([probe]) for probe in PARITY_PROBES]
    vectors = np.concatenate([exported.encode(list(PARITY_PROBES)), *singles])
    cosines = (vectors * np.concatenate([reference, reference])).sum(axis=1)
    lowest = float(cosines.min())
    if lowest < PARITY_MIN_COSINE:
        raise RuntimeError(f"ONNX export of the embedding model disagrees with torch (cosine {lowest:.5f})")
    return lowest


def _export(torch: Any, model: Any, dummy: Any, tmp: Path) -> None:
    torch.onnx.export(
        model, (dummy, dummy, torch.zeros_like(dummy)), str(tmp),
        input_names=list(INPUTS), output_names=["last_hidden_state"],
        dynamic_axes={name: {0: "batch", 1: "seq"} for name in (*INPUTS, "last_hidden_state")},
        opset_version=17, dynamo=False,
    )


def quantize_int8(source: Path, target: Path) -> Path:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    tmp = target.with_name(f"{target.name}.tmp-{os.getpid()}")
    # Per-channel weights on MatMul only: per-tensor int8 (or quantizing the embedding Gather)
    # drops cosine to torch below 0.95 on real snippets; this recipe keeps it above 0.98.
    quantize_dynamic(
        str(source), str(tmp), weight_type=QuantType.QInt8, per_channel=True, op_types_to_quantize=["MatMul"]
    )
    os.replace(tmp, target)
    return target


def onnx_file(quantized: bool) -> Path:
    folder = onnx_dir()
    fp32 = folder / "model.onnx"
    with _EXPORT_LOCK:
        if not fp32.is_file():
            export_onnx(folder)
        if not quantized:
            return fp32
        int8 = folder / "model-int8-matmul-perchannel.onnx"
        if not int8.is_file():
            quantize_int8(fp32, int8)
        return int8


class OnnxSentenceModel:
    """The subset of SentenceTransformer.encode that Embedder uses, on ONNX Runtime."""

    def __init__(self, path: Path, max_seq_length: int) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        from index.embed import model_path

        self.max_seq_length = max_seq_length
        self.tokenizer = Tokenizer.from_file(str(Path(model_path()) / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=max_seq_length)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    def _batch(self, texts: list[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        types = np.array([e.type_ids for e in encodings], dtype=np.int64)
        hidden = self.session.run(None, dict(zip(INPUTS, (ids, mask, types), strict=True)))[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)

    def encode(self, texts: list[str], batch_size: int = 32, **_: Any) -> np.ndarray:
        parts = [self._batch(texts[lo : lo + batch_size]) for lo in range(0, len(texts), batch_size)]
        return np.concatenate(parts).astype(np.float32) if parts else np.zeros((0, 384), dtype=np.float32)


def load_onnx_model(max_seq_length: int, quantized: bool = False) -> OnnxSentenceModel:
    return OnnxSentenceModel(onnx_file(quantized), max_seq_length)
