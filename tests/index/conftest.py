"""Fixtures for index tests: a small clinical corpus, a toy chunker, and settings in a temp home.

The toy chunker (one chunk per paragraph) keeps these tests independent of ingest's chunker;
the embedding cache is shared by all tests of a session so each text is embedded once.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import pytest

from curbside.settings import ChunkingSettings, Settings
from curbside.types import Chunk, DocMeta, Document, Recommendation, Sentence

PARAGRAPHS: dict[str, list[str]] = {
    "gout": [
        "Colchicine, NSAIDs or glucocorticoids are recommended as first-line therapy for a gout flare.",
        "Allopurinol is the preferred first-line urate-lowering therapy, started at a low dose.",
    ],
    "diabetes": [
        "Metformin remains the first-line glucose-lowering drug for most adults with type 2 diabetes.",
        "SGLT2 inhibitors reduce heart failure hospitalisation in patients with type 2 diabetes.",
    ],
    "hypertension": [
        "Blood pressure should be measured out of the office to confirm a diagnosis of hypertension.",
        "Thiazide diuretics, ACE inhibitors, ARBs and calcium channel blockers are first-line agents.",
    ],
    "asthma": [
        "Inhaled corticosteroids are the cornerstone of controller therapy in persistent asthma.",
        "As-needed low-dose budesonide-formoterol reduces severe exacerbations in mild asthma.",
    ],
    "statins": [
        "Statin therapy lowers LDL cholesterol and reduces major cardiovascular events.",
        "Muscle symptoms are reported by some patients taking statins but rarely cause rhabdomyolysis.",
    ],
    "anticoagulation": [
        "Direct oral anticoagulants are preferred over warfarin for stroke prevention in AF.",
        "Bleeding risk should be assessed before starting anticoagulation in elderly patients.",
    ],
    "ckd": [
        "Kidney function is estimated from serum creatinine with the CKD-EPI equation.",
        "ACE inhibitors slow progression of albuminuric chronic kidney disease.",
    ],
    "depression": [
        "Cognitive behavioural therapy is effective for mild to moderate depression in adults.",
        "Selective serotonin reuptake inhibitors are first-line drugs for moderate to severe depression.",
    ],
}
GUIDELINE_TOPICS = frozenset({"gout", "hypertension", "asthma", "anticoagulation"})
REC = Recommendation("for", "Strong, High", "GRADE")


def make_doc(topic: str, paragraphs: list[str] | None = None) -> Document:
    tier = "guideline" if topic in GUIDELINE_TOPICS else "systematic_review"
    meta = DocMeta(
        doc_id=f"test:{topic}", title=f"{topic.title()} summary", source="test", tier=tier,
        organization="Test Society" if tier == "guideline" else None, year=2020,
        publication_types=("Review",) if tier != "guideline" else (), extra=(("topic", topic),),
    )
    return Document(meta=meta, text="\n\n".join(paragraphs or PARAGRAPHS[topic]))


def corpus() -> list[Document]:
    return [make_doc(topic) for topic in PARAGRAPHS]


def toy_chunker(doc: Document, settings: ChunkingSettings) -> list[Chunk]:
    """One chunk per paragraph, with exact offsets and a recommendation on guideline chunks."""
    chunks, pos = [], 0
    for para in doc.text.split("\n\n"):
        start = doc.text.index(para, pos)
        end = pos = start + len(para)
        rec = REC if doc.meta.tier == "guideline" else None
        chunk_id = hashlib.sha1(f"{doc.doc_id}\x1f{para}".encode()).hexdigest()[:16]
        chunks.append(Chunk(
            chunk_id=chunk_id, doc_id=doc.doc_id, text=para, start=start, end=end, section_path=("Summary",),
            tier=doc.meta.tier, sentences=(Sentence(start, end, rec),), recommendation=rec,
        ))
    return chunks


@pytest.fixture(scope="session")
def shared_embed_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("embed-cache")


def settings_in(home: Path, cache: Path, **index_overrides: object) -> Settings:
    home.mkdir(parents=True, exist_ok=True)
    link = home / "embed-cache"
    if not link.exists():
        link.symlink_to(cache, target_is_directory=True)
    base = Settings(home=home)
    return replace(base, index=replace(base.index, **index_overrides))


@pytest.fixture
def settings(tmp_path: Path, shared_embed_cache: Path) -> Settings:
    return settings_in(tmp_path / "home", shared_embed_cache)


@pytest.fixture
def docs() -> list[Document]:
    return corpus()


@pytest.fixture
def chunker():  # noqa: ANN201 - a callable with the chunker's signature
    return toy_chunker


@pytest.fixture
def doc_factory():  # noqa: ANN201
    return make_doc


@pytest.fixture
def make_settings(tmp_path: Path, shared_embed_cache: Path):  # noqa: ANN201
    """``make_settings(name, **index_overrides)``: settings with their own home and the shared cache."""
    return lambda name, **overrides: settings_in(tmp_path / name, shared_embed_cache, **overrides)
