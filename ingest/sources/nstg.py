"""Nigeria Standard Treatment Guidelines 2022: one raw (OCR'd, curated) text file per condition."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from curbside.types import DocMeta, Document
from ingest.failures import LoadError, LoadFailure
from ingest.loaders.text import ALL_CAPS_HEADING
from ingest.sections import heading_sections

SOURCE = "nstg2022"


def load_nstg_file(file: Path) -> Document:
    # newline="" keeps the file character-exact (quotes are exact substrings of it).
    with file.open(encoding="utf-8", newline="") as handle:
        text = handle.read()
    if not text.strip():
        raise LoadError("empty document")
    condition = next((line.strip() for line in text.splitlines() if line.strip()), file.stem)
    meta = DocMeta(
        doc_id=f"{SOURCE}:{file.stem}",
        title=f"{condition.title()} — Nigeria Standard Treatment Guidelines 2022",
        source=SOURCE,
        tier="guideline",
        organization="Federal Ministry of Health, Nigeria",
        year=2022,
        # "SICKLE CELL DISEASE", "SICKLE CELL DISEASE_2", "_3" are chapters of one condition in different
        # parts of the book (adult, paediatric): one guideline, so each lends passages to the others.
        extra=(("guideline_id", _NUMBERED_PART.sub("", file.stem)),),
    )
    return Document(meta=meta, text=text, sections=heading_sections(text, ALL_CAPS_HEADING))


_NUMBERED_PART = re.compile(r"_\d+$")


def load_nstg(path: Path) -> Iterator[Document | LoadFailure]:
    """``path``: the nstg2022 folder (reads raw_txt/), the raw_txt folder, or one file."""
    folder = path / "raw_txt" if (path / "raw_txt").is_dir() else path
    files = sorted(folder.glob("*.txt")) if folder.is_dir() else [folder]
    for file in files:
        try:
            yield load_nstg_file(file)
        except (LoadError, OSError, UnicodeDecodeError) as exc:
            yield LoadFailure(str(file), None, getattr(exc, "reason", str(exc)))
