"""The naive RAG baseline every report runs beside Curbside, on the same items and index.

BM25 top-3 passages over the whole index, the first sentence of each as a cited statement:
no evidence tiers (one flat section), no conversation history, no relevance floor (it refuses
only when BM25 finds nothing at all). What Curbside scores above it is what its parts add.
"""

from __future__ import annotations

from curbside.types import Answer, Citation, Conversation, DocMeta, Reference, ResearchFacet, Statement
from index.store import IndexReader

BASELINE_NAME = "naive-rag"
TOP_K = 3


def first_sentence(text: str, start: int, sentences: tuple) -> tuple[int, int]:
    """Absolute offsets of a chunk's first sentence (the chunker's own split when present)."""
    if sentences:
        return sentences[0].start, sentences[0].end
    from ingest.sentences import split_sentences

    spans = split_sentences(text, offset=start)
    return spans[0] if spans else (start, start + len(text))


class NaiveRAG:
    name = BASELINE_NAME

    def __init__(self, index: IndexReader, k: int = TOP_K) -> None:
        self.index = index
        self.k = k

    def ask(self, question: str, conversation: Conversation | None = None) -> Answer:
        del conversation  # by design: no history
        rows = self.index.search_bm25(question, self.k)
        statements: list[Statement] = []
        references: list[Reference] = []
        for number, (row, _) in enumerate(rows, start=1):
            chunk = self.index.chunk(row)
            meta = self.index.doc(chunk.doc_id) or DocMeta(chunk.doc_id, chunk.doc_id, "unknown", chunk.tier)
            start, end = first_sentence(chunk.text, chunk.start, chunk.sentences)
            text = chunk.text[start - chunk.start : end - chunk.start].strip()
            statements.append(Statement(text, [Citation(number, chunk.doc_id, chunk.chunk_id, start, end)]))
            references.append(
                Reference(
                    number, meta, chunk.chunk_id, chunk.section_path, chunk.start, chunk.end, chunk.page
                )
            )
        refused = not statements
        return Answer(
            question=question,
            interpreted_as=question,
            refused=refused,
            research=[ResearchFacet("passages", statements)] if statements else [],
            references=references,
            refusal_message="No passage matched the question." if refused else None,
        )
