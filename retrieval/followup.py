"""Rewrite a follow-up question into a standalone query, without a language model.

The topic (condition, drug, population) is carried over from the earlier turns of the current topic segment,
the new facet or constraint comes from the follow-up itself, and a new unrelated question starts a fresh
segment instead of inheriting the old topic. The history is re-analysed from the questions each time; the one
thing taken from how earlier turns were served is whether each was treated as a follow-up.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from curbside.types import Conversation
from retrieval.vocabulary import content_words, drug_classes, expansions, stem

# How many topic terms a follow-up inherits: enough to name the condition and drug, few enough not to drown
# the
# follow-up's own words (the failure of pasting the whole history into the query).
MAX_CARRIED_TERMS = 8

# Words that tie a question to what came before: pronouns, demonstratives, ellipsis openers.
_ANAPHORA = re.compile(
    r"\b(he|she|him|her|his|hers|they|them|their|it|its|this|that|these|those|same|such|also|too|instead|"
    r"still|either|otherwise|afterwards|wife|husband|mother|father|brother|sister|daughter|son|niece|nephew|friend)\b"
    r"|^\s*(and|or|but|so|then|what about|how about|what if|if|once|ok|okay)\b",
    re.IGNORECASE,
)
# Explicit announcements that a new, unrelated question follows.
_EXPLICIT_SHIFT = re.compile(
    r"\b(new patient|different (patient|question|topic|case)|unrelated|another (patient|question|case)|"
    r"switching (topics?|gears)|change of topic|on another note|separate question|new question)\b",
    re.IGNORECASE,
)
# Phrases that point back at evidence already shown ("is that a strong recommendation?").
_REFERS_BACK = re.compile(
    r"\b(that|this|these|those|the same) (recommendation|guideline|advice|statement|evidence|study|"
    r"studies|trial|guidance|grade|rating|source|one)s?\b|\b(you (mentioned|said|cited|quoted)|"
    r"the above|said earlier|is that|is this|was that|are those|same logic|same thing)\b",
    re.IGNORECASE,
)
# A question this long that shares no topic word and does not point back reads as a new, self-contained
# question.
_MIN_STANDALONE_WORDS = 5

Specificity = Callable[[str], float]

# Opens the carried topic words in a rewritten query: "what dose? (context: gout, colchicine)".
_CONTEXT_MARK = "(context:"


def is_follow_up_query(query: str) -> bool:
    """Whether a stored rewritten query carries context from earlier turns."""
    return _CONTEXT_MARK in query


def split_context(query: str) -> tuple[str, str]:
    """A rewritten query's own words and its carried topic words ("" when it carries none)."""
    own, _, context = query.partition(_CONTEXT_MARK)
    return own, context


@dataclass(frozen=True)
class RewrittenQuery:
    query: str  # the standalone query to search (shown as "Interpreted as: ...")
    carried_terms: tuple[str, ...] = ()  # topic words taken from earlier turns
    new_terms: tuple[str, ...] = ()  # content words the question itself adds
    topic_shift: bool = False  # the question starts a new topic: nothing carried
    refers_back: bool = False  # the question points at evidence already cited
    topic_terms: tuple[str, ...] = field(default=(), compare=False)  # the segment's topic after this turn


def refers_back(question: str) -> bool:
    return _REFERS_BACK.search(question) is not None


def _is_tied_to_context(question: str) -> bool:
    return _ANAPHORA.search(question) is not None or refers_back(question)


