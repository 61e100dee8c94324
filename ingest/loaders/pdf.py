"""PDF files via pypdf: the text of each page is one section carrying its page number."""

from __future__ import annotations

import logging
from pathlib import Path

from curbside.types import DocMeta, Document, Section
from ingest.failures import LoadError
from ingest.tiers import classify_tier

PAGE_SEPARATOR = "\n\n"


def load_pdf(path: Path, id_prefix: str = "user", source: str = "user") -> Document:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    # pypdf logs recoverable oddities of real-world PDFs; they are not errors for us.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            raise LoadError("encrypted PDF (cannot extract text)")
        page_texts = [page.extract_text() or "" for page in reader.pages]
        info_title = (reader.metadata or {}).get("/Title") if reader.metadata else None
    except LoadError:
        raise
    except (PdfReadError, OSError, ValueError, KeyError, TypeError) as exc:
        raise LoadError(f"unreadable PDF: {exc}") from exc
    parts: list[str] = []
    sections: list[Section] = []
    offset = 0
    for number, page_text in enumerate(page_texts, start=1):
        if parts:
            parts.append(PAGE_SEPARATOR)
            offset += len(PAGE_SEPARATOR)
        parts.append(page_text)
        if page_text.strip():
            sections.append(Section(path=(), start=offset, end=offset + len(page_text), page=number))
        offset += len(page_text)
    text = "".join(parts)
    if not text.strip():
        raise LoadError("PDF has no extractable text (scanned images need OCR first)")
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), path.stem)
    title = str(info_title).strip() if info_title else first_line[:200]
    meta = DocMeta(
        doc_id=f"{id_prefix}:{path.stem}",
        title=title,
        source=source,
        tier=classify_tier(source, title, text),
        extra=(("pages", str(len(page_texts))),),
    )
    return Document(meta=meta, text=text, sections=sections)
