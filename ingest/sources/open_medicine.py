"""The installed open-medicine package: one document per guideline section file (raw Markdown)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from curbside.types import DocMeta, Document
from ingest.loaders.markdown import first_heading
from ingest.sections import markdown_sections

SOURCE = "open-medicine"


def open_medicine_root() -> Path:
    import open_medicine

    return Path(open_medicine.__file__).resolve().parent / "guidelines"


def load_open_medicine(root: Path | None = None) -> Iterator[Document]:
    """Yield ``open-medicine:<guideline_id>/<section stem>`` documents; text is the file's raw Markdown."""
    root = root or open_medicine_root()
    registry = {
        entry["id"]: entry for entry in json.loads((root / "registry.json").read_text(encoding="utf-8"))
    }
    for guideline_dir in sorted(p for p in (root / "content").iterdir() if p.is_dir()):
        entry = registry.get(guideline_dir.name, {})
        guideline_title = entry.get("title") or guideline_dir.name
        for section_file in sorted(guideline_dir.glob("*.md")):
            # newline="" keeps the text exactly as stored, so quoted spans match character for character.
            with section_file.open(encoding="utf-8", newline="") as handle:
                text = handle.read()
            heading = first_heading(text) or section_file.stem.replace("_", " ")
            meta = DocMeta(
                doc_id=f"{SOURCE}:{guideline_dir.name}/{section_file.stem}",
                title=f"{guideline_title} — {heading}",
                source=SOURCE,
                tier="guideline",
                organization=entry.get("organization"),
                year=entry.get("year"),
                doi=entry.get("doi"),
                extra=(("guideline_id", guideline_dir.name), ("section", section_file.stem)),
            )
            yield Document(meta=meta, text=text, sections=markdown_sections(text))