def _ordered_unique(items: Sequence[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for item in items:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out


def _question_terms(question: str, specificity: Specificity | None, min_specificity: float) -> list[str]:
    terms = _ordered_unique(content_words(question) + [e.lower() for e in expansions(question)])
    if specificity is None:
        return terms
    return [t for t in terms if specificity(t) >= min_specificity]


def announces_new_topic(question: str) -> bool:
    """The question says outright that it is about something else ("new patient: ...")."""
    return _EXPLICIT_SHIFT.search(question) is not None


def _detect_shift(question: str, own_terms: list[str], topic_terms: list[str], implicit: bool = True) -> bool:
    if announces_new_topic(question):
        return True
    if (
        not implicit
        or not topic_terms
        or _is_tied_to_context(question)
        or len(own_terms) < _MIN_STANDALONE_WORDS
    ):
        return False
    topic_stems = {stem(w) for t in topic_terms for w in t.split()}
    own_stems = {stem(w) for t in own_terms for w in t.split()}
    return not (topic_stems & own_stems)


def _drug_classes_of(term: str) -> list[str]:
    """The class names ``drug_classes.tsv`` gives a drug ("atorvastatin" -> ["statin"])."""
    lowered = term.lower()
    return [p.lower() for entry in drug_classes() if entry.term.lower() == lowered for p in entry.phrases]


def _term_stems(term: str) -> set[str]:
    return {stem(w) for w in re.split(r"[\s/-]+", term) if w}


def _analyse(
    question: str,
    topic: list[str],
    specificity: Specificity | None,
    min_specificity: float,
    max_carried: int,
    evidence_stems: frozenset[str] | None = None,
    implicit_shift: bool = True,
) -> tuple[RewrittenQuery, list[str]]:
    own_all = _ordered_unique(content_words(question) + [e.lower() for e in expansions(question)])
    own_specific = _question_terms(question, specificity, min_specificity)
    # Synonym expansions do not make a question longer: count the words actually typed.
    typed = [t for t in (own_specific or own_all) if t in set(content_words(question))]
    shift = _detect_shift(question, typed, topic, implicit_shift)
    back = refers_back(question)
    if shift or not topic:
        return RewrittenQuery(
            question.strip(), (), tuple(own_all), shift, back, tuple(own_specific)
        ), own_specific
    own_stems = {stem(w) for t in own_all for w in t.split()}
    candidates = [t for t in topic if not ({stem(w) for w in t.split()} <= own_stems)]
    if evidence_stems:
        # Topic words that the evidence shown last turn actually contains name the subject; the rest
        # ("Lagos", "ago", "agree") are circumstance that would only pull the search elsewhere. A drug the
        # evidence names only by its class ("atorvastatin", answered from "statin" passages) is carried as
        # that class.
        backed: list[str] = []
        for term in candidates:
            if _term_stems(term) & evidence_stems:
                backed.append(term)
                continue
            classes = [c for c in _drug_classes_of(term) if _term_stems(c) <= evidence_stems]
            if classes:
                backed.append(classes[0])
        candidates = _ordered_unique(backed) or candidates
    carried = candidates[:max_carried]
    query = question.strip()
    if carried:
        query = f"{query} {_CONTEXT_MARK} {', '.join(carried)})"
    # The segment's topic keeps its first words first; the follow-up's specific words join behind them.
    new_topic = _ordered_unique(topic + own_specific)
    return RewrittenQuery(query, tuple(carried), tuple(own_all), False, back, tuple(new_topic)), new_topic


def rewrite_followup(
    question: str,
    conversation: Conversation | None,
    specificity: Specificity | None = None,
    min_specificity: float = 0.0,
    max_carried: int = MAX_CARRIED_TERMS,
    evidence_stems: frozenset[str] | None = None,
    implicit_shift: bool = True,
) -> RewrittenQuery:
    """Rewrite ``question`` into a standalone query given the earlier turns of ``conversation``.

    ``specificity`` (e.g. a term's inverse document frequency in the index) lets only topic-naming words be
    carried over; without it every content word of the earlier questions is a candidate topic word.
    ``evidence_stems`` (word stems of the passages shown for the previous turn) narrows the carried words to
    those the evidence on the topic actually uses. ``implicit_shift=False`` treats the question as a
    follow-up unless it announces a new topic outright (for callers that checked the shift against the index).
    """
    topic: list[str] = []
    for turn in conversation.turns if conversation is not None else []:
        # A turn served as a follow-up (its stored query carries context) stays one: the caller may have
        # overruled a shift the wording alone suggested, and replaying it as a shift would drop the topic.
        served_as_follow_up = _CONTEXT_MARK in turn.rewritten
        _, topic = _analyse(
            turn.question, topic, specificity, min_specificity, max_carried,
            implicit_shift=not served_as_follow_up,
        )
    result, _ = _analyse(
        question, topic, specificity, min_specificity, max_carried, evidence_stems, implicit_shift
    )
    return result
