"""The one entry point that the CLI, the HTTP API and the evaluation harness share.

``Curbside.ask(question, conversation) -> Answer`` runs retrieval and composition over
the current index version; ``reload()`` swaps in a newer version without disturbing
requests already running on the old one (they keep their own reference).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from answer.candidates import prepare_passages
from answer.compose import compose
from answer.references import all_statements
from curbside.runtime import freeze_loaded_objects
from curbside.settings import Settings
from curbside.types import Answer, Conversation, RetrievalResult, Turn
from index.build import chunking_record
from index.embed import Embedder
from index.errors import CurbsideIndexError, IndexNotFound
from index.layout import open_current
from index.store import IndexReader
from index.versions import reindex
from retrieval import RetrievalTrace, Retriever

DEFAULT_CORPUS_PREFIXES = ("open-medicine:", "curbside-corpus:")
# How many cited documents a turn hands to the next as its topic (boosted, and searched for its words).
TOPIC_DOCUMENTS = 3


@dataclass(frozen=True)
class _Engine:
    """An index version and the retriever over it, swapped as one unit."""

    index: IndexReader
    retriever: Retriever


def ensure_default_index(settings: Settings, progress: bool = True) -> IndexReader:
    """Open the current index, building it from the built-in default corpus on first use."""
    from ingest import default_corpus_documents

    try:
        reader = open_current(settings)
    except IndexNotFound:
        reindex(default_corpus_documents(), settings, progress=progress)
        return open_current(settings)
    # A default-corpus index made by an older chunker is refreshed (cached vectors are reused);
    # an index of a user's own sources is left to `curbside reindex`.
    is_default = all(d.startswith(DEFAULT_CORPUS_PREFIXES) for d in reader.doc_ids())
    if is_default and reader.manifest.get("chunking") != chunking_record(settings):
        reindex(default_corpus_documents(), settings, progress=progress)
        reader = open_current(settings)
    return reader


class Curbside:
    """Answers questions and follow-ups over the current index version."""

    def __init__(self, settings: Settings | None = None, build_default: bool = True, progress: bool = True):
        self.settings = settings or Settings()
        self._build_default = build_default
        self._progress = progress
        self._lock = threading.Lock()
        self._engine: _Engine | None = None
        self._embedder: Embedder | None = None

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = Embedder(self.settings.embedding)
        return self._embedder

    def _open(self) -> _Engine:
        if self._build_default:
            index = ensure_default_index(self.settings, progress=self._progress)
        else:
            index = open_current(self.settings)
        return _Engine(index, Retriever(index, self.embedder, self.settings.retrieval))

    def _current(self) -> _Engine:
        engine = self._engine
        if engine is None:
            with self._lock:
                if self._engine is None:
                    self._engine = self._open()
                engine = self._engine
        return engine

    @property
    def index(self) -> IndexReader:
        return self._current().index

    @property
    def retriever(self) -> Retriever:
        return self._current().retriever

    def ask(self, question: str, conversation: Conversation | None = None) -> Answer:
        """Answer ``question``; when a conversation is given, the turn is appended to it."""
        return self.ask_traced(question, conversation)[0]

    def ask_traced(
        self, question: str, conversation: Conversation | None = None
    ) -> tuple[Answer, RetrievalTrace]:
        """``ask``, also returning the retrieval trace (the rewrite and each pool's relevance signals)."""
        engine = self._current()  # one reference for the whole request: a swap cannot split it
        trace = engine.retriever.trace(question, conversation)
        result = trace.result
        answer = compose(
            question, result, self.settings.answer,
            embed=self.embedder.encode, term_weight=engine.retriever.specificity,
        )
        if conversation is not None:
            cited = topic_documents(answer, result)
            conversation.turns.append(
                Turn(question=question, rewritten=result.query, cited_doc_ids=cited, refused=answer.refused)
            )
        return answer, trace

    def warm_up(self) -> None:
        """Open the index, prepare the retriever and the composer: the first question is answered at full
        speed."""
        prepare_engine(self.retriever, self.settings)

    def reload(self) -> str:
        """Open the current index version, prepare it and swap it in; returns the version now serving."""
        new = self._open()
        prepare_engine(new.retriever, self.settings)  # before the swap: no request waits for it
        with self._lock:
            self._engine = new
        return new.index.version

    def reindex(
        self,
        sources: Sequence[str],
        fmt: str | None = None,
        progress_callback: Callable[[str], None] | None = None,
    ) -> object:
        """Re-index ``sources`` into a new version beside the current one, then swap it in."""
        from pathlib import Path

        from ingest import load_paths

        documents: Iterable[object] = load_paths([Path(s) for s in sources], fmt)
        summary = reindex(documents, self.settings, progress=progress_callback is None)
        if progress_callback is not None:
            progress_callback(str(summary))
        self.reload()
        return summary


def prepare_engine(retriever: Retriever, settings: Settings) -> None:
    """Load what the first question would otherwise wait for (model, index metadata, the composer's selection
    model and patterns, the guideline passages read, stemmed and parsed), then take it out of the garbage
    collector's view."""
    retriever.warm_up()
    result = retriever.retrieve("warm up: colchicine dose for a gout flare")
    compose(result.query, result, settings.answer, term_weight=retriever.specificity)
    prepare_passages(retriever.lookups.prepare_pool("guideline", settings.retrieval.prepared_passages))
    freeze_loaded_objects()


def topic_documents(answer: Answer, result: RetrievalResult) -> list[str]:
    """The documents the next turn treats as "already cited": those the answer's bottom line cites, which
    state its main point, then retrieval's best document (kept in view even when the chosen sentences came
    from elsewhere), then the other cited ones in the order retrieval ranked them."""
    cited = {c.doc_id for s in all_statements(answer) for c in s.citations}
    ranked = [h.doc.doc_id for h in result.guideline_hits + result.research_hits]
    lead = [c.doc_id for s in answer.bottom_line for c in s.citations]
    order = list(dict.fromkeys(lead + ranked[:1] + [d for d in ranked if d in cited]))
    return order[:TOPIC_DOCUMENTS]


__all__ = ["Curbside", "CurbsideIndexError", "ensure_default_index"]
