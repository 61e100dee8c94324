"""The answer's JSON form (schema in answer.schema.json, versioned by SCHEMA_VERSION).

``answer_from_dict(answer_to_dict(a)) == a`` holds exactly: tuples come back as tuples and
every optional field keeps its None. Each statement also carries ``display``, the extract as a reader
sees it (its sentence, and the items of a list it introduces), and each reference its ``display`` (title,
source, location, as the renderers print them), so that clients show what the server's renderers show
without repeating their rules; both are derived and not read back. Answers of schema 1.0 (no ``display``)
and 1.1 (no reference ``display``) still load.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from answer.render_common import display_parts, reference_display
from curbside.types import (
    SCHEMA_VERSION,
    Answer,
    Citation,
    DocMeta,
    Recommendation,
    Reference,
    ResearchFacet,
    Statement,
)

SCHEMA_PATH = Path(__file__).with_name("answer.schema.json")
# 1.1 added each statement's derived ``display``, 1.2 each reference's; 1.0 and 1.1 answers read the same.
READABLE_SCHEMA_VERSIONS = ("1.0", "1.1", SCHEMA_VERSION)
_STATEMENT_LISTS = ("bottom_line", "guidelines", "evidence_note")


class AnswerFormatError(ValueError):
    """A JSON answer that does not follow the schema."""


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _display(statement: Statement) -> dict[str, Any]:
    head, items = display_parts(statement)
    return {"head": head, "items": items}


def answer_to_dict(answer: Answer) -> dict[str, Any]:
    """Plain JSON-ready dict: lists for tuples, None kept as null, and each statement's ``display``."""
    data = _jsonable(asdict(answer))
    pairs = [(d, s) for key in _STATEMENT_LISTS for d, s in zip(data[key], getattr(answer, key), strict=True)]
    for facet_data, facet in zip(data["research"], answer.research, strict=True):
        pairs += list(zip(facet_data["statements"], facet.statements, strict=True))
    for statement_data, statement in pairs:
        statement_data["display"] = _display(statement)
    for reference_data, reference in zip(data["references"], answer.references, strict=True):
        reference_data["display"] = reference_display(reference)
    return data


def _doc(d: dict[str, Any]) -> DocMeta:
    return DocMeta(
        **{
            **d,
            "publication_types": tuple(d.get("publication_types", ())),
            "extra": tuple((str(k), str(v)) for k, v in d.get("extra", ())),
        }
    )


def _rec(d: dict[str, Any] | None) -> Recommendation | None:
    return None if d is None else Recommendation(**d)


def _statement(d: dict[str, Any]) -> Statement:
    return Statement(
        text=d["text"],
        citations=[Citation(**c) for c in d["citations"]],
        facet=d.get("facet"),
        recommendation=_rec(d.get("recommendation")),
        lead=d.get("lead", ""),
    )


def _facet(d: dict[str, Any]) -> ResearchFacet:
    return ResearchFacet(facet=d["facet"], statements=[_statement(s) for s in d["statements"]])


def _reference(d: dict[str, Any]) -> Reference:
    fields = {k: v for k, v in d.items() if k != "display"}  # derived from the others
    return Reference(**{**fields, "doc": _doc(d["doc"]), "section_path": tuple(d["section_path"])})


def answer_from_dict(d: dict[str, Any]) -> Answer:
    """Rebuild an Answer; a missing or mistyped field raises AnswerFormatError naming it."""
    version = d.get("schema_version")
    if version not in READABLE_SCHEMA_VERSIONS:
        readable = " or ".join(repr(v) for v in READABLE_SCHEMA_VERSIONS)
        raise AnswerFormatError(f"answer schema_version {version!r} is not a supported one ({readable})")
    try:
        return Answer(
            question=d["question"],
            interpreted_as=d["interpreted_as"],
            refused=d["refused"],
            bottom_line=[_statement(s) for s in d["bottom_line"]],
            guidelines=[_statement(s) for s in d["guidelines"]],
            research=[_facet(f) for f in d["research"]],
            evidence_note=[_statement(s) for s in d["evidence_note"]],
            references=[_reference(r) for r in d["references"]],
            possibly_related=[_doc(m) for m in d["possibly_related"]],
            refusal_message=d.get("refusal_message"),
            disclaimer=d.get("disclaimer", ""),
            schema_version=SCHEMA_VERSION,  # read as the current version: 1.0 differs only in display
        )
    except KeyError as err:
        raise AnswerFormatError(f"answer JSON lacks the field {err.args[0]!r}") from err
    except TypeError as err:
        raise AnswerFormatError(f"answer JSON has a malformed field: {err}") from err


def load_schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
