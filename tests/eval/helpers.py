"""Hand-made answers, a word-set judge and a fake index for the harness tests."""

from __future__ import annotations

import re
from collections.abc import Sequence

from curbside.types import Answer, Chunk, Citation, DocMeta, Reference, ResearchFacet, Sentence, Statement


class WordSetJudge:
    """Supports when every word of the claim occurs in the passages: predictable by hand."""

    name = "word-set"

    def supports(self, claim: str, passages: Sequence[str]) -> bool:
        have = set(re.findall(r"\w+", " ".join(passages).lower()))
        return bool(passages) and set(re.findall(r"\w+", claim.lower())) <= have


def meta(doc_id: str, tier: str) -> DocMeta:
    return DocMeta(doc_id=doc_id, title=doc_id, source="test", tier=tier)


def statement(text: str, *cites: tuple[int, str, int, int]) -> Statement:
    return Statement(text, [Citation(ref, doc, f"{doc}#c", s, e) for ref, doc, s, e in cites])


def answer(
    guidelines: list[Statement] = (),
    research: list[Statement] = (),
    refs: dict[int, DocMeta] | None = None,
    refused: bool = False,
) -> Answer:
    refs = refs or {}
    return Answer(
        question="q",
        interpreted_as="q",
        refused=refused,
        guidelines=list(guidelines),
        research=[ResearchFacet("efficacy", list(research))] if research else [],
        references=[Reference(n, m, f"{m.doc_id}#c", (), 0, 0) for n, m in refs.items()],
    )


class FakeIndex:
    """Just enough of IndexReader: chunks of documents, BM25 by word overlap."""

    def __init__(self, docs: dict[str, tuple[str, str]]) -> None:  # doc_id -> (tier, text)
        self.metas = {d: meta(d, tier) for d, (tier, _) in docs.items()}
        self.chunks: list[Chunk] = []
        for doc_id, (tier, text) in docs.items():
            sentences = tuple(Sentence(m.start(), m.end()) for m in re.finditer(r"[^.]+\.", text))
            self.chunks.append(
                Chunk(f"{doc_id}#c", doc_id, text, 0, len(text), tier=tier, sentences=sentences)
            )

    def search_bm25(self, query: str, k: int, pool: str | None = None) -> list[tuple[int, float]]:
        words = set(re.findall(r"\w+", query.lower()))
        scored = [
            (row, float(len(words & set(re.findall(r"\w+", c.text.lower())))))
            for row, c in enumerate(self.chunks)
        ]
        return sorted([s for s in scored if s[1] > 0], key=lambda s: -s[1])[:k]

    def search_dense(self, qvec, k: int, pool: str | None = None) -> list[tuple[int, float]]:
        return []

    def chunk(self, row: int) -> Chunk:
        return self.chunks[row]

    def chunk_by_id(self, chunk_id: str) -> Chunk | None:
        return next((c for c in self.chunks if c.chunk_id == chunk_id), None)

    def doc(self, doc_id: str) -> DocMeta | None:
        return self.metas.get(doc_id)

    def iter_chunks(self):
        return iter(enumerate(self.chunks))
