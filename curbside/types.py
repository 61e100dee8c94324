"""The data types every stage shares: pure data, no I/O.

Offsets are character offsets into ``Document.text`` (the source text kept
character-exact), so ``doc.text[chunk.start:chunk.end] == chunk.text`` always holds
and a citation's ``start``/``end`` point at the exact supporting words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, get_args

SCHEMA_VERSION = "1.2"

Tier = Literal[
    "guideline",
    "systematic_review",
    "randomized_trial",
    "observational",
    "narrative_review",
    "consumer",
    "other",
]
TIERS: tuple[str, ...] = get_args(Tier)
# Evidence pools that retrieval keeps apart so guidelines are never crowded out.
Pool = Literal["guideline", "research"]
Direction = Literal["for", "against", "conditional", "insufficient"]
Facet = Literal[
    "mechanism", "efficacy", "safety", "dosing", "monitoring", "treatment", "diagnosis",
    "screening", "contraindication", "prognosis", "other",
]
# Clinical order of the research facets on the answer page.
FACET_ORDER: tuple[str, ...] = ("mechanism", "efficacy", "safety", "dosing", "monitoring", "other")


def pool_of(tier: str) -> str:
    """Guideline-tier text forms the guideline pool; everything else is research."""
    return "guideline" if tier == "guideline" else "research"


@dataclass(frozen=True)
class Recommendation:
    """A recommendation's direction and strength in the source's own scheme."""

    direction: str  # one of Direction
    strength: str | None = None  # e.g. "Strong, High", "Grade B", "Class I (LOE A)"
    scheme: str | None = None  # e.g. "GRADE", "USPSTF", "ACC/AHA", "ACR"


@dataclass(frozen=True)
class DocMeta:
    """Everything known about a document except its text."""

    doc_id: str  # the source's own key, e.g. "open-medicine:acr_gout_2020/flare_management"
    title: str
    source: str  # "open-medicine", "uspstf", "nstg2022", "pubmedqa", "corpus", "user", ...
    tier: str  # one of TIERS
    organization: str | None = None
    journal: str | None = None
    year: int | None = None
    doi: str | None = None
    pmid: str | None = None
    url: str | None = None
    publication_types: tuple[str, ...] = ()
    # True for summaries written in the project's own words for the default corpus.
    written_for_corpus: bool = False
    extra: tuple[tuple[str, str], ...] = ()  # other string fields, kept hashable


@dataclass(frozen=True)
class Section:
    """A section of a document: heading path and its character span."""

    path: tuple[str, ...]
    start: int
    end: int
    page: int | None = None


@dataclass
class Document:
    meta: DocMeta
    text: str  # character-exact source text
    sections: list[Section] = field(default_factory=list)

    @property
    def doc_id(self) -> str:
        return self.meta.doc_id


@dataclass(frozen=True)
class Sentence:
    """A sentence inside a chunk, with absolute offsets into the document text."""

    start: int
    end: int
    recommendation: Recommendation | None = None


@dataclass(frozen=True)
class Chunk:
    chunk_id: str  # content hash: stable across re-ingests of unchanged text
    doc_id: str
    text: str
    start: int
    end: int
    section_path: tuple[str, ...] = ()
    page: int | None = None
    tier: str = "other"
    sentences: tuple[Sentence, ...] = ()
    recommendation: Recommendation | None = None  # the chunk's main recommendation, if any


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its scores."""

    chunk: Chunk
    doc: DocMeta
    score: float  # fused score used for ranking
    pool: str  # one of Pool
    bm25_score: float | None = None
    dense_score: float | None = None


@dataclass
class RetrievalResult:
    query: str  # the standalone (rewritten) query actually searched
    guideline_hits: list[Hit]
    research_hits: list[Hit]
    # Per pool: did the best hit pass the calibrated relevance floor?
    guideline_relevant: bool
    research_relevant: bool
    facet: str | None = None
    refusal_reason: str | None = None  # set when nothing relevant was found
    # Further passages of the top guideline documents (not among the hits), closest to the query first: the
    # sentence that answers a follow-up often sits in another passage of the section the hits came from.
    guideline_context: list[Hit] = field(default_factory=list)
    # The findings passages (Results / Conclusions sections) of the top research documents that are not hits:
    # a question's words often match a study's background and methods best, and the per-document cap then
    # leaves out what the study found.
    research_context: list[Hit] = field(default_factory=list)
    # Organizations the question names as its source ("how does the USPSTF position compare?").
    named_organizations: frozenset[str] = frozenset()
    # Documents the previous turn cited, when this turn continues its topic: on the conversation's topic by
    # construction, whatever words the follow-up uses ("should that make me stop?").
    continued_doc_ids: frozenset[str] = frozenset()
    # Guideline documents (hits and context) that name none of a same-topic follow-up's carried topic words
    # and were not cited before: found by the follow-up's own words, off the conversation's subject. The
    # composer leaves them out.
    off_topic_doc_ids: frozenset[str] = frozenset()

    @property
    def relevant(self) -> bool:
        return self.guideline_relevant or self.research_relevant


@dataclass(frozen=True)
class Citation:
    """Points at the exact supporting words: ids and offsets, never free text."""

    ref: int  # 1-based number of the entry in Answer.references
    doc_id: str
    chunk_id: str
    start: int  # absolute offsets of the supporting words in the document text
    end: int


@dataclass
class Statement:
    text: str  # extracted words (verbatim from the cited span, possibly clause-trimmed)
    citations: list[Citation]
    facet: str | None = None
    recommendation: Recommendation | None = None
    lead: str = ""  # fixed connective wording shown before the extract (no clinical claim)


@dataclass
class Reference:
    number: int
    doc: DocMeta
    chunk_id: str
    section_path: tuple[str, ...]
    start: int  # the passage's location in the document text
    end: int
    page: int | None = None


@dataclass
class ResearchFacet:
    facet: str
    statements: list[Statement]


@dataclass
class Answer:
    question: str
    interpreted_as: str
    refused: bool
    bottom_line: list[Statement] = field(default_factory=list)
    guidelines: list[Statement] = field(default_factory=list)
    research: list[ResearchFacet] = field(default_factory=list)
    evidence_note: list[Statement] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    possibly_related: list[DocMeta] = field(default_factory=list)
    refusal_message: str | None = None
    disclaimer: str = ""
    schema_version: str = SCHEMA_VERSION


@dataclass
class Turn:
    question: str
    rewritten: str
    cited_doc_ids: list[str] = field(default_factory=list)
    refused: bool = False


@dataclass
class Conversation:
    conversation_id: str
    turns: list[Turn] = field(default_factory=list)
