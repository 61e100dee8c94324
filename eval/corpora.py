"""The corpus each named dataset is answered over, indexed in its own home beside the user's index.

Each corpus gets ``<home>/eval-indexes/<corpus>`` as its data home, so evaluation never replaces
the index a user serves, and a second run reuses the built index (re-indexing unchanged documents
is a no-op) and the embedding cache. The names and folders are those eval/retrieval_eval.py uses,
so the two harnesses share one build of each corpus.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

from curbside.settings import Settings, shared_data_dir

DocumentSource = Callable[[Path], Iterator[object]]


def _guidelines(root: Path) -> Iterator[object]:
    from ingest.sources import load_nstg, load_open_medicine, load_uspstf

    yield from load_open_medicine()
    yield from load_uspstf(root / "guidelines" / "uspstf")
    yield from load_nstg(root / "guidelines" / "nstg2022")


def _guidelines_sample(root: Path, uspstf: int = 25, nstg: int = 25) -> Iterator[object]:
    """open-medicine whole plus the first USPSTF/NSTG records: small enough for CI, still mixed sources."""
    from ingest.sources import load_nstg, load_open_medicine, load_uspstf

    yield from load_open_medicine()
    for i, doc in enumerate(load_uspstf(root / "guidelines" / "uspstf")):
        if i >= uspstf:
            break
        yield doc
    for i, doc in enumerate(load_nstg(root / "guidelines" / "nstg2022")):
        if i >= nstg:
            break
        yield doc


def _bioasq(root: Path) -> Iterator[object]:
    from ingest.sources import load_bioasq

    yield from load_bioasq(root / "research" / "bioasq")


def _pubmedqa(root: Path) -> Iterator[object]:
    from ingest.sources import load_pubmedqa

    yield from load_pubmedqa(root / "research" / "pubmedqa")


def _evidence_inference(root: Path, articles: int | None = None) -> Iterator[object]:
    """The Evidence Inference 2.0 validation-split articles, full text (annotation offsets index it).

    The whole 915-article full-text set is tens of thousands of chunks (hours to embed on 2 cores);
    the validation articles keep the task realistic (many similar RCT reports) and time-bound.
    ``articles`` keeps only the first N articles in the order the dataset's prompts name them.
    """
    from eval.shared_sets import evidence_inference_articles
    from ingest.sources.evidence_inference import load_article

    folder = root / "research" / "evidence_inference" / "txt_files_v2"
    for pmcid in evidence_inference_articles(root)[:articles]:
        yield load_article(folder / f"PMC{pmcid}.txt", full_text=True)


CORPORA: dict[str, DocumentSource] = {
    "guidelines": _guidelines,
    "guidelines-sample": _guidelines_sample,
    "bioasq": _bioasq,
    "pubmedqa": _pubmedqa,
    "evidence-inference": _evidence_inference,
}


def register_corpus(name: str, source: DocumentSource) -> None:
    """Add a corpus (e.g. a small CI subset) under ``name``."""
    CORPORA[name] = source


def corpus_settings(settings: Settings, corpus: str) -> Settings:
    """Settings whose data home is this corpus's own folder ("current" keeps the user's index)."""
    if corpus == "current":
        return settings
    if corpus not in CORPORA:
        raise ValueError(f"unknown evaluation corpus {corpus!r}: choose current or {', '.join(CORPORA)}")
    return replace(settings, home=settings.home / "eval-indexes" / corpus)


def corpus_documents(corpus: str, root: Path | None = None) -> Iterator[object]:
    return CORPORA[corpus](root or shared_data_dir())


def ensure_corpus_index(settings: Settings, corpus: str, progress: bool = True) -> Settings:
    """Build (or bring up to date) the corpus's index; returns the settings that open it."""
    from index.versions import reindex

    own = corpus_settings(settings, corpus)
    if corpus != "current":
        summary = reindex(corpus_documents(corpus), own, progress=progress)
        if progress:
            print(f"corpus {corpus}: {getattr(summary, 'line', lambda: summary)()}", flush=True)
    return own
