"""What the harness evaluates: a system that answers (Curbside or a baseline), and look-ups over its index.

Both systems answer over the same index version, so any difference in the report comes from
what each does with it, not from what it can see.
"""

from __future__ import annotations

from typing import Protocol

from curbside.types import Answer, Chunk, Citation, Conversation
from index.store import IndexReader
from retrieval.fusion import merged_hits


class EvalSystem(Protocol):
    name: str

    def ask(self, question: str, conversation: Conversation | None = None) -> Answer: ...


class IndexLookups:
    """Chunk, cited-text, document-text and doc-key look-ups over one index version."""

    def __init__(self, index: IndexReader) -> None:
        self.index = index
        self._doc_chunks: dict[str, list[tuple[int, int, str]]] | None = None
        self._doc_text: dict[str, str] = {}

    def chunk(self, chunk_id: str) -> Chunk | None:
        return self.index.chunk_by_id(chunk_id)

    def cited_text(self, citation: Citation) -> str:
        """The exact words a citation points at (empty when it does not resolve)."""
        chunk = self.chunk(citation.chunk_id)
        if chunk is not None and chunk.start <= citation.start and citation.end <= chunk.end:
            return chunk.text[citation.start - chunk.start : citation.end - chunk.start]
        text = self.doc_text(citation.doc_id)
        return text[citation.start : citation.end] if text else ""

    def doc_text(self, doc_id: str) -> str | None:
        """The document text rebuilt from its chunks (their offsets are exact; gaps become spaces)."""
        if doc_id in self._doc_text:
            return self._doc_text[doc_id]
        if self._doc_chunks is None:
            by_doc: dict[str, list[tuple[int, int, str]]] = {}
            for _, chunk in self.index.iter_chunks():
                by_doc.setdefault(chunk.doc_id, []).append((chunk.start, chunk.end, chunk.text))
            self._doc_chunks = by_doc
        pieces = self._doc_chunks.get(doc_id)
        if not pieces:
            return None
        buf = [" "] * max(end for _, end, _ in pieces)
        for start, end, text in pieces:
            buf[start:end] = list(text)
        self._doc_text[doc_id] = "".join(buf)
        return self._doc_text[doc_id]

    def doc_keys(self, doc_id: str) -> set[str]:
        """Every key gold data may use for this document: its id, and ``pubmed:<PMID>`` when known."""
        keys = {doc_id}
        meta = self.index.doc(doc_id)
        if meta is not None and meta.pmid:
            keys.add(f"pubmed:{meta.pmid}")
        return keys

    def tier(self, doc_id: str) -> str:
        meta = self.index.doc(doc_id)
        return meta.tier if meta is not None else "other"


class CurbsideSystem:
    """The full system: follow-up rewriting, hybrid retrieval per pool, guideline-first answers."""

    name = "curbside"

    def __init__(self, curbside: object) -> None:
        self.curbside = curbside  # answer.service.Curbside

    @property
    def index(self) -> IndexReader:
        return self.curbside.index  # type: ignore[attr-defined]

    def ask(self, question: str, conversation: Conversation | None = None) -> Answer:
        return self.curbside.ask(question, conversation)  # type: ignore[attr-defined]

    def ranked_docs(
        self, question: str, conversation: Conversation | None, k: int = 100
    ) -> dict[str, list[tuple[str, float]]]:
        """Doc rankings of BM25, dense and hybrid retrieval for this turn (queried before it is asked)."""
        retriever = self.curbside.retriever  # type: ignore[attr-defined]
        embedder = self.curbside.embedder  # type: ignore[attr-defined]
        result = retriever.retrieve(question, conversation)
        hits = merged_hits(result)
        query = result.query
        index = self.index
        runs = {
            "hybrid": [(h.chunk.doc_id, float(h.score)) for h in hits],
            "bm25": [(index.chunk(row).doc_id, score) for row, score in index.search_bm25(query, k)],
            "dense": [
                (index.chunk(row).doc_id, score)
                for row, score in index.search_dense(embedder.encode_query(query), k)
            ],
        }
        return {name: _best_per_doc(pairs) for name, pairs in runs.items()}


def _best_per_doc(pairs: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """Chunk ranking -> document ranking (a document ranks by its best chunk)."""
    best: dict[str, float] = {}
    for doc, score in pairs:
        if doc not in best:
            best[doc] = score
    return list(best.items())
