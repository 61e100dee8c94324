"""Composing an Answer from retrieved passages: guideline-first, extractive, cited, deterministic.

Rules this module enforces:
- nothing passes the relevance floor -> a refusal naming up to three possibly related documents;
- the guideline section holds guideline-tier passages only, and comes first whenever any passes;
- research statements are grouped by facet in clinical order;
- the bottom line is the guideline stance, the line that best answers the question (when that is another
  line of the same organization), then the top research statement, each with a lead;
- a guideline against something that research reports benefit for (or the reverse) gets an evidence note.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from answer.candidates import candidates_from_hits
from answer.conflicts import find_conflict
from answer.facets import page_facet
from answer.leads import guideline_lead, research_lead
from answer.references import number_references, statement_of
from answer.select import Scored, add_embedding_scores, facets_first, pick, score_candidates
from answer.selection_model import load_model
from answer.text import token_set, word_count
from answer.topic import TermWeight
from curbside.settings import AnswerSettings
from curbside.types import FACET_ORDER, Answer, Chunk, DocMeta, Hit, ResearchFacet, RetrievalResult

DISCLAIMER = (
    "For healthcare professionals. Every statement is quoted from the cited passage; verify against the full "
    "source and use clinical judgment. Not a substitute for professional decision-making."
)
REFUSAL = "The indexed corpus has no evidence that answers this question."
# Share of the word budget the guideline section may use when research is shown too.
GUIDELINE_SHARE = 0.55
# At most this many guideline statements from one document: the page then shows the best line of the next
# document too, instead of a fourth line of the first.
GUIDELINE_STATEMENTS_PER_DOCUMENT = 3
# A follow-up drills into the guideline the conversation is on: its documents may give one line more.
CONTINUED_STATEMENTS_PER_DOCUMENT = 4
# The first statements may come from any retrieved guideline; a further one comes from a document already
# shown or from one whose title names the question's topic ("Mechanism: binds IL-5" from an asthma-biologics
# guideline has no place in a knee answer, however well the sentence alone scores).
NEW_DOCUMENTS_UNTIL = 4
# A second organization's recommendation joins the bottom line only when it scores nearly as well.
SECOND_GUIDELINE_SHARE = 0.85


def embedding_rerank_enabled(settings: AnswerSettings) -> bool:
    """Whether to spend a model call re-ranking sentences (``embed_rerank`` on the settings, off by default).

    Off by default: on the follow-up dev set it changed which sentence was cited in about one turn
    in seventy, while the extra model call costs about as much as the whole retrieval step.
    """
    return bool(getattr(settings, "embed_rerank", False))


def _guideline_hits(result: RetrievalResult) -> list[Hit]:
    """The guideline hits, then the other passages of their top documents (ranked after every hit)."""
    if not result.guideline_relevant:
        return []
    return [
        h
        for h in result.guideline_hits + result.guideline_context
        if h.doc.tier == "guideline" and h.doc.doc_id not in result.off_topic_doc_ids
    ]


def _research_hits(result: RetrievalResult) -> list[Hit]:
    """The research hits, then the findings passages of their top documents (ranked after every hit)."""
    if not result.research_relevant:
        return []
    # Guideline-tier text never appears as research, whatever pool it arrived in.
    return [h for h in result.research_hits + result.research_context if h.doc.tier != "guideline"]


def _possibly_related(result: RetrievalResult, limit: int) -> list[DocMeta]:
    hits = sorted(
        result.guideline_hits + result.research_hits, key=lambda h: (-h.score, h.doc.doc_id, h.chunk.chunk_id)
    )
    seen: dict[str, DocMeta] = {}
    for hit in hits:
        seen.setdefault(hit.doc.doc_id, hit.doc)
        if len(seen) == limit:
            break
    return list(seen.values())


def refuse(question: str, result: RetrievalResult, settings: AnswerSettings) -> Answer:
    return Answer(
        question=question,
        interpreted_as=result.query,
        refused=True,
        possibly_related=_possibly_related(result, settings.max_possibly_related),
        refusal_message=REFUSAL,
        disclaimer=DISCLAIMER,
    )


def _research_by_facet(picked: list[Scored]) -> list[ResearchFacet]:
    groups: dict[str, list[Scored]] = {}
    for item in picked:
        groups.setdefault(item.facet if item.facet in FACET_ORDER else "other", []).append(item)
    return [ResearchFacet(f, [statement_of(i) for i in groups[f]]) for f in FACET_ORDER if f in groups]


def _bottom_line(guidelines: list[Scored], research: list[Scored]) -> list[Scored]:
    """The guideline stance (the best picked statement that is a recommendation, else the best one); then
    the statement that best answers the question when that is another line of the same organization (the
    dosing rule under the headline recommendation: "full-dose apixaban or the reduced dose?"), else a second
    organization's recommendation if it scores nearly as well; then the best-scored research finding."""
    stances = [g for g in guidelines if g.candidate.recommendation is not None] or guidelines
    lines: list[Scored] = stances[:1]
    if stances:
        stance = stances[0]
        organization = stance.candidate.doc.organization
        # The first of equal scores, so the choice is deterministic.
        answering = max(guidelines, key=lambda g: g.score)
        if (
            answering is not stance
            and answering.score > stance.score
            and answering.candidate.doc.organization == organization
        ):
            lines.append(answering)
        else:
            close = stance.score * SECOND_GUIDELINE_SHARE
            others = [g for g in stances[1:] if g.candidate.doc.organization != organization]
            lines += [g for g in others if g.score >= close][:1]
    if research:
        # The best-scored finding (the score already favours the facet asked about), not the first in picking
        # order, which goes facet by facet.
        lines.append(max(research, key=lambda r: r.score))
    return lines[:3]


