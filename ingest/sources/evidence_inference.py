"""Evidence Inference RCT reports: full text where present (character-exact), else the abstract."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from curbside.types import DocMeta, Document, Section
from ingest.failures import LoadError, LoadFailure
from ingest.sections import heading_sections

SOURCE = "evidence_inference"
# "TITLE:", "ABSTRACT.METHODS:", "BODY.STATISTICAL ANALYSIS:" head the sections of these files.
_SECTION_LINE = re.compile(r"^(TITLE|ABSTRACT|BODY)(\.[^\n:]{1,120})?:$")


def _pretty(path: tuple[str, ...]) -> tuple[str, ...]:
    if not path:  # text before the first heading
        return ()
    head, _, rest = path[0].partition(".")
    return (head.title(), rest.strip().capitalize()) if rest else (head.title(),)


def load_article(file: Path, full_text: bool) -> Document:
    # newline="" keeps the text exactly as stored: annotation offsets index these characters.
    with file.open(encoding="utf-8", newline="") as handle:
        text = handle.read()
    if not text.strip():
        raise LoadError("empty article")
    sections = [
        Section(path=_pretty(s.path), start=s.start, end=s.end) for s in heading_sections(text, _SECTION_LINE)
    ]
    title_section = next((s for s in sections if s.path == ("Title",)), None)
    title = " ".join(text[title_section.start : title_section.end].split()) if title_section else file.stem
    digits = file.stem.removeprefix("PMC")
    meta = DocMeta(
        doc_id=f"pmc:{digits}",
        title=title,
        source=SOURCE,
        tier="randomized_trial",
        url=f"https://www.ncbi.nlm.nih.gov/pmc/articles/PMC{digits}/",
        extra=(("pmcid", f"PMC{digits}"), ("full_text", "true" if full_text else "false")),
    )
    return Document(meta=meta, text=text, sections=sections)


def load_evidence_inference(path: Path) -> Iterator[Document | LoadFailure]:
    """``path``: the evidence_inference folder (txt_files_v2/ and abstracts/)."""
    full = {f.stem: f for f in sorted((path / "txt_files_v2").glob("PMC*.txt"))}
    abstracts = {f.stem: f for f in sorted((path / "abstracts").glob("PMC*.abst"))}
    for stem in sorted(set(full) | set(abstracts), key=lambda s: int(s[3:]) if s[3:].isdigit() else 0):
        file = full.get(stem) or abstracts[stem]
        try:
            yield load_article(file, full_text=stem in full)
        except (LoadError, OSError, UnicodeDecodeError) as exc:
            yield LoadFailure(str(file), None, getattr(exc, "reason", str(exc)))
