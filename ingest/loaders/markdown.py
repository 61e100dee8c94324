"""Markdown files, with an optional front-matter block giving the document's metadata.

Front matter is a ``---`` line, ``key: value`` lines, and a closing ``---`` line at the very top.
Keys: id, title, source, tier, organization, journal, year, doi, pmid, url,
publication_types (comma separated), written_for_corpus (true/false); other keys go to
``DocMeta.extra``. The document text is the whole file after the front matter, character-exact.
"""

from __future__ import annotations

import re
from pathlib import Path

from curbside.types import TIERS, DocMeta, Document
from ingest.failures import LoadError
from ingest.metadata import with_extra
from ingest.sections import markdown_sections
from ingest.textio import read_text_file
from ingest.tiers import classify_tier

_KEY_VALUE = re.compile(r"^(?P<key>[A-Za-z_][A-Za-z0-9_]*)\s*:\s*(?P<value>.*?)\s*$")
_KNOWN_KEYS = {
    "id",
    "title",
    "source",
    "tier",
    "organization",
    "journal",
    "year",
    "doi",
    "pmid",
    "url",
    "publication_types",
    "written_for_corpus",
}


def split_front_matter(raw: str) -> tuple[dict[str, str], int, int]:
    """Parse front matter; return (fields, offset where the body starts, line number of the body)."""
    lines = raw.splitlines(keepends=True)
    if not lines or lines[0].rstrip("\r\n").strip() != "---":
        return {}, 0, 1
    fields: dict[str, str] = {}
    offset = len(lines[0])
    for number, line in enumerate(lines[1:], start=2):
        offset += len(line)
        body = line.rstrip("\r\n")
        if body.strip() == "---":
            return fields, offset, number + 1
        if not body.strip() or body.lstrip().startswith("#"):
            continue
        match = _KEY_VALUE.match(body)
        if not match:
            raise LoadError(f"front matter: expected 'key: value', got {body.strip()[:60]!r}", line=number)
        fields[match.group("key").lower()] = match.group("value").strip().strip("\"'")
    raise LoadError("front matter: no closing '---' line", line=1)


def meta_from_fields(
    fields: dict[str, str], default_id: str, default_title: str, default_source: str, text: str
) -> DocMeta:
    """DocMeta from front-matter fields, checking year/tier/booleans; missing tier is classified."""
    year_text = fields.get("year", "")
    if year_text and not year_text.isdigit():
        raise LoadError(f"front matter field 'year': not a year: {year_text!r}")
    pub_types = tuple(p.strip() for p in fields.get("publication_types", "").split(",") if p.strip())
    source = fields.get("source") or default_source
    title = fields.get("title") or default_title
    tier = fields.get("tier") or classify_tier(source, title, text, pub_types)
    if tier not in TIERS:
        raise LoadError(f"front matter field 'tier': {tier!r} is not one of {', '.join(TIERS)}")
    flag = fields.get("written_for_corpus", "false").lower()
    if flag not in ("true", "false", "yes", "no", "1", "0"):
        raise LoadError(f"front matter field 'written_for_corpus': expected true/false, got {flag!r}")
    return DocMeta(
        doc_id=fields.get("id") or default_id,
        title=title,
        source=source,
        tier=tier,
        organization=fields.get("organization") or None,
        journal=fields.get("journal") or None,
        year=int(year_text) if year_text else None,
        doi=fields.get("doi") or None,
        pmid=fields.get("pmid") or None,
        url=fields.get("url") or None,
        publication_types=pub_types,
        written_for_corpus=flag in ("true", "yes", "1"),
        extra=tuple(sorted((k, v) for k, v in fields.items() if k not in _KNOWN_KEYS)),
    )


def first_heading(text: str) -> str | None:
    match = re.search(r"^#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$", text, re.MULTILINE)
    return match.group(1).replace("**", "").strip() if match else None


def load_markdown(path: Path, id_prefix: str = "user", source: str = "user") -> Document:
    raw, fallback = read_text_file(path)
    fields, body_start, _ = split_front_matter(raw)
    text = raw[body_start:]
    if not text.strip():
        raise LoadError("empty document (no text after the front matter)")
    meta = meta_from_fields(
        fields, f"{id_prefix}:{path.stem}", first_heading(text) or path.stem, source, text
    )
    if fallback:
        meta = with_extra(meta, "encoding_fallback", fallback)
    return Document(meta=meta, text=text, sections=markdown_sections(text))
