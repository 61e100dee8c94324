"""Plain text files: all-caps heading lines (common in treatment guidelines) start sections."""

from __future__ import annotations

import re
from pathlib import Path

from curbside.types import DocMeta, Document
from ingest.failures import LoadError
from ingest.metadata import with_extra
from ingest.sections import heading_sections
from ingest.textio import read_text_file
from ingest.tiers import classify_tier

# An upper-case line of a few words, optionally ending with a colon: "CLINICAL FEATURES", "TREATMENT:".
ALL_CAPS_HEADING = re.compile(r"^(?=.*[A-Z]{3})[A-Z0-9][A-Z0-9 ,&/()'’.-]{2,80}:?$")


def load_text(path: Path, id_prefix: str = "user", source: str = "user") -> Document:
    text, fallback = read_text_file(path)
    if not text.strip():
        raise LoadError("empty document")
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), path.stem)
    title = first_line[:200]
    meta = DocMeta(
        doc_id=f"{id_prefix}:{path.stem}",
        title=title,
        source=source,
        tier=classify_tier(source, title, text),
    )
    if fallback:
        meta = with_extra(meta, "encoding_fallback", fallback)
    return Document(meta=meta, text=text, sections=heading_sections(text, ALL_CAPS_HEADING))
