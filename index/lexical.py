"""Lexical side: the BM25 tokenizer and a bm25s index over all chunks of a version.

One global index keeps term statistics identical whichever pool is searched; a pool search
masks scores to that pool's rows before taking the top k, so it returns the pool's best k.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from pathlib import Path

import bm25s
import numpy as np
from bm25s.tokenization import STOPWORDS_EN

from curbside.settings import IndexSettings

TOKEN_PATTERN = re.compile(r"(?u)\b\w\w+\b")
STOPWORD_LISTS: dict[str, frozenset[str]] = {"en": frozenset(STOPWORDS_EN), "none": frozenset()}
_STEMMERS = threading.local()  # PyStemmer objects are not thread-safe: one per thread


def _stem_words(words: list[str]) -> list[str]:
    stemmer = getattr(_STEMMERS, "english", None)
    if stemmer is None:
        import Stemmer

        stemmer = _STEMMERS.english = Stemmer.Stemmer("english")
    return stemmer.stemWords(words)


def tokenize_for_bm25(text: str, stemming: bool = True, stopwords: str = "en") -> list[str]:
    """Lower-case word tokens of two or more characters, stop words dropped, optionally stemmed."""
    if stopwords not in STOPWORD_LISTS:
        raise ValueError(f"unknown stop-word list {stopwords!r}: choose one of {', '.join(STOPWORD_LISTS)}")
    stop = STOPWORD_LISTS[stopwords]
    words = [w for w in TOKEN_PATTERN.findall(text.lower()) if w not in stop]
    return _stem_words(words) if stemming else words


def tokenize_with(settings: IndexSettings, text: str) -> list[str]:
    return tokenize_for_bm25(text, stemming=settings.bm25_stemming, stopwords=settings.bm25_stopwords)


def build_bm25(
    token_lists: Sequence[list[str]], k1: float, b: float, method: str = "lucene"
) -> bm25s.BM25:
    """A bm25s index over pre-tokenized chunks (rows keep the order of ``token_lists``)."""
    model = bm25s.BM25(k1=k1, b=b, method=method)
    # An empty chunk would otherwise leave a document with no tokens; bm25s handles it via an empty token.
    model.index([list(t) for t in token_lists], show_progress=False)
    return model


def save_bm25(model: bm25s.BM25, directory: Path) -> None:
    model.save(str(directory), show_progress=False)


def load_bm25(directory: Path) -> bm25s.BM25:
    # Memory-mapped: a large index costs page cache, not private memory, and loads instantly.
    return bm25s.BM25.load(str(directory), mmap=True, show_progress=False)


def top_k_scores(scores: np.ndarray, k: int, lo: int, hi: int) -> list[tuple[int, float]]:
    """The best ``k`` rows with positive score inside ``[lo, hi)``, best first."""
    part = scores[lo:hi]
    if k <= 0 or part.size == 0:
        return []
    k = min(k, part.size)
    idx = np.argpartition(-part, k - 1)[:k]
    idx = idx[np.argsort(-part[idx], kind="stable")]
    return [(int(i) + lo, float(part[i])) for i in idx if part[i] > 0]


def search_bm25_index(
    model: bm25s.BM25, query_tokens: list[str], k: int, lo: int, hi: int
) -> list[tuple[int, float]]:
    ids = model.get_tokens_ids(query_tokens)
    if not ids:
        return []
    return top_k_scores(model.get_scores_from_ids(ids), k, lo, hi)
