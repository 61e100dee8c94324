"""USPSTF recommendation statements (API snapshot JSON): grade A/B/C/D/I, HTML stripped."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from pathlib import Path

from curbside.types import DocMeta, Document, Section
from ingest.failures import LoadError, LoadFailure

SOURCE = "uspstf"
_BREAK = re.compile(r"<\s*(br|/p|/li|/div)\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"[ \t\xa0]+")
_BLANKS = re.compile(r"\n\s*\n+")


def strip_html(value: str) -> str:
    """Text of an HTML fragment: breaks become newlines, tags go, entities are decoded."""
    text = _BREAK.sub("\n", value.replace("\r\n", "\n"))
    text = html.unescape(_TAG.sub("", text))
    text = _SPACES.sub(" ", text)
    lines = [line.strip() for line in text.split("\n")]
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip()


def _document(record: dict, path: Path) -> Document:
    rec_id = record.get("id")
    if rec_id is None or not isinstance(record.get("text"), str):
        raise LoadError("record without 'id' or 'text'")
    parts: list[tuple[str, str]] = [("Recommendation", strip_html(record["text"]))]
    if isinstance(record.get("riskText"), str) and strip_html(record["riskText"]):
        parts.append(("Risk assessment", strip_html(record["riskText"])))
    text, sections, offset = "", [], 0
    for heading, body in parts:
        if not body:
            continue
        if text:
            text += "\n\n"
            offset += 2
        sections.append(Section(path=(heading,), start=offset, end=offset + len(body)))
        text += body
        offset += len(body)
    if not text:
        raise LoadError(f"record {rec_id}: empty text")
    grade = str(record.get("grade") or "").strip().upper()
    extra = [("grade", grade)] if grade else []
    ages = _age_range(record.get("ageRange"))
    if ages:
        extra.append(("age_range", ages))
    if record.get("sex"):
        extra.append(("sex", str(record["sex"])))
    if record.get("general"):
        # The statements of one topic for its different populations ("Statin Use ... -- Adults 76 years and
        # older") share their general recommendation's id: they are the parts of one guideline.
        extra.append(("guideline_id", f"general-{record['general']}"))
    meta = DocMeta(
        doc_id=f"{SOURCE}:{rec_id}",
        title=str(record.get("title") or f"USPSTF recommendation {rec_id}"),
        source=SOURCE,
        tier="guideline",
        organization="USPSTF",
        year=2021 if "2021" in path.name else None,  # the snapshot's date; the statements carry none
        extra=tuple(extra),
    )
    return Document(meta=meta, text=text, sections=sections)


def _age_range(value: object) -> str | None:
    """"21-30" from the snapshot's ``ageRange`` (a list, or that list written as a string: "[21, 30]")."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    if isinstance(value, list) and value and all(isinstance(a, int | float) for a in value):
        return "-".join(f"{a:g}" for a in value)
    return None


def load_uspstf(path: Path) -> Iterator[Document | LoadFailure]:
    """``path``: the snapshot JSON file or the folder holding it."""
    files = sorted(path.glob("*.json")) if path.is_dir() else [path]
    for file in files:
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise LoadError(f"{file.name}: unreadable USPSTF JSON: {exc}") from exc
        records = data.get("specificRecommendations", []) if isinstance(data, dict) else data
        for index, record in enumerate(records):
            try:
                yield _document(record, file)
            except LoadError as exc:
                yield LoadFailure(str(file), None, f"record #{index}: {exc.reason}")
