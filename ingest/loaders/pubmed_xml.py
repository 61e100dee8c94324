"""PubMed/MEDLINE XML (``PubmedArticleSet``): one document per article, abstract sections kept."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from curbside.types import DocMeta, Document, Section
from ingest.failures import LoadError, LoadFailure
from ingest.tiers import classify_tier

SOURCE = "pubmed"


def _text_of(element: Element | None) -> str:
    # itertext keeps words inside inline markup such as <i> and <sup>.
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def _year(article: Element) -> int | None:
    for path in (
        ".//Article/Journal/JournalIssue/PubDate/Year",
        ".//Article/ArticleDate/Year",
        ".//Article/Journal/JournalIssue/PubDate/MedlineDate",
    ):
        value = _text_of(article.find(path))[:4]
        if value.isdigit():
            return int(value)
    return None


def document_from_article(article: Element) -> Document:
    pmid = _text_of(article.find(".//MedlineCitation/PMID"))
    if not pmid:
        raise LoadError("article without a PMID")
    title = _text_of(article.find(".//Article/ArticleTitle")) or f"PubMed {pmid}"
    parts: list[str] = [title]
    sections = [Section(path=("Title",), start=0, end=len(title))]
    offset = len(title)
    for abstract in article.findall(".//Article/Abstract/AbstractText"):
        body = _text_of(abstract)
        if not body:
            continue
        label = (abstract.get("Label") or "").strip()
        heading = f"\n\n{label}: " if label else "\n\n"
        parts.extend((heading, body))
        offset += len(heading)
        sections.append(
            Section(path=(label.title(),) if label else ("Abstract",), start=offset, end=offset + len(body))
        )
        offset += len(body)
    text = "".join(parts)
    pub_types = tuple(_text_of(p) for p in article.findall(".//PublicationTypeList/PublicationType"))
    doi = next(
        (_text_of(a) for a in article.findall(".//ArticleIdList/ArticleId") if a.get("IdType") == "doi"), None
    ) or next((_text_of(e) for e in article.findall(".//ELocationID") if e.get("EIdType") == "doi"), None)
    meta = DocMeta(
        doc_id=f"pubmed:{pmid}",
        title=title,
        source=SOURCE,
        tier=classify_tier(SOURCE, title, text, pub_types),
        journal=_text_of(article.find(".//Article/Journal/Title")) or None,
        year=_year(article),
        doi=doi,
        pmid=pmid,
        url=f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/",
        publication_types=pub_types,
    )
    return Document(meta=meta, text=text, sections=sections)


def load_pubmed_xml(path: Path) -> Iterator[Document | LoadFailure]:
    try:
        root = SafeET.parse(str(path)).getroot()
    except ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        raise LoadError(f"malformed XML: {exc}", line=line) from exc
    except DefusedXmlException as exc:
        raise LoadError(f"refused unsafe XML: {exc}") from exc
    except OSError as exc:
        raise LoadError(f"cannot read file: {exc}") from exc
    if root.tag not in ("PubmedArticleSet", "PubmedArticle"):
        raise LoadError(f"not PubMed XML: root element is <{root.tag}>, expected <PubmedArticleSet>")
    articles = [root] if root.tag == "PubmedArticle" else root.findall("PubmedArticle")
    for index, article in enumerate(articles, start=1):
        try:
            yield document_from_article(article)
        except LoadError as exc:
            yield LoadFailure(str(path), None, f"article #{index}: {exc.reason}")
