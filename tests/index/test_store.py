"""Loading a version: checksum, model and format mismatches stop with a message naming the problem."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from curbside.settings import Settings
from curbside.types import Document
from index.errors import CurbsideIndexError, IndexCorrupt, IndexMismatch
from index.layout import current_dir
from index.store import IndexReader
from index.versions import Chunker, open_current, reindex


@pytest.fixture
def built(settings: Settings, docs: list[Document], chunker: Chunker) -> Settings:
    reindex(docs, settings, progress=False, chunker=chunker)
    return settings


def test_altered_file_fails_its_checksum(built: Settings) -> None:
    version_dir = current_dir(built.index_dir)
    assert version_dir is not None
    vectors = version_dir / "vectors.npy"
    data = bytearray(vectors.read_bytes())
    data[-1] ^= 0xFF
    vectors.write_bytes(bytes(data))
    with pytest.raises(IndexCorrupt, match=r"checksum of vectors\.npy"):
        IndexReader(version_dir)


def test_missing_file_is_named(built: Settings) -> None:
    version_dir = current_dir(built.index_dir)
    assert version_dir is not None
    (version_dir / "dense-guideline.faiss").unlink()
    with pytest.raises(IndexCorrupt, match=r"dense-guideline\.faiss is missing"):
        IndexReader(version_dir)


def test_other_model_or_dimension_is_a_mismatch(built: Settings) -> None:
    other_model = replace(built, embedding=replace(built.embedding, model_name="bge-small-en"))
    with pytest.raises(IndexMismatch, match="model_name='all-MiniLM-L6-v2'.*'bge-small-en'"):
        open_current(other_model)
    other_dim = replace(built, embedding=replace(built.embedding, dimension=768))
    with pytest.raises(IndexMismatch, match="dimension=384.*dimension=768"):
        open_current(other_dim)


def test_other_format_version_is_a_mismatch(built: Settings) -> None:
    version_dir = current_dir(built.index_dir)
    assert version_dir is not None
    manifest = json.loads((version_dir / "manifest.json").read_text())
    manifest["format_version"] = 999
    (version_dir / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(IndexMismatch, match="format_version=999"):
        IndexReader(version_dir)


def test_errors_share_one_base_class() -> None:
    assert issubclass(IndexCorrupt, CurbsideIndexError) and issubclass(IndexMismatch, CurbsideIndexError)


def test_chunks_and_docs_round_trip_exactly(built: Settings, docs: list[Document], chunker: Chunker) -> None:
    reader = open_current(built)
    expected = {c.chunk_id: c for d in docs for c in chunker(d, built.chunking)}
    stored = [reader.chunk(row) for row in range(reader.n_chunks)]
    assert {c.chunk_id: c for c in stored} == expected
    assert all(reader.chunk_by_id(c.chunk_id) == c for c in stored)
    assert reader.chunk_by_id("no-such-chunk") is None
    assert {reader.doc(d.doc_id) for d in docs} == {d.meta for d in docs}
    assert reader.doc("test:none") is None
    assert reader.doc_ids() == sorted(d.doc_id for d in docs)
    for d in docs:
        rows = reader.rows_of_doc(d.doc_id)
        assert rows == sorted(r for r, c in enumerate(stored) if c.doc_id == d.doc_id) and rows
    assert reader.rows_of_doc("test:none") == []
    assert reader.row_doc_ids() == [c.doc_id for c in stored]


def test_every_chunk_is_found_by_its_own_words(built: Settings) -> None:
    reader = open_current(built)
    for row in range(reader.n_chunks):
        assert reader.search_bm25(reader.chunk(row).text, 1)[0][0] == row


def test_known_terms_uses_the_index_tokenizer(built: Settings) -> None:
    reader = open_current(built)
    assert reader.known_terms("The Statins and zzzunknownword") == ["statin"]
