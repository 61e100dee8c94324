"""The Retriever: rewrite the question, search both evidence pools, fuse, cap, and decide relevance."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from curbside.settings import RetrievalSettings
from curbside.types import Conversation, Hit, RetrievalResult, Turn, pool_of
from retrieval.context import (
    context_passages,
    cosine_to,
    findings_passages,
    sibling_passages,
)
from retrieval.coverage import TermStats, asked_terms, coverage_of_stems
from retrieval.facets import detect_facet
from retrieval.floors import Floors, PoolFloor, effective_floors, passes_floor
from retrieval.focus import asking_sentences
from retrieval.followup import RewrittenQuery, announces_new_topic, is_follow_up_query, rewrite_followup
from retrieval.fusion import Filters
from retrieval.lookups import IndexLookups, SearchIndex
from retrieval.pool_search import (
    CONTINUATION_BOOST,
    REFERS_BACK_BOOST,
    PoolQuery,
    PoolSearch,
    same_guideline_bonuses,
)
from retrieval.vocabulary import content_words, expand_query, is_technical, respellings, stem, stems

POOLS: tuple[str, str] = ("guideline", "research")
# Shorter words are not respelt: "four" is not "for", nor "hour" "hor".
MIN_RESPELT_LENGTH = 5
# Words at least this specific (IDF over the indexed chunks, scaled to [0, 1]) name a topic; commoner words
# carried over would only add noise. 0.3 keeps words found in under about N**0.7 of N chunks.
MIN_TOPIC_SPECIFICITY = 0.3
# How many of a pool's top documents are searched (all their passages) for the question's specific words: a
# guideline section often names the drug in one passage and doses it in the next. Only the top few: a word
# found further down is usually in a document on another subject ("azithromycin" in a pneumonia guideline
# when the question is about typhoid).
COVERAGE_DOCS = 3
# How many of the previous turn's passages lend their words to the rewrite (which topic words to carry).
REWRITE_EVIDENCE_DEPTH = 5
# How deep to look for the previous turn's passages when re-finding them.
EVIDENCE_SEARCH_DEPTH = 20
# A question alone that finds the previously cited documents this high up is still on their topic.
SHIFT_CHECK_DEPTH = 3
# ... or whose closest cited passage is at least this share of its closest passage anywhere (dense cosine).
CITED_CLOSENESS = 0.8
# Carried words at least this specific name the conversation's topic in the evidence check.
TOPIC_ANCHOR_SPECIFICITY = 0.5
# ... and an everyday word must be rarer still. Set by reading the dev conversations' carried words in the
# guideline index: "course" and "kidneys" 0.51, "gout" 0.56, "contrast" 0.61; "pneumonia" (0.50) and
# "asthma" (0.51) no longer anchor a topic by themselves.
EVERYDAY_ANCHOR_SPECIFICITY = 0.55


class QueryEncoder(Protocol):
    def encode_query(self, text: str) -> np.ndarray: ...


@dataclass
class PoolSignals:
    """The numbers the relevance decision of one pool rests on (also what calibration fits floors to)."""

    best_dense: float
    coverage: float
    missing_terms: list[str] = field(default_factory=list)
    # A follow-up on the topic the conversation already found evidence for: whether anything here is about
    # the topic at all was settled then, so only what the follow-up newly asks about is judged (coverage).
    continues_topic: bool = False

    def passes(self, floor: PoolFloor) -> bool:
        return passes_floor(self.best_dense, self.coverage, self.continues_topic, floor)


@dataclass
class RetrievalTrace:
    result: RetrievalResult
    rewritten: RewrittenQuery
    signals: dict[str, PoolSignals]


class Retriever:
    def __init__(
        self,
        index: Any,
        embedder: Any,
        settings: RetrievalSettings | None = None,
        floors: Floors | None = None,
    ) -> None:
        self.index: SearchIndex = index
        self.embedder: QueryEncoder = embedder
        self.settings = settings or RetrievalSettings()
        self.floors = floors or effective_floors(self.settings)
        self.lookups = IndexLookups(index)
        self.pools = PoolSearch(index, self.lookups, self.settings)

    # -- lookups ---------------------------------------------------------------------------------------------
    def term_stats(self) -> TermStats:
        return self.lookups.term_stats()

    def warm_up(self) -> None:
        """Do now what the first question would otherwise wait for: read every document's metadata and load
        the embedding model."""
        self.lookups.load_metadata()
        self.embedder.encode_query("warm up")

    def named_organizations(self, question: str) -> frozenset[str]:
        """The index's organizations that ``question`` names."""
        return self.lookups.named_organizations(question)

    def _anchors_topic(self, term: str) -> bool:
        """A carried word that names the conversation's subject: specific, and either technical or rarer still
        ("course" in "total course" is as rare as "gout" in a guideline index, but is everyday English)."""
        value = self.specificity(term)
        everyday_ok = value >= EVERYDAY_ANCHOR_SPECIFICITY
        return value >= TOPIC_ANCHOR_SPECIFICITY and (is_technical(term) or everyday_ok)

    def is_specific(self, term: str) -> bool:
        """A technical word (not everyday English) that is rare enough in the index to name a subject."""
        return is_technical(term) and self.specificity(term) >= MIN_TOPIC_SPECIFICITY

    def specificity(self, term: str) -> float:
        return self.term_stats().specificity(term)

    def search_text(self, query: str) -> str:
        """What both retrievers search for ``query``: its synonyms and its words' other spellings appended."""
        return expand_query(query, self._respelt(query))

    def _respelt(self, query: str) -> list[str]:
        """The query's words in the other English spelling, those the index uses: "papilloedema" also
        searches "papilledema", "hemoglobin" also "haemoglobin"."""
        df = self.term_stats().df
        out: list[str] = []
        for word in dict.fromkeys(content_words(query)):
            if len(word) < MIN_RESPELT_LENGTH or not word.isalpha():
                continue
            own = stem(word)
            for variant in sorted(respellings(word, both_ways=True)):
                respelt = stem(variant)
                if respelt != own and df.get(respelt, 0) > 0 and variant not in out:
                    out.append(variant)
        return out

    # -- the public entry points -----------------------------------------------------------------------------
    def rewrite(
        self, question: str, conversation: Conversation | None = None, previous_rows: list[int] | None = None
    ) -> RewrittenQuery:
        """The standalone query for ``question``; pass ``previous_rows`` (what ``_previous_rows`` gives for
        ``conversation``) when the caller has them already."""
        rows = self._previous_rows(conversation) if previous_rows is None else previous_rows
        shown = rows[:REWRITE_EVIDENCE_DEPTH]
        evidence = frozenset(s for r in shown for s in self.lookups.row_stems(r)) or None
        rewritten = rewrite_followup(
            question, conversation, self.specificity, MIN_TOPIC_SPECIFICITY, evidence_stems=evidence
        )
        if (
            rewritten.topic_shift
            and not announces_new_topic(question)
            and not self._stands_alone(question, conversation)
        ):
            rewritten = rewrite_followup(
                question,
                conversation,
                self.specificity,
                MIN_TOPIC_SPECIFICITY,
                evidence_stems=evidence,
                implicit_shift=False,
            )
        return rewritten

    def _stands_alone(self, question: str, conversation: Conversation | None) -> bool:
        """Confirm a topic shift that only the wording suggests: the question alone must find other documents
        than the previous turn cited, find them confidently (above the guideline floor), and be clearly
        farther from every passage of the cited documents than from its closest passage."""
        text = self.search_text(question)
        reference = continued_turn(conversation)
        cited = set(reference.cited_doc_ids) if reference is not None else set()
        # Searched where the cited documents are: in an index that also holds research, some study always
        # matches a question's words, which says nothing about leaving a guideline conversation's topic.
        pool = self._pool_of_docs(cited)
        found = self.index.search_bm25(text, SHIFT_CHECK_DEPTH, pool=pool)
        top_docs = {self.lookups.doc_of(r) for r, _ in found}
        if top_docs & cited:
            return False
        qvec = np.asarray(self.embedder.encode_query(text), dtype=np.float32)
        dense = self.index.search_dense(qvec, 1, pool=pool)
        if not dense or dense[0][1] < self.floors.guideline.dense:
            return False
        # Still about what was cited ("longer term, what uric acid level?" after a gout-flare answer): a
        # passage of a cited document is nearly as close to the question as the closest passage anywhere.
        vectors = self._vectors()
        if vectors is not None:
            rows = [r for doc_id in sorted(cited) for r in self.lookups.rows_of_doc(doc_id)]
            if rows and float(np.max(vectors[rows] @ qvec)) >= CITED_CLOSENESS * dense[0][1]:
                return False
        return True

    def _pool_of_docs(self, doc_ids: Iterable[str]) -> str | None:
        """The one pool all of ``doc_ids`` belong to; None (search both) when they span both or are none."""
        pools = {pool_of(meta.tier) for meta in map(self.lookups.doc, doc_ids) if meta.source != "unknown"}
        return pools.pop() if len(pools) == 1 else None

    def _previous_rows(self, conversation: Conversation | None) -> list[int]:
        """Stems of the passages the previous turn found, re-found from its stored query (one BM25 search).

        Restricted to the documents that turn cited when it cited any, so the words come from what was shown.
        """
        last = continued_turn(conversation)
        if last is None or not last.rewritten.strip():
            return []
        pool = self._pool_of_docs(last.cited_doc_ids)
        rows = self.index.search_bm25(self.search_text(last.rewritten), EVIDENCE_SEARCH_DEPTH, pool=pool)
        chunks = [self.lookups.chunk(r) for r, _ in rows]
        if last.cited_doc_ids:
            chunks = [c for c in chunks if c.doc_id in set(last.cited_doc_ids)] or chunks
        wanted = {id(c) for c in chunks}
        return [r for r, _ in rows if id(self.lookups.chunk(r)) in wanted]

    def retrieve(
        self, question: str, conversation: Conversation | None = None, filters: Filters | None = None
    ) -> RetrievalResult:
        return self.trace(question, conversation, filters).result

    def trace(
        self, question: str, conversation: Conversation | None = None, filters: Filters | None = None
    ) -> RetrievalTrace:
        """Retrieve, keeping the rewrite and the per-pool signals behind the relevance decision."""
        if not question or not question.strip():
            raise ValueError("question is empty")
        previous = self._previous_rows(conversation)  # one search, for the rewrite and the memory below
        rewritten = self.rewrite(question, conversation, previous)
        search_text = self.search_text(rewritten.query)
        qvec = np.asarray(self.embedder.encode_query(search_text), dtype=np.float32)
        # A question searched as asked (nothing carried into it) that describes a case before asking is also
        # searched by what it asks alone (retrieval/focus.py).
        searched_as_asked = not rewritten.carried_terms and self.settings.search_asking_sentences
        asking = asking_sentences(question) if searched_as_asked else None
        asking_vector = np.asarray(self.embedder.encode_query(asking), dtype=np.float32) if asking else None
        # The stored vectors, opened once per query: fusion, memory and context passages all read them.
        vectors = self._vectors()
        cosine = cosine_to(vectors, qvec)
        boosted = self._boosted_docs(rewritten, conversation)
        named = self.named_organizations(question)
        query = PoolQuery(
            search_text, qvec, cosine, filters, boosted,
            # The passages the previous turn found stay candidates of an on-topic follow-up, ranked by how
            # close they are to the new query: a facet word ("pregnant") must not push the topic's own
            # guideline out.
            memory=[] if rewritten.topic_shift else previous,
            rank_memory=vectors is not None,
            named=named,
            asking_vector=asking_vector,
            same_guideline=same_guideline_bonuses(boosted, self.lookups),
            # What a follow-up newly asks ("pregnant", "clopidogrel"), sought in the guidelines it continues.
            follow_up_terms=rewritten.new_terms if rewritten.carried_terms else (),
        )
        # Only what this turn newly asks about is checked: technical words ("RSV", "denervation"), not
        # everyday ones ("tells", "fence") nor the topic words of earlier questions (the evidence was found
        # for those). A first turn or a new topic is judged on its own question alone.
        same_topic = conversation is not None and not rewritten.topic_shift
        earlier = [t.question for t in conversation.turns] if same_topic and conversation else []
        own_terms = asked_terms(question, earlier, self.is_specific)
        # The topic's evidence was found by the previous turn only if that turn was answered from documents.
        last = continued_turn(conversation)
        continues_topic = same_topic and last is not None and not last.refused and bool(last.cited_doc_ids)
        carried_terms = rewritten.carried_terms if continues_topic else ()
        carried_stems = [(t, frozenset(stems(t))) for t in carried_terms]
        carried = [words for _, words in carried_stems if words]
        topic = [
            words for t, words in carried_stems if words and self._anchors_topic(t)
        ]
        hits: dict[str, list[Hit]] = {}
        signals: dict[str, PoolSignals] = {}
        for pool in POOLS:
            found = self.pools.search(pool, query)
            hits[pool], best_dense, judged_docs = found.hits, found.best_dense, found.judged_docs
            if pool == "research" and topic:
                hits[pool] = self.lookups.on_topic_research(hits[pool], topic)
                best_dense = max((h.dense_score or 0.0 for h in hits[pool]), default=0.0)
            # Research pools keep their dense floor on follow-ups (no conversation set tells where it sits)
            # and are judged on their own passages.
            on_topic = continues_topic and pool == "guideline"
            # Research hits were filtered to the topic just above; the guideline pool is judged on its ranking
            # made without the passages found for naming the follow-up's words.
            read = judged_docs if pool == "guideline" else [h.chunk.doc_id for h in hits[pool]]
            evidence = self.lookups.evidence_stems(read, COVERAGE_DOCS, topic, boosted.keys())
            if on_topic:
                evidence |= self.lookups.guideline_stems(boosted.keys())
            share, missing = coverage_of_stems(own_terms, evidence, self.term_stats())
            # A follow-up adds a word or two, each of them what it asks about: it is covered only when the
            # evidence names them all ("LMWH before an epidural" is not answered by LMWH passages that never
            # mention an epidural). A first question names a whole case, which evidence can answer without
            # repeating every word of it: the share counts.
            cov = (0.0 if missing else 1.0) if continues_topic else share
            signals[pool] = PoolSignals(best_dense, cov, missing, continues_topic=on_topic)
        relevant = {
            pool: bool(hits[pool]) and signals[pool].passes(self.floors.for_pool(pool)) for pool in POOLS
        }
        look = self.lookups
        context: list[Hit] = []
        if relevant["guideline"]:
            context = context_passages(hits["guideline"], look.rows_of_doc, look.chunk, cosine)
            context += sibling_passages(
                hits["guideline"], look.siblings_of, look.rows_of_doc, look.chunk, look.doc, cosine
            )
        research_context = (
            findings_passages(hits["research"], look.rows_of_doc, look.chunk, cosine)
            if relevant["research"]
            else []
        )
        # Any carried word will do here (not only the most specific ones, as for the evidence check): a
        # depression-screening statement is on a depression conversation's topic without naming the PHQ-9.
        off_topic = look.off_topic_docs(hits["guideline"] + context, carried, boosted.keys())
        result = RetrievalResult(
            query=rewritten.query,
            guideline_hits=hits["guideline"],
            guideline_context=context,
            research_context=research_context,
            research_hits=hits["research"],
            guideline_relevant=relevant["guideline"],
            research_relevant=relevant["research"],
            facet=detect_facet(question),
            refusal_reason=None if any(relevant.values()) else self._refusal_reason(hits, signals),
            named_organizations=named,
            continued_doc_ids=frozenset(boosted),
            off_topic_doc_ids=off_topic,
        )
        return RetrievalTrace(result, rewritten, signals)

    # -- internals -------------------------------------------------------------------------------------------
    def _boosted_docs(self, rewritten: RewrittenQuery, conversation: Conversation | None) -> dict[str, float]:
        """The documents the previous turn cited, with their score bonus (none on a new topic)."""
        last = continued_turn(conversation)
        if last is None or rewritten.topic_shift:
            return {}
        share = REFERS_BACK_BOOST if rewritten.refers_back else CONTINUATION_BOOST
        return {doc_id: share for doc_id in last.cited_doc_ids}

    def _vectors(self) -> np.ndarray | None:
        vectors = getattr(self.index, "vectors", None)
        return vectors() if callable(vectors) else vectors

    @staticmethod
    def _refusal_reason(hits: dict[str, list[Hit]], signals: dict[str, PoolSignals]) -> str:
        if not any(hits.values()):
            return "The index holds no passage matching this question."
        missing = sorted({t for s in signals.values() for t in s.missing_terms[:3]})
        if missing and all(s.missing_terms for s in signals.values() if s.best_dense > 0):
            return "No indexed guideline or research passage addresses: " + ", ".join(missing) + "."
        return "No indexed guideline or research passage is close enough to this question."


def continued_turn(conversation: Conversation | None) -> Turn | None:
    """The turn a follow-up continues from: the last one, unless that was a follow-up the index could not
    answer; then the answered turn before it. "Do I hold her metformin around the scan?" refused in a
    contrast-nephropathy conversation must not make "when should I recheck her creatinine?" lose the
    documents the conversation was answered from."""
    for turn in reversed(conversation.turns if conversation is not None else []):
        if not (turn.refused and is_follow_up_query(turn.rewritten)):
            return turn
    return None
