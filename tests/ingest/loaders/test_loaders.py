from pathlib import Path

import pytest

from curbside.types import Document
from ingest.failures import LoadError, LoadFailure
from ingest.loaders import detect_format, load_file
from ingest.loaders.markdown import load_markdown
from ingest.sources.medquad import load_medquad

FIXTURES = Path(__file__).parents[1] / "fixtures"


def load_all(name: str, fmt: str | None = None) -> tuple[list[Document], list[LoadFailure]]:
    items = list(load_file(FIXTURES / name, fmt))
    return [i for i in items if isinstance(i, Document)], [i for i in items if isinstance(i, LoadFailure)]


def assert_sections_inside(doc: Document) -> None:
    for section in doc.sections:
        assert 0 <= section.start < section.end <= len(doc.text)


def test_markdown_front_matter_gives_metadata_and_exact_body() -> None:
    raw = (FIXTURES / "guideline_front_matter.md").read_text(encoding="utf-8")
    doc = load_markdown(FIXTURES / "guideline_front_matter.md")
    assert raw.endswith(doc.text) and doc.text.startswith("# Gout flare treatment")
    meta = doc.meta
    assert (meta.doc_id, meta.source, meta.tier, meta.year) == (
        "test-corpus:gout_flare",
        "test-corpus",
        "guideline",
        2020,
    )
    assert meta.publication_types == ("Practice Guideline", "Review") and meta.written_for_corpus
    assert ("reviewer", "J. Doe") in meta.extra
    paths = [s.path for s in doc.sections]
    assert ("Gout flare treatment", "Agents to avoid", "Special populations") in paths
    assert_sections_inside(doc)


@pytest.mark.parametrize(
    ("name", "line", "words"),
    [
        ("bad_front_matter.md", 3, "key: value"),
        ("bad_year.md", None, "year"),
        ("empty.md", None, "empty"),
    ],
)
def test_broken_markdown_fails_with_a_reason(name: str, line: int | None, words: str) -> None:
    docs, failures = load_all(name)
    assert docs == [] and len(failures) == 1
    assert failures[0].line == line and words in failures[0].reason
    assert str(failures[0]).startswith(str(FIXTURES / name))


def test_plain_text_sections_from_capitalised_headings() -> None:
    docs, failures = load_all("plain_guideline.txt")
    assert failures == [] and len(docs) == 1
    doc = docs[0]
    assert doc.text == (FIXTURES / "plain_guideline.txt").read_text(encoding="utf-8")
    assert [s.path for s in doc.sections] == [("HYPERTENSION",), ("TREATMENT",)]
    assert_sections_inside(doc)


def test_pdf_pages_become_sections_with_page_numbers() -> None:
    docs, failures = load_all("two_pages.pdf")
    assert failures == [] and len(docs) == 1
    doc = docs[0]
    assert [s.page for s in doc.sections] == [1, 2]
    assert "Beta blockers are recommended" in doc.text[doc.sections[0].start : doc.sections[0].end]
    assert "Loop diuretics" in doc.text[doc.sections[1].start : doc.sections[1].end]


def test_broken_pdf_is_one_failure() -> None:
    docs, failures = load_all("broken.pdf")
    assert docs == [] and len(failures) == 1 and "PDF" in failures[0].reason


def test_jsonl_good_records_load_and_bad_lines_are_named() -> None:
    docs, failures = load_all("user_corpus.jsonl")
    assert [d.doc_id for d in docs] == ["user:1", "user:2", "user:6"]
    assert {f.line for f in failures} == {4, 5, 6, 7, 8}
    reasons = {f.line: f.reason for f in failures}
    assert "text" in reasons[4] and "year" in reasons[5] and "invalid JSON" in reasons[6]
    assert "tier" in reasons[7] and "object" in reasons[8]
    first, sectioned, typed = docs
    assert first.meta.tier == "randomized_trial" and first.meta.year == 2020 and first.meta.pmid == "123"
    assert sectioned.meta.tier == "narrative_review" and ("score", "3") in sectioned.meta.extra
    assert [sectioned.text[s.start : s.end] for s in sectioned.sections] == ["First part.", "Second part."]
    assert sectioned.sections[1].path == ("Methods", "Design")
    assert typed.meta.tier == "systematic_review"


