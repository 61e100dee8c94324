"""Scoring and picking candidate sentences: relevant, in the right role, not redundant, within budget.

Lexical overlap with the (rewritten) query ranks every candidate; only the best few are
embedded, so the one model call stays small. Near-duplicates from other passages merge into
the picked statement as extra citations instead of repeating it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from answer.candidates import Candidate
from answer.facets import facet_of, heading_facet, result_cue
from answer.recommendation_cues import has_strength
from answer.selection_model import SelectionModel, feature_matrix
from answer.text import near_duplicate_tokens, overlap, token_set, word_count
from answer.topic import QueryTopic, TermWeight, lexical_share, local_idf, query_topic, query_weights

Embed = Callable[[list[str]], np.ndarray]

# How many top lexical candidates per pool are embedded (the rest keep their lexical score).
EMBED_TOP = 12
# Two statements sharing this much of the smaller one's content are redundant.
REDUNDANT = 0.6
# Grading labels ("(Class I, Level of Evidence C-EO)", "(Strong recommendation, Moderate quality)") say
# nothing about what is recommended: two short recommendations sharing them do not say the same thing.
GRADING_TOKENS: frozenset[str] = token_set(
    "class conditional evidence grade II IIa IIb III level LOE moderate NR quality recommendation strong "
    "ungraded weak B C R LD EO"
)
# A statement must reach this share of the best score in its pool to be shown at all.
RELATIVE_FLOOR = 0.55
# Score parts (set by reasoning about what makes a good statement, not fitted to evaluation turns):
# the question's topic terms in the sentence, weighted by how specific they are, matter most;
# every query word (facet words included) a little; a heading above the sentence that names the
# topic says the sentence is about it even when it uses a pronoun; the passage's retrieval rank.
TOPIC_WEIGHT = 0.40
LEXICAL_WEIGHT = 0.20
HEADING_WEIGHT = 0.10
RANK_WEIGHT = 0.15
# Recommendations are what a guideline section is for, graded ones most; a finding over background
# weighs less than the facet asked about, so a mechanism question still gets mechanism sentences.
GUIDELINE_ROLE_WEIGHT = 0.2
GRADED_BONUS = 0.1
RESEARCH_ROLE_WEIGHT = 0.1
# A sentence on the facet the question asks about (mechanism, dosing ...) is worth this much more.
FACET_BONUS = 0.15
# A sentence (with its headings and title) must express at least this share of the question's topic
# that the best-matching retrieved sentence expresses (and some of it in any case): "Mechanism: binds
# IL-5" shares nothing of "knee stem cell injections"; "screen for kidney injury" little of "colchicine
# in CKD" beside "colchicine dose adjustment may be needed in CKD". Relative, because a follow-up's
# rewritten query carries words no passage uses.
TOPIC_GATE = 0.15
# Research findings rank by the evidence hierarchy too: a review's pooled result over a narrative remark.
TIER_WEIGHT = 0.1
EVIDENCE_LEVEL = {
    "systematic_review": 1.0, "randomized_trial": 0.75, "observational": 0.4, "narrative_review": 0.3,
}
LONG_SENTENCE_WORDS = 50
LONG_SENTENCE_PENALTY = 0.05


@dataclass
class Scored:
    candidate: Candidate
    score: float
    facet: str
    merged: list[Candidate] = field(default_factory=list)  # near-duplicates from other passages
    # The document's title names some of the question's topic (None: not judged).
    document_on_topic: bool | None = None

    @property
    def all_candidates(self) -> list[Candidate]:
        return [self.candidate, *self.merged]


def _role(cand: Candidate, facet: str) -> float:
    """Guidelines: recommendations (as ingest parsed them) first, graded ones most.
    Research: results and conclusions over background."""
    if cand.is_guideline:
        if cand.recommendation is None:
            return 0.0
        graded = has_strength(cand.text, cand.recommendation)
        return (GUIDELINE_ROLE_WEIGHT + (GRADED_BONUS if graded else 0.0)) / GUIDELINE_ROLE_WEIGHT
    cue = result_cue(cand.text, cand.label, cand.heading)
    # How something works is described, not "found": for mechanism only background counts (against).
    return min(cue, 0.0) if facet == "mechanism" else cue


def _facet(cand: Candidate) -> str:
    """A research sentence's facet: the one its section heading announces, else its own cue words."""
    if not cand.is_guideline:
        from_heading = heading_facet(cand.heading)
        if from_heading is not None:
            return from_heading
    return facet_of(cand.text)


def _topic_coverage(topic: QueryTopic, cand: Candidate) -> float:
    """How much of the question's topic the sentence, its headings and its document title express."""
    return topic.coverage(cand.tokens | cand.context_tokens)


