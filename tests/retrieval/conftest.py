"""Small hand-made index and encoder with the IndexReader / Embedder interface, for retrieval tests."""

from __future__ import annotations

import hashlib
import math

import numpy as np
import pytest

from curbside.types import Chunk, DocMeta, pool_of
from retrieval.vocabulary import STOPWORDS, stem, words

DIM = 256


def _vector(text: str) -> np.ndarray:
    """Hashed bag of stems: texts sharing words get a high cosine, like a (crude) embedding."""
    vec = np.zeros(DIM, dtype=np.float32)
    for w in words(text):
        if w.lower() in STOPWORDS:
            continue
        slot = int(hashlib.md5(stem(w).encode()).hexdigest(), 16) % DIM
        vec[slot] += 1.0
    norm = float(np.linalg.norm(vec))
    return vec / norm if norm > 0 else vec


class FakeEncoder:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def encode_query(self, text: str) -> np.ndarray:
        self.calls.append(text)
        return _vector(text)


class FakeIndex:
    """Rows in the order given; BM25 is a plain IDF-weighted term match, dense is the hashed cosine."""

    def __init__(self, docs: list[tuple[DocMeta, list[str]]]) -> None:
        self.chunks: list[Chunk] = []
        self.metas = {meta.doc_id: meta for meta, _ in docs}
        for meta, texts in docs:
            offset = 0
            for i, text in enumerate(texts):
                self.chunks.append(
                    Chunk(f"{meta.doc_id}#{i}", meta.doc_id, text, offset, offset + len(text), tier=meta.tier)
                )
                offset += len(text) + 1
        self.vectors = np.stack([_vector(c.text) for c in self.chunks])
        self.df: dict[str, int] = {}
        for c in self.chunks:
            for s in {stem(w) for w in words(c.text)}:
                self.df[s] = self.df.get(s, 0) + 1

    @property
    def n_chunks(self) -> int:
        return len(self.chunks)

    def chunk(self, row: int) -> Chunk:
        return self.chunks[row]

    def doc(self, doc_id: str) -> DocMeta | None:
        return self.metas.get(doc_id)

    def rows_of_doc(self, doc_id: str) -> list[int]:
        return [r for r, c in enumerate(self.chunks) if c.doc_id == doc_id]

    def doc_ids(self) -> list[str]:
        return list(self.metas)

    def _rows(self, pool: str | None) -> list[int]:
        return [r for r, c in enumerate(self.chunks) if pool is None or pool_of(c.tier) == pool]

    def search_dense(self, qvec: np.ndarray, k: int, pool: str | None = None) -> list[tuple[int, float]]:
        scored = [(r, float(self.vectors[r] @ qvec)) for r in self._rows(pool)]
        scored.sort(key=lambda h: (-h[1], h[0]))
        return scored[:k]

    def search_bm25(self, query: str, k: int, pool: str | None = None) -> list[tuple[int, float]]:
        q = {stem(w) for w in words(query) if w.lower() not in STOPWORDS}
        n = len(self.chunks)
        scored = []
        for r in self._rows(pool):
            present = {stem(w) for w in words(self.chunks[r].text)}
            score = sum(math.log(1 + n / self.df[s]) for s in q & present)
            if score > 0:
                scored.append((r, score))
        scored.sort(key=lambda h: (-h[1], h[0]))
        return scored[:k]


def meta(
    doc_id: str,
    tier: str = "guideline",
    organization: str | None = None,
    year: int | None = None,
    source: str = "test",
    guideline_id: str | None = None,
) -> DocMeta:
    extra = (("guideline_id", guideline_id),) if guideline_id else ()
    return DocMeta(
        doc_id=doc_id, title=doc_id, source=source, tier=tier, organization=organization, year=year,
        extra=extra,
    )


GOUT_FLARE = [
    "For a gout flare, colchicine, NSAIDs or glucocorticoids are recommended as first-line therapy.",
    "Low-dose colchicine: 1.2 mg followed by 0.6 mg one hour later is preferred over high-dose colchicine.",
    "In patients with chronic kidney disease, colchicine dose should be reduced; prednisone is an "
    "alternative.",
    "Apply ice to the affected joint as an adjunct during a gout flare.",
]
GOUT_ULT = [
    "Allopurinol is the preferred first-line urate-lowering therapy, including in chronic kidney disease.",
    "Anti-inflammatory prophylaxis with colchicine is recommended for 3 to 6 months when starting "
    "urate-lowering therapy.",
]
CAP = [
    "For outpatients with community-acquired pneumonia and comorbidities, amoxicillin-clavulanate plus "
    "a macrolide is recommended.",
    "Treat community-acquired pneumonia for a minimum of 5 days, continuing until clinical stability.",
]
HTN = ["Spironolactone is recommended for resistant hypertension after three drugs including a diuretic."]
RESEARCH = [
    "In a randomized trial, low-dose colchicine reduced gout flare pain at 24 hours compared with placebo.",
    "Colchicine at high dose caused more diarrhea than low-dose colchicine in gout flares.",
    "A cohort study of community-acquired pneumonia found macrolide combinations lowered mortality.",
]


def build_fake_index() -> FakeIndex:
    return FakeIndex(
        [
            (meta("acr:gout_flare", organization="ACR", year=2020, guideline_id="acr_gout"), GOUT_FLARE),
            (meta("acr:gout_ult", organization="ACR", year=2020, guideline_id="acr_gout"), GOUT_ULT),
            (meta("idsa:cap", organization="ATS/IDSA", year=2019), CAP),
            (meta("aha:htn", organization="ACC/AHA", year=2017), HTN),
            (meta("pubmed:1", tier="randomized_trial", year=2010, source="pubmed"), RESEARCH[:1]),
            (meta("pubmed:2", tier="randomized_trial", year=2005, source="pubmed"), RESEARCH[1:2]),
            (meta("pubmed:3", tier="observational", year=2015, source="pubmed"), RESEARCH[2:]),
        ]
    )


@pytest.fixture()
def fake_index() -> FakeIndex:
    return build_fake_index()


@pytest.fixture()
def fake_encoder() -> FakeEncoder:
    return FakeEncoder()
