"""Cached reads of an index for the Retriever: passages, documents, word stems, guideline sections, and the
checks of whether passages speak of a conversation's topic.

The same rows and documents come back turn after turn (a follow-up re-finds the previous turn's passages and
boosts its documents), so every read is cached. The caches are bounded and per instance: a long-running
server over a large index would otherwise end up holding every passage it ever touched.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence, Set
from functools import lru_cache
from typing import Protocol

import numpy as np

from curbside.types import Chunk, DocMeta, Hit, pool_of
from retrieval.context import sibling_groups
from retrieval.coverage import TermStats
from retrieval.organizations import OrganizationNames
from retrieval.vocabulary import stems

# Cache bounds: a few hundred questions' passages and their documents (rows of the top documents included).
CACHED_ROWS = 50_000
CACHED_DOCS = 20_000
CACHED_DOC_STEMS = 2_000  # whole-document stem sets are larger: fewer of them


class SearchIndex(Protocol):
    """What the Retriever needs from an index (index.store.IndexReader provides it)."""

    @property
    def n_chunks(self) -> int: ...

    def chunk(self, row: int) -> Chunk: ...

    def doc(self, doc_id: str) -> DocMeta | None: ...

    def search_dense(self, qvec: np.ndarray, k: int, pool: str | None = None) -> list[tuple[int, float]]: ...

    def search_bm25(self, query: str, k: int, pool: str | None = None) -> list[tuple[int, float]]: ...

    def rows_of_doc(self, doc_id: str) -> list[int]: ...

    def doc_ids(self) -> list[str]: ...


class IndexLookups:
    """Cached passage, document and stem reads over one index (thread-safe: ``lru_cache`` is)."""

    def __init__(self, index: SearchIndex) -> None:
        self.index = index
        self._stats: TermStats | None = None
        self.chunk = lru_cache(maxsize=CACHED_ROWS)(index.chunk)
        self.row_stems = lru_cache(maxsize=CACHED_ROWS)(self._load_stems)  # a passage's stems, by row
        self.doc = lru_cache(maxsize=CACHED_DOCS)(self._load_doc)
        self.rows_of_doc = lru_cache(maxsize=CACHED_DOCS)(index.rows_of_doc)
        # Stems of all of a document's passages (the top documents recur turn after turn).
        self.doc_stems = lru_cache(maxsize=CACHED_DOC_STEMS)(self._load_doc_stems)
        # Sibling sections and organization names, read from every document's metadata on first use.
        self._metadata: tuple[dict[str, tuple[str, ...]], OrganizationNames] | None = None
        # Every row's document, read once: fusion and the per-document cap map ~100 candidate rows per pool
        # to documents on every question, and reading each passage for that cost ~7 ms a question on a
        # 265,000-passage index whose passages were not cached yet.
        self._row_docs: list[str] | None = None

    def term_stats(self) -> TermStats:
        if self._stats is None:
            self._stats = TermStats.from_index(self.index)
        return self._stats

    def cache_sizes(self) -> dict[str, int]:
        """How many passages, stem sets, documents and document row lists are cached now."""
        caches = {"chunks": self.chunk, "stems": self.row_stems, "docs": self.doc,
                  "rows_of_doc": self.rows_of_doc, "doc_stems": self.doc_stems}
        return {name: cache.cache_info().currsize for name, cache in caches.items()}

    def prepare_pool(self, pool: str, limit: int) -> list[Hit]:
        """Read up to ``limit`` of ``pool``'s passages (in row order) into the caches, with their stems and
        their documents' stems, as a question would; returns them as unscored hits for other stages to
        prepare. The caches keep them while they are within their bounds."""
        pool_range = getattr(self.index, "pool_range", None)
        rows = range(*pool_range(pool)) if pool_range is not None else range(self.index.n_chunks)
        hits: list[Hit] = []
        for row in rows:
            if len(hits) >= limit:
                break
            chunk = self.chunk(row)
            if pool_of(chunk.tier) == pool:
                self.row_stems(row)
                hits.append(Hit(chunk=chunk, doc=self.doc(chunk.doc_id), score=0.0, pool=pool))
        for doc_id in dict.fromkeys(h.doc.doc_id for h in hits):
            self.doc_stems(doc_id)
        return hits

    def _load_doc(self, doc_id: str) -> DocMeta:
        meta = self.index.doc(doc_id)
        return meta if meta is not None else DocMeta(doc_id, doc_id, "unknown", "other")

    def _load_stems(self, row: int) -> frozenset[str]:
        return frozenset(stems(self.chunk(row).text))

    def _load_doc_stems(self, doc_id: str) -> frozenset[str]:
        return frozenset().union(*(self.row_stems(r) for r in self.rows_of_doc(doc_id)))

    def doc_of(self, row: int) -> str:
        """The document id of a row, without reading the passage (when the index can list them all)."""
        if self._row_docs is None:
            listing = getattr(self.index, "row_doc_ids", None)
            if listing is None:
                return self.chunk(row).doc_id
            self._row_docs = listing()
        return self._row_docs[row]

    @property
    def metadata_loaded(self) -> bool:
        return self._metadata is not None

    def _all_metadata(self) -> tuple[dict[str, tuple[str, ...]], OrganizationNames]:
        if self._metadata is None:
            # Read uncached: the first question must not fill the document cache with the whole index.
            metas = [m for m in (self.index.doc(d) for d in self.index.doc_ids()) if m is not None]
            names = OrganizationNames.from_organizations(m.organization for m in metas if m.organization)
            self._metadata = (sibling_groups(metas), names)
        return self._metadata

    def load_metadata(self) -> None:
        """Read every document's metadata now (sibling sections, organization names; 0.9 s on a
        38,000-document index) and every row's document id, rather than on the first question."""
        self._all_metadata()
        if self.index.n_chunks:
            self.doc_of(0)

    def siblings_of(self, doc_id: str) -> tuple[str, ...]:
        """The other sections of ``doc_id``'s guideline."""
        return self._all_metadata()[0].get(doc_id, ())

    def named_organizations(self, question: str) -> frozenset[str]:
        """The index's organizations that ``question`` names."""
        return self._all_metadata()[1].named_in(question)

    def title_stems(self, doc_id: str) -> set[str]:
        """Stems of a document's organization and title."""
        meta = self.doc(doc_id)
        return stems(" ".join(filter(None, (meta.organization, meta.title))))

    def guideline_sections(self, doc_ids: Iterable[str]) -> set[str]:
        """Every section of the guidelines ``doc_ids`` belong to (``doc_ids`` included)."""
        return {s for d in doc_ids for s in (d, *self.siblings_of(d))}

    def guideline_stems(self, doc_ids: Iterable[str]) -> frozenset[str]:
        """Stems of every section of the guidelines ``doc_ids`` belong to (``doc_ids`` included).

        A guideline ingested one document per section answers a follow-up if any of its sections does: "Could
        nitrofurantoin be the oral step-down?" continues from the UTI guideline's step-down section, while
        nitrofurantoin is discussed in its scope section.
        """
        return frozenset().union(*(self.doc_stems(s) for s in sorted(self.guideline_sections(doc_ids))))

    def evidence_stems(
        self, doc_ids: Sequence[str], depth: int, topic: list[frozenset[str]] | None = None,
        continued: Set[str] = frozenset(),
    ) -> set[str]:
        """Word stems of every passage of the first ``depth`` distinct documents of ``doc_ids`` (ranked).

        On a follow-up, a top document counts only if it speaks of the conversation's topic (``topic``: the
        stem sets of its specific carried words) or was cited by the previous turn: "azithromycin" found in
        an asthma guideline says nothing about azithromycin for the typhoid the conversation is about.
        """
        present: set[str] = set()
        for doc_id in list(dict.fromkeys(doc_ids))[:depth]:
            words = self.doc_stems(doc_id)
            if topic and doc_id not in continued and not names_topic(words, topic):
                continue
            # "How does the USPSTF position compare?": a USPSTF document need not say "USPSTF".
            present |= words | self.title_stems(doc_id)
        return present

    def on_topic_research(self, hits: list[Hit], topic: list[frozenset[str]]) -> list[Hit]:
        """The research passages of ``hits`` that name the conversation's topic (``topic``: the stem sets of
        its specific carried words) in their own text or their study's title.

        A study found for a follow-up through the carried context alone is not about the patient being
        discussed: "Am I allowed to go higher with that eGFR?" in a gout conversation finds a trial of renal
        function on HIV drugs, which never names gout or allopurinol. The passage counts, not the whole
        article: a full-text trial names many conditions somewhere in its body.
        """
        return [h for h in hits if names_topic(stems(h.chunk.text) | self.title_stems(h.doc.doc_id), topic)]

    def off_topic_docs(
        self, hits: list[Hit], topic: list[frozenset[str]], continued: Set[str]
    ) -> frozenset[str]:
        """Documents of ``hits`` that name none of the conversation's topic words (``topic``: stem sets) in
        their passages or title and were not cited by the previous turn: in a malaria conversation, "Still OK
        in the first trimester?" also finds pregnancy-screening statements, which say nothing about malaria.
        None without ``topic``."""
        if not topic:
            return frozenset()
        out: set[str] = set()
        for doc_id in dict.fromkeys(h.doc.doc_id for h in hits):
            if doc_id in continued:
                continue
            if not names_topic(self.doc_stems(doc_id) | self.title_stems(doc_id), topic):
                out.add(doc_id)
        return frozenset(out)


def names_topic(words: Set[str], topic: list[frozenset[str]]) -> bool:
    """Whether ``words`` (stems) name some topic word: all the stems of one of ``topic``'s stem sets."""
    return any(t <= words for t in topic)