@dataclass
class Running:
    """The candidates worth scoring, with what deciding that computed and scoring reuses."""

    kept: list[Candidate]
    idf: dict[str, float]  # over all candidates
    facets: dict[int, str]  # id(candidate) -> facet, for the candidates that passed the topic gate
    topic: QueryTopic


def in_the_running(
    query: str,
    candidates: list[Candidate],
    term_weight: TermWeight | None = None,
    on_topic_docs: frozenset[str] = frozenset(),
) -> Running:
    """The candidates worth scoring (on topic; for research, a finding). Shared by scoring and by fitting
    the selection model.

    Guideline sentences of ``on_topic_docs`` (the documents a same-topic follow-up continues from) skip the
    topic gate: a pronoun follow-up ("how often should we reassess her while she's off it?") may share no
    word with the sentence that answers it ("... drug holiday ... reassessed at 2- to 4-year intervals"),
    and the conversation has already established what those documents are about.
    """
    idf = local_idf([c.tokens for c in candidates])
    topic = query_topic(query, idf, term_weight)
    covered = [_topic_coverage(topic, c) for c in candidates]
    gate = TOPIC_GATE * max(covered, default=0.0)
    facets: dict[int, str] = {}  # only for the on-topic ones: the cue patterns cost more than the gate
    kept: list[Candidate] = []
    for cand, coverage in zip(candidates, covered, strict=True):
        exempt = cand.is_guideline and cand.doc.doc_id in on_topic_docs
        if topic.concepts and (coverage <= 0.0 or coverage < gate) and not exempt:
            continue  # shares only generic or facet words with the question, or far less than others do
        facets[id(cand)] = _facet(cand)
        if not cand.is_guideline and _role(cand, facets[id(cand)]) < 0:
            continue  # a study's aim, methods or background is not a finding to show
        kept.append(cand)
    return Running(kept, idf, facets, topic)


def score_candidates(
    query: str,
    candidates: list[Candidate],
    wanted_facet: str | None,
    term_weight: TermWeight | None = None,
    model: SelectionModel | None = None,
    on_topic_docs: frozenset[str] = frozenset(),
) -> list[Scored]:
    """Scores for the on-topic candidates, best first (deterministic ties); off-topic ones are dropped.

    ``term_weight`` gives index-wide specificity of a word; without it, IDF over these sentences.
    ``model`` (fitted on guideline sentences) replaces the hand-set weights when given; ``on_topic_docs``
    as for ``in_the_running``.
    """
    if not candidates:
        return []
    running = in_the_running(query, candidates, term_weight, on_topic_docs)
    kept, idf, facets, topic = running.kept, running.idf, running.facets, running.topic
    weights = query_weights(query)
    # Fused retrieval scores relative to the pool's best: near-equal passages weigh near-equally.
    top_hit = max((c.hit_score for c in candidates), default=0.0) or 1.0
    if model is not None and kept:
        # Features only for the sentences still in the running: they cost most of the composing time.
        features = feature_matrix(query, kept, wanted_facet, idf, facets, term_weight, topic=topic)
        learned = model.probabilities(features)
        # A document the conversation continues from is on its topic, whatever its title says ("Flare
        # management" for "does he need anti-inflammatory cover when we start allopurinol?").
        on_topic: dict[str, bool] = {}
        for c in kept:
            if c.doc.doc_id not in on_topic:
                named = topic.coverage(token_set(c.doc.title)) > 0
                on_topic[c.doc.doc_id] = named or c.doc.doc_id in on_topic_docs
        scored = [
            Scored(c, float(p), facets[id(c)], document_on_topic=on_topic[c.doc.doc_id])
            for c, p in zip(kept, learned, strict=True)
        ]
        scored.sort(key=_order_key)
        return scored
    scored = []
    for cand in kept:
        facet = facets[id(cand)]
        role = _role(cand, facet)
        score = (
            TOPIC_WEIGHT * topic.coverage(cand.tokens)
            + LEXICAL_WEIGHT * lexical_share(weights, cand, idf)
            + HEADING_WEIGHT * topic.coverage(token_set(cand.heading))
            + RANK_WEIGHT * cand.hit_score / top_hit
            + (GUIDELINE_ROLE_WEIGHT if cand.is_guideline else RESEARCH_ROLE_WEIGHT) * role
            + (0.0 if cand.is_guideline else TIER_WEIGHT * EVIDENCE_LEVEL.get(cand.doc.tier, 0.0))
            + (FACET_BONUS if wanted_facet is not None and facet == wanted_facet else 0.0)
            - (LONG_SENTENCE_PENALTY if word_count(cand.text) > LONG_SENTENCE_WORDS else 0.0)
        )
        scored.append(Scored(cand, score, facet))
    scored.sort(key=_order_key)
    return scored


