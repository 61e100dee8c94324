"""The Retriever: rewrite the question, search both evidence pools, fuse, cap, and decide relevance."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
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
from retrieval.coverage import TermStats, asked_terms, coverage_of_stems, rank_by_terms
from retrieval.facets import detect_facet
from retrieval.floors import Floors, PoolFloor, effective_floors, passes_floor
from retrieval.focus import asking_sentences
from retrieval.followup import RewrittenQuery, announces_new_topic, is_follow_up_query, rewrite_followup
from retrieval.fusion import Filters, cap_per_doc, keep_room_for_others, rank_fused, rrf_fuse, weighted_fuse
from retrieval.lookups import IndexLookups, SearchIndex
from retrieval.vocabulary import content_words, expand_query, is_technical, respellings, stem, stems

POOLS: tuple[str, str] = ("guideline", "research")
# Shorter words are not respelt: "four" is not "for", nor "hour" "hor".
MIN_RESPELT_LENGTH = 5
# Words at least this specific (IDF over the indexed chunks, scaled to [0, 1]) name a topic; commoner words
# carried over would only add noise. 0.3 keeps words found in under about N**0.7 of N chunks.
MIN_TOPIC_SPECIFICITY = 0.3
# Score bonus, as a share of the pool's best fused score, for documents cited in the previous turn.
REFERS_BACK_BOOST = 0.5  # the follow-up points at them ("is that a strong recommendation?")
CONTINUATION_BOOST = 0.1  # same topic, so the same documents are likely still relevant
# ... for every section of the guidelines cited in the previous turn, those cited included. Follow-up hit@5 on
# the dev conversations: 0.919 without, 0.929 at 0.03, 0.949 at every value from 0.06 to 0.2.
SAME_GUIDELINE_BOOST = 0.1
# ... for documents of an organization the question names ("what does the USPSTF say?"), which then replaces
# the boosts above. 0.2 left a follow-up's named organization below the documents the conversation had
# cited, which the remembered passages also lift: "how does the USPSTF position compare?" was refused for want
# of a USPSTF document among the top three.
NAMED_ORGANIZATION_BOOST = 0.5
# How many passages of the conversation's guidelines that name a follow-up's own words are fused (one more
# ranked list). Follow-up hit@5 on the dev conversations: 0.949 without, 0.960 at 10, 20 and 50.
NAMING_DEPTH = 20
# Slots of a pool's hits kept for documents the conversation has not cited (when any match).
ROOM_FOR_NEW_DOCUMENTS = 2
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
        same_guideline = self._guideline_docs(boosted)
        # What a follow-up newly asks ("pregnant", "clopidogrel"), looked for in the guidelines it continues.
        follow_up_terms = rewritten.new_terms if rewritten.carried_terms else ()
        # The passages the previous turn found stay candidates of an on-topic follow-up, ranked by how close
        # they are to the new query: a facet word ("pregnant") must not push the topic's own guideline out.
        memory = [] if rewritten.topic_shift else previous
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
            hits[pool], best_dense, judged_docs = self._search_pool(
                pool, search_text, qvec, cosine, filters, boosted, memory, rank_memory=vectors is not None,
                named=named, asking_vector=asking_vector, same_guideline=same_guideline,
                follow_up_terms=follow_up_terms,
            )
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
        last = continued_turn(conversation)
        if last is None or rewritten.topic_shift:
            return {}
        share = REFERS_BACK_BOOST if rewritten.refers_back else CONTINUATION_BOOST
        return {doc_id: share for doc_id in last.cited_doc_ids}

    def _guideline_docs(self, boosted: dict[str, float]) -> dict[str, float]:
        """Score bonus for every section of the guidelines the previous turn cited (the cited sections too, on
        top of their own boost): a follow-up on the same topic often asks about another part of the same
        guideline ("would a calcium score help?" after the statin recommendation is answered in the
        guideline's risk-assessment section)."""
        guidelines = [d for d in boosted if pool_of(self.lookups.doc(d).tier) == "guideline"]
        sections = {other for doc_id in guidelines for other in (doc_id, *self.lookups.siblings_of(doc_id))}
        return dict.fromkeys(sections, SAME_GUIDELINE_BOOST)

    def _search_pool(
        self,
        pool: str,
        query: str,
        qvec: np.ndarray,
        cosine: Callable[[int], float],
        filters: Filters | None,
        boosted: dict[str, float],
        memory: list[int] | None = None,
        rank_memory: bool = True,
        named: frozenset[str] = frozenset(),
        asking_vector: np.ndarray | None = None,
        same_guideline: dict[str, float] | None = None,
        follow_up_terms: Sequence[str] = (),
    ) -> tuple[list[Hit], float, list[str]]:
        """The pool's hits, its best dense cosine, and its documents in the order the relevance check reads
        them."""
        s = self.settings
        # Filters drop candidates after search, so ask for more when filtering.
        depth = s.candidates * (4 if filters is not None and not filters.empty else 1)
        dense = self.index.search_dense(qvec, depth, pool=pool)
        lexical = self.index.search_bm25(query, depth, pool=pool)
        if filters is not None and not filters.empty:
            dense = [(r, v) for r, v in dense if self._accepts(filters, r)]
            lexical = [(r, v) for r, v in lexical if self._accepts(filters, r)]
        dense, lexical = dense[: s.candidates], lexical[: s.candidates]
        remembered = self._rank_memory(memory or [], pool, cosine if rank_memory else None, filters)
        asked: list[tuple[int, float]] = []
        if asking_vector is not None:
            asked = self.index.search_dense(asking_vector, depth, pool=pool)
            if filters is not None and not filters.empty:
                asked = [(r, v) for r, v in asked if self._accepts(filters, r)]
            asked = asked[: s.candidates]
        naming = self._passages_naming(follow_up_terms, same_guideline or {}, pool, filters)
        bonus = self._bonuses(boosted, same_guideline or {}, named)
        ranked = self._rank([dense, lexical, remembered, asked, naming], bonus, boosted.keys())
        # The relevance check asks whether the evidence names what the follow-up newly asks; the passages
        # found for naming it would answer that by construction, so it reads the ranking made without them.
        judged = self._rank([dense, lexical, remembered, asked], bonus, boosted.keys()) if naming else ranked
        dense_of, bm25_of = dict(dense), dict(lexical)
        hits = [
            Hit(
                chunk=self.lookups.chunk(row),
                doc=self.lookups.doc(self.lookups.chunk(row).doc_id),
                score=score,
                pool=pool,
                bm25_score=bm25_of.get(row),
                dense_score=dense_of[row] if row in dense_of else cosine(row),
            )
            for row, score in ranked
        ]
        judged_docs = list(dict.fromkeys(self.lookups.doc_of(row) for row, _ in judged))
        return hits, (dense[0][1] if dense else 0.0), judged_docs

    def _bonuses(
        self, boosted: dict[str, float], same_guideline: dict[str, float], named: frozenset[str]
    ) -> Callable[[str], float]:
        """A document's score bonus, as a share of the pool's best fused score."""

        def bonus(doc_id: str) -> float:
            if named:
                # A question that names an organization turns to it: what the conversation cited from others
                # is no longer preferred ("how does the USPSTF position compare?").
                return NAMED_ORGANIZATION_BOOST if self.lookups.doc(doc_id).organization in named else 0.0
            return boosted.get(doc_id, 0.0) + same_guideline.get(doc_id, 0.0)

        return bonus

    def _rank(
        self, lists: list[list[tuple[int, float]]], bonus: Callable[[str], float], cited: Iterable[str]
    ) -> list[tuple[int, float]]:
        """Fuse ``lists``, add each document's bonus, cap passages per document and keep room for documents
        the conversation has not ``cited``: the first ``k_per_pool`` (row, score)."""
        s = self.settings
        if s.fusion == "rrf":
            fused = rrf_fuse(lists, s.rrf_k)
        elif s.fusion == "weighted":
            fused = weighted_fuse(lists[0], lists[1], s.dense_weight)
        else:
            raise ValueError(f"retrieval.fusion must be 'rrf' or 'weighted', got {s.fusion!r}")
        if fused:
            top = max(fused.values())
            for row in fused:
                fused[row] += top * bonus(self.lookups.doc_of(row))
        doc_of = self.lookups.doc_of
        # Without boosted documents this is the plain cut to the first k_per_pool.
        capped = cap_per_doc(rank_fused(fused), doc_of, s.per_doc_cap, len(fused))
        return keep_room_for_others(capped, doc_of, cited, ROOM_FOR_NEW_DOCUMENTS, s.k_per_pool)

    def _passages_naming(
        self, terms: Sequence[str], doc_ids: Iterable[str], pool: str, filters: Filters | None
    ) -> list[tuple[int, float]]:
        """This pool's passages of ``doc_ids`` that name ``terms``, the more specific words first: a follow-up
        usually stays in the guideline the conversation is in, and the passage that names what it newly asks
        ("she's 10 weeks pregnant") is in a section the conversation has not cited yet, which neither the
        carried topic words nor the previous turn's passages point at."""
        if not terms:
            return []
        rows = [r for d in doc_ids for r in self.lookups.rows_of_doc(d)]
        rows = [r for r in rows if pool_of(self.lookups.chunk(r).tier) == pool]
        if filters is not None and not filters.empty:
            rows = [r for r in rows if self._accepts(filters, r)]
        return rank_by_terms(rows, terms, self.lookups.row_stems, self.term_stats(), NAMING_DEPTH)

    def _accepts(self, filters: Filters, row: int) -> bool:
        return filters.accepts(self.lookups.doc(self.lookups.doc_of(row)))

    def _vectors(self) -> np.ndarray | None:
        vectors = getattr(self.index, "vectors", None)
        return vectors() if callable(vectors) else vectors

    def _rank_memory(
        self, rows: list[int], pool: str, cosine: Callable[[int], float] | None, filters: Filters | None
    ) -> list[tuple[int, float]]:
        """This pool's passages of the previous turn, closest to the query first (no vectors: as found)."""
        rows = [r for r in rows if pool_of(self.lookups.chunk(r).tier) == pool]
        if filters is not None and not filters.empty:
            rows = [r for r in rows if self._accepts(filters, r)]
        if not rows or cosine is None:
            return [(r, 0.0) for r in rows]
        scored = [(r, cosine(r)) for r in rows]
        return sorted(scored, key=lambda x: (-x[1], x[0]))

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
