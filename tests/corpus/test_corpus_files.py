"""The built-in corpus documents: front matter complete and valid, bodies usable as cited sources.

The corpus is data, so these checks are what keeps a newly added or edited document from reaching
the index with a missing field, a wrong id or an empty identifier. The front matter is read with a
tiny local parser (flat ``key: value`` lines) so the checks do not depend on the ingest code.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest

from curbside.types import TIERS

CORPUS_DIR = Path(__file__).resolve().parents[2] / "corpus"
ID_PREFIX = "curbside-corpus:"
REQUIRED_FIELDS = ("id", "title", "source", "tier", "written_for_corpus", "summary_note")
# Guidelines are cited by organization and year on the answer page, so both must be known.
GUIDELINE_FIELDS = ("organization", "year")
IDENTIFIER_FIELDS = ("doi", "pmid")
MIN_WORDS, MAX_WORDS = 150, 500
# A sentence that opens with a bare pronoun cannot stand alone once extracted as a citation.
PRONOUN_START = re.compile(r"^(It|Its|They|Their|Them|These|Those|This|That|He|She)\b")
STRENGTH_WORDING = re.compile(
    r"\b(strongly|conditionally)\b|\bwith (strong|moderate|limited) strength\b", re.IGNORECASE
)
DOI_SHAPE = re.compile(r"^10\.\d{4,9}/\S+$")


class FrontMatterError(ValueError):
    """A corpus file whose front matter cannot be read; the message names the file and line."""


def parse_front_matter(path: Path) -> tuple[dict[str, str], str]:
    """Split a corpus file into its front-matter fields and its Markdown body."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise FrontMatterError(f"{path.name}:1: file must begin with a '---' front-matter line")
    fields: dict[str, str] = {}
    for number, line in enumerate(lines[1:], start=2):
        text = line.strip()
        if text == "---":
            return fields, "".join(lines[number:])
        key, sep, value = text.partition(":")
        if not sep or not re.fullmatch(r"[a-z_]+", key.strip()):
            raise FrontMatterError(f"{path.name}:{number}: expected 'key: value', got {text!r}")
        if key.strip() in fields:
            raise FrontMatterError(f"{path.name}:{number}: field {key.strip()!r} appears twice")
        fields[key.strip()] = value.strip()
    raise FrontMatterError(f"{path.name}: front matter is never closed with '---'")


def corpus_files() -> list[Path]:
    return sorted(p for p in CORPUS_DIR.glob("*.md") if p.name != "README.md")


def sentences(body: str) -> list[str]:
    """Prose sentences of a body, headings left out."""
    prose = " ".join(line for line in body.splitlines() if line.strip() and not line.lstrip().startswith("#"))
    return [s for s in re.split(r"(?<=[.!?])\s+", prose) if s.strip()]


FILES = corpus_files()
GUIDELINE_FILES = [path for path in FILES if parse_front_matter(path)[0].get("tier") == "guideline"]


def test_corpus_holds_the_default_documents() -> None:
    assert len(FILES) >= 6, f"expected at least six corpus documents in {CORPUS_DIR}, found {len(FILES)}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_front_matter_fields(path: Path) -> None:
    fields, _ = parse_front_matter(path)
    missing = [name for name in REQUIRED_FIELDS if not fields.get(name)]
    assert not missing, f"{path.name}: missing or empty fields {missing}"
    assert fields["source"] == "curbside-corpus", f"{path.name}: source is {fields['source']!r}"
    assert fields["tier"] in TIERS, f"{path.name}: tier {fields['tier']!r} is not one of {TIERS}"
    assert fields["written_for_corpus"] == "true", f"{path.name}: written_for_corpus must be true"
    expected_id = ID_PREFIX + path.stem
    assert fields["id"] == expected_id, f"{path.name}: id {fields['id']!r} != {expected_id!r}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_identifiers_are_never_left_empty(path: Path) -> None:
    fields, _ = parse_front_matter(path)
    for name in IDENTIFIER_FIELDS:
        if name in fields:
            assert fields[name], f"{path.name}: {name} is present but empty; omit the field instead"
    if "doi" in fields:
        assert DOI_SHAPE.match(fields["doi"]), f"{path.name}: doi {fields['doi']!r} is not a DOI"
    if "pmid" in fields:
        assert fields["pmid"].isdigit(), f"{path.name}: pmid {fields['pmid']!r} is not numeric"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_years_are_plausible(path: Path) -> None:
    fields, _ = parse_front_matter(path)
    if fields["tier"] == "guideline":
        missing = [name for name in GUIDELINE_FIELDS if not fields.get(name)]
        assert not missing, f"{path.name}: a guideline needs {missing}"
    for name in ("year", "published", "guideline_approved"):
        if name in fields:
            value = fields[name]
            assert value.isdigit() and 1950 <= int(value) <= datetime.date.today().year, (
                f"{path.name}: {name} {value!r} is not a plausible year"
            )


def test_ids_are_unique() -> None:
    ids = [parse_front_matter(path)[0]["id"] for path in FILES]
    duplicates = sorted({doc_id for doc_id in ids if ids.count(doc_id) > 1})
    assert not duplicates, f"duplicate corpus ids: {duplicates}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_body_opens_with_the_title_and_fits_the_length(path: Path) -> None:
    fields, body = parse_front_matter(path)
    first_line = next(line for line in body.splitlines() if line.strip())
    assert first_line.strip() == f"# {fields['title']}", f"{path.name}: first heading differs from the title"
    words = len(re.findall(r"\S+", body))
    assert MIN_WORDS <= words <= MAX_WORDS, f"{path.name}: {words} words, expected {MIN_WORDS}-{MAX_WORDS}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_sentences_stand_alone(path: Path) -> None:
    _, body = parse_front_matter(path)
    dangling = [s for s in sentences(body) if PRONOUN_START.match(s)]
    assert not dangling, f"{path.name}: sentences open with a bare pronoun: {dangling}"


def test_corpus_has_guidelines() -> None:
    assert GUIDELINE_FILES, "the corpus must hold guideline documents for the guideline evidence pool"


@pytest.mark.parametrize("path", GUIDELINE_FILES, ids=lambda p: p.stem)
def test_guidelines_state_recommendation_strength(path: Path) -> None:
    _, body = parse_front_matter(path)
    stated = [s for s in sentences(body) if STRENGTH_WORDING.search(s)]
    assert stated, f"{path.name}: no sentence states a recommendation's strength"


def test_readme_documents_every_file() -> None:
    readme = (CORPUS_DIR / "README.md").read_text(encoding="utf-8")
    undocumented = [path.name for path in FILES if path.name not in readme]
    assert not undocumented, f"corpus/README.md does not describe {undocumented}"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("title: no opening line\n", ":1:"),
        ("---\nid: curbside-corpus:x\n", "never closed"),
        ("---\nid: a\nid: b\n---\n", "appears twice"),
        ("---\njust words\n---\n", ":2:"),
    ],
)
def test_parser_names_the_fault(tmp_path: Path, text: str, message: str) -> None:
    bad = tmp_path / "bad_doc.md"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(FrontMatterError, match=re.escape(message)) as caught:
        parse_front_matter(bad)
    assert "bad_doc.md" in str(caught.value)