def add_embedding_scores(query: str, pools: list[list[Scored]], embed: Embed) -> None:
    """Re-rank the top of each pool by embedding similarity, with one model call for all pools."""
    tops = [pool[:EMBED_TOP] for pool in pools]
    texts = [item.candidate.text for top in tops for item in top]
    if not texts:
        return
    vectors = np.asarray(embed([query, *texts]), dtype=np.float32)
    similarity = vectors[1:] @ vectors[0]
    position = 0
    for pool, top in zip(pools, tops, strict=True):
        for item in top:
            item.score += 0.45 * float(similarity[position])
            position += 1
        # Only the embedded ones can rise; those below keep their order beneath them.
        pool[: len(top)] = sorted(top, key=_order_key)


def _order_key(item: Scored) -> tuple:
    c = item.candidate
    return (-round(item.score, 9), c.hit_rank, c.start, c.chunk.chunk_id)


def pick(
    scored: list[Scored],
    max_statements: int,
    max_words: int,
    max_per_passage: int = 2,
    query_tokens: frozenset[str] = frozenset(),
    max_per_document: int | None = None,
    same_documents_after: int | None = None,
    document_caps: Mapping[str, int] | None = None,
) -> list[Scored]:
    """Greedy pick in the given order: merge near-duplicates, skip redundant ones, respect the budgets.

    Past ``same_documents_after`` statements, a statement from a document not yet picked is added only when
    that document's title names some of the question's topic. ``document_caps`` overrides
    ``max_per_document`` for the documents it names.
    """
    if not scored:
        return []
    floor = max(item.score for item in scored) * RELATIVE_FLOOR
    picked: list[Scored] = []
    words = 0
    per_passage: Counter[str] = Counter()
    per_document: Counter[str] = Counter()
    # Redundancy is judged on what a sentence adds beyond the question's own words (two findings about the
    # asked treatment share those words without repeating each other) and beyond grading labels.
    ignored = query_tokens | GRADING_TOKENS
    caps = document_caps or {}
    for item in scored:
        cand = item.candidate
        if item.score < floor or any(_shown_within(cand, p.candidate) for p in picked):
            continue
        same = (p for p in picked if near_duplicate_tokens(p.candidate.tokens, cand.tokens))
        duplicate_of = next(same, None)
        if duplicate_of is not None:
            if cand.doc.doc_id not in {c.doc.doc_id for c in duplicate_of.all_candidates}:
                duplicate_of.merged.append(cand)
            continue
        if any(_redundant(p.candidate, cand, ignored) for p in picked):
            continue
        if len(picked) >= max_statements or per_passage[cand.chunk.chunk_id] >= max_per_passage:
            continue
        cap = caps.get(cand.doc.doc_id, max_per_document)
        if cap is not None and per_document[cand.doc.doc_id] >= cap:
            continue
        if same_documents_after is not None and len(picked) >= same_documents_after:
            if per_document[cand.doc.doc_id] == 0 and item.document_on_topic is False:
                continue
        cost = word_count(cand.shown_text)
        if picked and words + cost > max_words:
            continue
        picked.append(item)
        words += cost
        per_passage[cand.chunk.chunk_id] += 1
        per_document[cand.doc.doc_id] += 1
    return picked


def _shown_within(cand: Candidate, shown: Candidate) -> bool:
    """Whether ``cand`` is an item of the list a picked lead-in already shows."""
    return (
        shown.shown_end is not None
        and cand.doc.doc_id == shown.doc.doc_id
        and shown.end <= cand.start
        and cand.end <= shown.shown_end
    )


def _redundant(shown: Candidate, cand: Candidate, ignored: frozenset[str]) -> bool:
    """Whether ``cand`` adds too little beyond the ``shown`` statement to be shown too.

    Two kinds of line are never redundant, however many words they share: a recommendation for something
    and one against it ("Do NOT routinely obtain sputum culture in outpatients" beside "Obtain sputum culture
    in adults who ..."), and a recommendation after a line that is none (a summary bullet or a list of
    criteria shown first must not keep the recommendation itself, with its strength, off the page).
    """
    if overlap(shown.tokens - ignored, cand.tokens - ignored) < REDUNDANT:
        return False
    if cand.recommendation is None:
        return True
    if shown.recommendation is None:
        return False
    return shown.recommendation.direction == cand.recommendation.direction


def facets_first(scored: list[Scored], wanted_facet: str | None) -> list[Scored]:
    """Research in picking order: the best sentence on the asked facet, then the best on each other
    facet, then the rest by score; so one strong passage cannot crowd the asked facet off the page."""
    leaders: dict[str, Scored] = {}
    for item in scored:
        leaders.setdefault(item.facet, item)
    order = [wanted_facet] if wanted_facet in leaders else []
    order += [f for f in leaders if f != wanted_facet and f != "other"]
    first = [leaders[f] for f in order]
    chosen = {id(item) for item in first}
    return first + [item for item in scored if id(item) not in chosen]
