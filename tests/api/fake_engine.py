"""A small in-memory engine with the same methods as ``answer.service.Curbside``.

The engine answers from four tiny documents by word overlap, carries the topic into follow-ups, and
can be told to block mid-answer or to switch index versions, which the hot-swap tests need.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from curbside.settings import ApiSettings, Settings
from curbside.types import (
    Answer,
    Chunk,
    Citation,
    Conversation,
    DocMeta,
    Reference,
    ResearchFacet,
    Statement,
    Turn,
)

ADMIN_TOKEN = "test-admin-token-7f3a"
INJECTION_MARKUP = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'

DOCS: dict[str, tuple[DocMeta, str]] = {
    "corpus:gout/flare": (
        DocMeta("corpus:gout/flare", "Gout flare management", "corpus", "guideline", organization="ACR",
                year=2020, url="https://example.org/gout"),
        "For a gout flare, colchicine, NSAIDs or glucocorticoids are recommended as first-line therapy. "
        "Low-dose colchicine is preferred over high-dose colchicine because it has fewer adverse effects.",
    ),
    "pubmed:111": (
        DocMeta("pubmed:111", "Allopurinol dosing in chronic kidney disease", "pubmed", "systematic_review",
                journal="Rheumatology", year=2019, pmid="111", url="/srv/corpus/secret/file.xml",
                extra=(("source_file", "/srv/corpus/pubmed_111.xml"), ("country", "NZ"))),
        "Allopurinol dose escalation above creatinine-clearance based doses lowered urate without more "
        "toxicity. Start low and titrate allopurinol every few weeks to the urate target.",
    ),
    "corpus:cap/cultures": (
        DocMeta("corpus:cap/cultures", "Pneumonia microbiology", "corpus", "guideline", organization="ATS",
                year=2019),
        "Obtain **blood cultures** in pneumonia patients:\n- starting MRSA coverage\n- severely ill.",
    ),
    "user:inject": (
        DocMeta("user:inject", f"Hostile title {INJECTION_MARKUP}", "user", "other", year=2024),
        f"Warfarin interacts with many drugs {INJECTION_MARKUP} and needs INR monitoring.",
    ),
}


def _chunks() -> dict[str, Chunk]:
    chunks = {}
    for doc_id, (meta, text) in DOCS.items():
        chunk_id = "c_" + re.sub(r"[^a-z0-9]", "_", doc_id.lower())
        chunks[chunk_id] = Chunk(chunk_id, doc_id, text, 0, len(text), ("Recommendations",), tier=meta.tier)
    return chunks


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", text.lower()) if len(w) > 3}


class FakeIndex:
    def __init__(self, version: str) -> None:
        self.version = version
        self.chunks = _chunks()
        self.n_chunks = len(self.chunks)
        self.n_docs = len(DOCS)

    def chunk_by_id(self, chunk_id: str) -> Chunk | None:
        return self.chunks.get(chunk_id)

    def doc(self, doc_id: str) -> DocMeta | None:
        return DOCS[doc_id][0] if doc_id in DOCS else None


class FakeEngine:
    """Curbside's engine interface: ask, index, reload, reindex."""

    def __init__(self) -> None:
        self.index = FakeIndex("v000001")
        self.next_version = "v000002"
        self.asks: list[tuple[str, int]] = []  # (question, turns seen) for assertions
        self.before_answer: Callable[[], None] | None = None  # lets a test hold an answer mid-flight
        self.reindex_gate = threading.Event()
        self.reindex_gate.set()

    def ask(self, question: str, conversation: Conversation | None = None) -> Answer:
        index = self.index  # one version for the whole request, like the real engine
        turns = conversation.turns if conversation is not None else []
        self.asks.append((question, len(turns)))
        interpreted = f"{turns[-1].rewritten} — {question}" if turns else question
        if self.before_answer is not None:
            self.before_answer()
        matches = [c for c in index.chunks.values() if _words(interpreted) & _words(c.text)]
        if not matches:
            answer = Answer(question, interpreted, refused=True,
                            refusal_message="Nothing in the indexed guidelines or research answers this.")
        else:
            answer = _answer_from(question, interpreted, matches, index)
        if conversation is not None:
            cited = sorted({r.doc.doc_id for r in answer.references})
            conversation.turns.append(Turn(question, interpreted, cited, answer.refused))
        return answer

    def reload(self) -> str:
        self.index = FakeIndex(self.next_version)
        return self.index.version

    def reindex(self, sources: list[str], fmt: str | None = None,
                progress_callback: Callable[[str], None] | None = None) -> str:
        if progress_callback is not None:
            progress_callback(f"loading {len(sources)} source(s)")
        self.reindex_gate.wait(10)
        self.reload()
        return f"indexed {len(sources)} source(s) into {self.index.version}"


def _answer_from(question: str, interpreted: str, matches: list[Chunk], index: FakeIndex) -> Answer:
    references, guidelines, research = [], [], []
    for number, chunk in enumerate(matches, start=1):
        meta = index.doc(chunk.doc_id)
        assert meta is not None
        references.append(Reference(number, meta, chunk.chunk_id, chunk.section_path, chunk.start, chunk.end))
        first_sentence_end = chunk.text.find(".") + 1 or len(chunk.text)
        end = chunk.start + first_sentence_end
        citation = Citation(number, chunk.doc_id, chunk.chunk_id, chunk.start, end)
        statement = Statement(chunk.text[:first_sentence_end], [citation], facet="treatment")
        (guidelines if meta.tier == "guideline" else research).append(statement)
    facets = [ResearchFacet("efficacy", research)] if research else []
    bottom = guidelines[:1] or research[:1]
    return Answer(question, interpreted, refused=False, bottom_line=bottom, guidelines=guidelines,
                  research=facets, references=references, disclaimer="Decision support, not a substitute.")


def make_settings(home: Path, **api: object) -> Settings:
    return replace(Settings(home=home), api=replace(ApiSettings(), **api))
