"""Request and response bodies of the HTTP API, as pydantic models (they also make the OpenAPI spec).

Limits that depend on settings (question length, number of turns) are checked in the routes, so the
422 they return names the field exactly like pydantic's own errors do.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

# Server-made ids are url-safe tokens; anything else cannot be one of ours, so it is refused early.
ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"


def _refuse_unencodable(value: str) -> str:
    # JSON allows lone surrogates ("\ud800") that SQLite and every renderer would choke on later.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("text must be valid Unicode (it contains a lone surrogate)") from exc
    return value


# Spaces, line breaks, control and format characters (zero-width space, direction marks, BOM) show nothing
# on screen: a question made only of them is blank. The rule is one character class, published as the
# field's schema pattern too, so that clients (and schema-driven tests) know exactly what is accepted.
VISIBLE_CHARACTER = (
    r"[^\s\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]"
)
_VISIBLE = re.compile(VISIBLE_CHARACTER)


def is_blank(value: str) -> bool:
    return _VISIBLE.search(value) is None


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(
        min_length=1,
        description="The clinician's question or follow-up (at least one visible character).",
        json_schema_extra={"pattern": VISIBLE_CHARACTER},
    )
    conversation_id: str | None = Field(
        default=None, pattern=ID_PATTERN, description="Continue this conversation; omit to start a new one."
    )

    @field_validator("question")
    @classmethod
    def _question_has_words(cls, value: str) -> str:
        _refuse_unencodable(value)
        if is_blank(value):
            raise ValueError("question is blank")
        return value


class ReindexRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sources: list[str] = Field(min_length=1, max_length=100, description="Files or folders on the server.")
    format: str | None = Field(default=None, max_length=40, description="Loader name; guessed when omitted.")

    @field_validator("sources")
    @classmethod
    def _sources_are_text(cls, value: list[str]) -> list[str]:
        for item in value:
            _refuse_unencodable(item)
            if not item.strip():
                raise ValueError("a source path is blank")
        return value


class TurnOut(BaseModel):
    index: int
    question: str
    interpreted_as: str
    cited_doc_ids: list[str]
    refused: bool
    asked_at: float
    answer: dict[str, Any] | None = None


class ConversationOut(BaseModel):
    conversation_id: str
    created_at: float
    updated_at: float
    turns: list[TurnOut]


class DocumentOut(BaseModel):
    doc_id: str
    title: str
    source: str
    tier: str
    organization: str | None = None
    journal: str | None = None
    year: int | None = None
    doi: str | None = None
    pmid: str | None = None
    url: str | None = None
    publication_types: list[str] = []
    written_for_corpus: bool = False
    extra: dict[str, str] = {}


class HighlightOut(BaseModel):
    """The passage split around the supporting words, so a page can mark them without parsing HTML."""

    before: str
    marked: str
    after: str


class PassageOut(BaseModel):
    chunk_id: str
    doc_id: str
    text: str
    start: int
    end: int
    section_path: list[str]
    page: int | None = None
    tier: str
    document: DocumentOut | None = None
    highlight: HighlightOut | None = None


class JobOut(BaseModel):
    job_id: str
    kind: str
    state: str  # queued | running | done | failed | interrupted
    created_at: float
    updated_at: float
    messages: list[str]
    summary: str | None = None
    error: str | None = None
    index_version: str | None = None


class HealthOut(BaseModel):
    status: str


class ReadyOut(BaseModel):
    ready: bool
    index_version: str | None = None
    n_documents: int | None = None
    n_chunks: int | None = None
    detail: str | None = None


class DeletedOut(BaseModel):
    conversation_id: str
    deleted: bool
