"""IndexLookups: bounded caches, guideline sections, and whether documents speak of a conversation's topic."""

from __future__ import annotations

import pytest

from curbside.types import Hit, pool_of
from retrieval.lookups import IndexLookups, names_topic
from retrieval.vocabulary import stems
from tests.retrieval.conftest import FakeIndex


def _hits(index: FakeIndex, doc_ids: list[str]) -> list[Hit]:
    look = IndexLookups(index)
    return [
        Hit(chunk=look.chunk(r), doc=look.doc(d), score=1.0, pool="guideline")
        for d in doc_ids for r in index.rows_of_doc(d)
    ]


def test_caches_are_bounded(fake_index: FakeIndex, monkeypatch: pytest.MonkeyPatch) -> None:
    import retrieval.lookups as lookups_module

    monkeypatch.setattr(lookups_module, "CACHED_ROWS", 2)
    monkeypatch.setattr(lookups_module, "CACHED_DOCS", 1)
    monkeypatch.setattr(lookups_module, "CACHED_DOC_STEMS", 1)
    look = IndexLookups(fake_index)
    for doc_id in ("acr:gout_flare", "idsa:cap"):
        look.doc_stems(doc_id)
        look.doc(doc_id)
    sizes = look.cache_sizes()
    assert sizes["chunks"] == 2 and sizes["stems"] == 2 and sizes["docs"] == 1 and sizes["rows_of_doc"] == 1
    assert sizes["doc_stems"] == 1


def test_an_unknown_document_reads_as_a_placeholder_not_an_error(fake_index: FakeIndex) -> None:
    meta = IndexLookups(fake_index).doc("who:missing")
    assert (meta.doc_id, meta.source) == ("who:missing", "unknown")


def test_guideline_stems_cover_every_section_of_the_guideline(fake_index: FakeIndex) -> None:
    look = IndexLookups(fake_index)
    words = look.guideline_stems(["acr:gout_flare"])
    assert stems("allopurinol prophylaxis") <= words  # only the urate-lowering section says these
    assert not stems("spironolactone") <= words


def test_off_topic_documents_name_none_of_the_topic_words(fake_index: FakeIndex) -> None:
    look = IndexLookups(fake_index)
    hits = _hits(fake_index, ["acr:gout_flare", "idsa:cap", "aha:htn"])
    topic = [frozenset(stems("pneumonia"))]
    assert look.off_topic_docs(hits, topic, continued=set()) == {"acr:gout_flare", "aha:htn"}
    # A document the previous turn cited stays on topic whatever its words.
    assert look.off_topic_docs(hits, topic, continued={"aha:htn"}) == {"acr:gout_flare"}
    assert look.off_topic_docs(hits, [], continued=set()) == frozenset()


def test_evidence_stems_skip_top_documents_off_the_topic(fake_index: FakeIndex) -> None:
    look = IndexLookups(fake_index)
    docs = ["aha:htn", "aha:htn", "acr:gout_flare"]
    topic = [frozenset(stems("gout"))]
    assert "spironolacton" not in look.evidence_stems(docs, depth=3, topic=topic)
    assert "spironolacton" in look.evidence_stems(docs, depth=3, topic=topic, continued={"aha:htn"})
    assert "colchicin" not in look.evidence_stems(docs, depth=1)  # only the first document is read
    assert "colchicin" in look.evidence_stems(docs, depth=2)  # documents, not passages, are counted


def test_names_topic_needs_all_stems_of_one_topic_word() -> None:
    words = frozenset(stems("urinary tract infection in pregnancy"))
    assert names_topic(words, [frozenset(stems("tract infection"))])
    assert not names_topic(words, [frozenset(stems("respiratory tract"))])


def test_prepare_pool_reads_that_pools_passages_in_row_order_up_to_the_limit(fake_index: FakeIndex) -> None:
    for pool in ("guideline", "research"):
        look = IndexLookups(fake_index)
        rows = [r for r, c in enumerate(fake_index.chunks) if pool_of(c.tier) == pool]
        hits = look.prepare_pool(pool, 10_000)
        assert [h.chunk.chunk_id for h in hits] == [fake_index.chunks[r].chunk_id for r in rows]
        assert all(h.pool == pool and h.doc.doc_id == h.chunk.doc_id for h in hits)
        sizes = look.cache_sizes()
        assert sizes["stems"] == len(rows)  # what a question would read is read now
        assert sizes["doc_stems"] == len({h.doc.doc_id for h in hits})
    look = IndexLookups(fake_index)
    assert [h.chunk.chunk_id for h in look.prepare_pool("guideline", 2)] == [
        h.chunk.chunk_id for h in look.prepare_pool("guideline", 10_000)[:2]
    ]
    assert look.prepare_pool("guideline", 0) == []


def test_a_rows_document_comes_from_one_listing_without_reading_passages(fake_index: FakeIndex) -> None:
    expected = [fake_index.chunk(r).doc_id for r in range(fake_index.n_chunks)]
    # An index without a listing: the passage is read.
    assert [IndexLookups(fake_index).doc_of(r) for r in range(fake_index.n_chunks)] == expected

    class Listed:
        n_chunks = fake_index.n_chunks
        listings = 0

        def row_doc_ids(self) -> list[str]:
            Listed.listings += 1
            return expected

        def chunk(self, row: int) -> None:
            raise AssertionError("a passage was read to find its document")

        def doc_ids(self) -> list[str]:
            return []

        def rows_of_doc(self, doc_id: str) -> list[int]:
            return []

    look = IndexLookups(Listed())
    look.load_metadata()  # the server's warm-up reads the listing, so a question does not
    assert Listed.listings == 1
    assert [look.doc_of(r) for r in range(fake_index.n_chunks)] == expected
    assert Listed.listings == 1