def test_pubmed_xml_articles_with_sections_and_metadata() -> None:
    docs, failures = load_all("pubmed_set.xml")
    assert [d.doc_id for d in docs] == ["pubmed:11111111", "pubmed:22222222"]
    assert len(failures) == 1 and "PMID" in failures[0].reason
    trial, meta_analysis = docs
    assert (
        trial.meta.tier == "randomized_trial"
        and trial.meta.year == 2019
        and trial.meta.doi == "10.1000/test.1"
    )
    assert trial.meta.title == "Colchicine versus placebo for acute gout: a randomized trial."
    assert [s.path for s in trial.sections] == [("Title",), ("Background",), ("Methods",), ("Results",)]
    results = trial.sections[-1]
    assert trial.text[results.start : results.end] == "Pain fell more with colchicine (p < 0.05)."
    assert meta_analysis.meta.tier == "systematic_review" and meta_analysis.meta.year == 2021


def test_malformed_xml_is_one_failure_with_line() -> None:
    docs, failures = load_all("pubmed_broken.xml")
    assert docs == [] and len(failures) == 1
    assert failures[0].line is not None and "malformed XML" in failures[0].reason


def test_medquad_xml_one_document_per_answer() -> None:
    docs, failures = load_all("medquad_sample.xml")
    assert failures == [] and [d.doc_id for d in docs] == ["medquad:TestSource/0000999_1#0000999_1-1"]
    assert docs[0].meta.tier == "consumer" and docs[0].text.startswith("Gout is a form of arthritis.")
    assert ("medquad_document", "0000999_1") in docs[0].meta.extra  # the data's own key stays readable


def test_medquad_answers_sharing_ids_across_collections_and_split_pages_are_all_kept(tmp_path: Path) -> None:
    page = (
        '<Document id="0000013_2" source="{source}"><Focus>{focus}</Focus><QAPairs><QAPair pid="1">'
        '<Question qid="0000013_2-1" qtype="information">What is {focus}?</Question>'
        "<Answer>{focus} is a condition.</Answer></QAPair></QAPairs></Document>"
    )
    files = {
        "1_CancerGov_QA/0000013_2.xml": ("CancerGov", "Polycythemia vera"),
        "1_CancerGov_QA/0000013_2_1.xml": ("CancerGov", "Primary myelofibrosis"),
        "2_GARD_QA/0000013_2.xml": ("GARD", "Some rare disease"),
    }
    for name, (source, focus) in files.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(page.format(source=source, focus=focus), encoding="utf-8")
    docs = [d for d in load_medquad(tmp_path) if isinstance(d, Document)]
    assert sorted(d.doc_id for d in docs) == [
        "medquad:CancerGov/0000013_2#0000013_2-1",
        "medquad:CancerGov/0000013_2_1#0000013_2-1",
        "medquad:GARD/0000013_2#0000013_2-1",
    ]
    assert {dict(d.meta.extra)["medquad_document"] for d in docs} == {"0000013_2"}


def test_non_utf8_is_decoded_with_a_reported_fallback() -> None:
    docs, _ = load_all("cp1252.txt")
    assert docs[0].text.startswith("Café au lait") and ("encoding_fallback", "cp1252") in docs[0].meta.extra


def test_binary_junk_is_refused() -> None:
    docs, failures = load_all("junk.txt")
    assert docs == [] and "binary" in failures[0].reason


def test_format_detection_and_unknown_format() -> None:
    assert detect_format(FIXTURES / "two_pages.pdf") == "pdf"
    assert detect_format(FIXTURES / "pubmed_set.xml") == "pubmed-xml"
    assert detect_format(FIXTURES / "medquad_sample.xml") == "medquad-xml"
    assert detect_format(FIXTURES / "user_corpus.jsonl") == "jsonl"
    _, failures = load_all("plain_guideline.txt", fmt="docx")
    assert "unknown format" in failures[0].reason


def test_named_format_overrides_extension(tmp_path: Path) -> None:
    file = tmp_path / "notes.dat"
    file.write_text("# Title\n\nBody text here.\n", encoding="utf-8")
    docs = [d for d in load_file(file, "markdown") if isinstance(d, Document)]
    assert docs[0].sections[0].path == ("Title",)
    with pytest.raises(LoadError):
        load_markdown(tmp_path / "missing.md")