def compose(
    question: str,
    result: RetrievalResult,
    settings: AnswerSettings,
    embed: Callable[[list[str]], np.ndarray] | None = None,
    term_weight: TermWeight | None = None,
) -> Answer:
    """The answer to ``question`` from ``result``.

    ``embed`` (L2-normalised rows) refines the ranking when the settings ask for it; ``term_weight``
    (a word's specificity over the whole index, e.g. ``Retriever.specificity``) weighs the question's
    topic terms, falling back to IDF over the retrieved sentences.
    """
    if not result.relevant:
        return refuse(question, result, settings)
    query = result.query or question
    wanted_facet = page_facet(result.facet)
    guideline_candidates = candidates_from_hits(_guideline_hits(result))
    research_candidates = candidates_from_hits(_research_hits(result))
    guideline_scored = score_candidates(
        query, guideline_candidates, wanted_facet, term_weight, load_model(), result.continued_doc_ids
    )
    if result.named_organizations:
        # The question asks what a named body says: its statements lead, in score order (a stable sort).
        guideline_scored.sort(key=lambda s: s.candidate.doc.organization not in result.named_organizations)
    research_scored = score_candidates(query, research_candidates, wanted_facet, term_weight)
    if embed is not None and embedding_rerank_enabled(settings):
        add_embedding_scores(query, [guideline_scored, research_scored], embed)

    guideline_budget = settings.max_words
    if research_scored:
        guideline_budget = int(settings.max_words * GUIDELINE_SHARE) if guideline_scored else 0
    asked = token_set(query)
    guidelines = pick(
        guideline_scored,
        settings.max_guideline_statements,
        guideline_budget,
        query_tokens=asked,
        max_per_document=GUIDELINE_STATEMENTS_PER_DOCUMENT,
        same_documents_after=NEW_DOCUMENTS_UNTIL,
        document_caps=dict.fromkeys(result.continued_doc_ids, CONTINUED_STATEMENTS_PER_DOCUMENT),
    )
    # The section reads as recommendations first (in score order), then the supporting detail lines.
    guidelines.sort(key=lambda g: g.candidate.recommendation is None)
    used = sum(word_count(g.candidate.shown_text) for g in guidelines)
    research_order = facets_first(research_scored, wanted_facet)
    research = pick(
        research_order, settings.max_research_statements, settings.max_words - used, query_tokens=asked
    )
    if not guidelines and not research:
        return refuse(question, result, settings)

    answer = Answer(question=question, interpreted_as=query, refused=False, disclaimer=DISCLAIMER)
    for item in _bottom_line(guidelines, research):
        doc = item.candidate.doc
        lead = (
            guideline_lead(doc, item.candidate.recommendation)
            if item.candidate.is_guideline
            else research_lead(doc, with_guidelines=bool(guidelines))
        )
        answer.bottom_line.append(statement_of(item, lead))
    answer.guidelines = [statement_of(g) for g in guidelines]
    answer.research = _research_by_facet(research)
    conflict = find_conflict(guidelines, research)
    if conflict is not None:
        first, second = conflict
        second_lead = "Another guideline says:" if second.candidate.is_guideline else "Research reports:"
        answer.evidence_note = [
            statement_of(first, "The sources point in different directions. The guideline says:"),
            statement_of(second, second_lead),
        ]
    passages: dict[str, tuple[Chunk, DocMeta]] = {
        c.chunk.chunk_id: (c.chunk, c.doc) for item in guidelines + research for c in item.all_candidates
    }
    number_references(answer, passages)
    return answer
