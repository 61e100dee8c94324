"""JSON Lines for users' own corpora: one document per line.

Schema (one JSON object a line):
  id (str, required), title (str, required), text (str) or sections (list of
  {"heading": str | "path": [str, ...], "text": str}) -- one of the two is required;
  source (str, default "user"), organization, journal (str), year (int), url, doi, pmid (str),
  tier (one of the tiers; classified from publication_types and text when absent),
  publication_types (list of str or comma-separated str); any other field is kept in
  DocMeta.extra as a string.
With ``sections`` the document text is the section texts joined by blank lines.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from curbside.types import TIERS, DocMeta, Document, Section
from ingest.failures import LoadError, LoadFailure
from ingest.metadata import with_extra
from ingest.textio import read_text_file
from ingest.tiers import classify_tier

_KNOWN = {
    "id",
    "title",
    "text",
    "sections",
    "source",
    "organization",
    "journal",
    "year",
    "url",
    "doi",
    "pmid",
    "tier",
    "publication_types",
}
SECTION_JOINER = "\n\n"


def _optional_str(record: dict[str, Any], key: str) -> str | None:
    value = record.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise LoadError(f"field {key!r} must be a string, got {type(value).__name__}")
    return value


def _text_and_sections(record: dict[str, Any]) -> tuple[str, list[Section]]:
    if isinstance(record.get("text"), str):
        return record["text"], []
    raw_sections = record.get("sections")
    if not isinstance(raw_sections, list) or not raw_sections:
        raise LoadError("needs a 'text' string or a non-empty 'sections' list")
    parts: list[str] = []
    sections: list[Section] = []
    offset = 0
    for index, item in enumerate(raw_sections):
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise LoadError(f"sections[{index}] must be an object with a 'text' string")
        path = item.get("path") or ([item["heading"]] if item.get("heading") else [])
        if not isinstance(path, list) or not all(isinstance(p, str) for p in path):
            raise LoadError(f"sections[{index}].path must be a list of strings")
        if parts:
            parts.append(SECTION_JOINER)
            offset += len(SECTION_JOINER)
        parts.append(item["text"])
        sections.append(Section(path=tuple(path), start=offset, end=offset + len(item["text"])))
        offset += len(item["text"])
    return "".join(parts), sections


def document_from_record(record: Any) -> Document:
    """One validated record -> Document; raises LoadError naming the bad field."""
    if not isinstance(record, dict):
        raise LoadError(f"expected a JSON object, got {type(record).__name__}")
    for key in ("id", "title"):
        if not isinstance(record.get(key), str) or not record[key].strip():
            raise LoadError(f"missing or empty required field {key!r}")
    text, sections = _text_and_sections(record)
    if not text.strip():
        raise LoadError("empty document text")
    year = record.get("year")
    if year is not None and (
        isinstance(year, bool) or not isinstance(year, int | str) or not str(year).isdigit()
    ):
        raise LoadError(f"field 'year' must be an integer, got {year!r}")
    pub_types = record.get("publication_types") or []
    if isinstance(pub_types, str):
        pub_types = [p.strip() for p in pub_types.split(",") if p.strip()]
    if not isinstance(pub_types, list) or not all(isinstance(p, str) for p in pub_types):
        raise LoadError("field 'publication_types' must be a list of strings")
    source = _optional_str(record, "source") or "user"
    tier = _optional_str(record, "tier") or classify_tier(source, record["title"], text, pub_types)
    if tier not in TIERS:
        raise LoadError(f"field 'tier': {tier!r} is not one of {', '.join(TIERS)}")
    extra = tuple(
        sorted((k, v if isinstance(v, str) else json.dumps(v)) for k, v in record.items() if k not in _KNOWN)
    )
    meta = DocMeta(
        doc_id=record["id"],
        title=record["title"],
        source=source,
        tier=tier,
        organization=_optional_str(record, "organization"),
        journal=_optional_str(record, "journal"),
        year=int(year) if year is not None else None,
        doi=_optional_str(record, "doi"),
        pmid=_optional_str(record, "pmid"),
        url=_optional_str(record, "url"),
        publication_types=tuple(pub_types),
        extra=extra,
    )
    return Document(meta=meta, text=text, sections=sections)


def load_jsonl(path: Path) -> Iterator[Document | LoadFailure]:
    """Yield a Document per good line and a LoadFailure (with its line number) per bad one."""
    raw, fallback = read_text_file(path)
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield LoadFailure(str(path), number, f"invalid JSON: {exc.msg} (column {exc.colno})")
            continue
        try:
            doc = document_from_record(record)
        except LoadError as exc:
            yield LoadFailure(str(path), number, exc.reason)
            continue
        yield (
            Document(with_extra(doc.meta, "encoding_fallback", fallback), doc.text, doc.sections)
            if fallback
            else doc
        )
