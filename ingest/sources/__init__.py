"""Adapters for known datasets, recognised by their folder layout and names."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from curbside.types import Document
from ingest.failures import LoadFailure
from ingest.sources.bioasq import SNIPPET_CORPUS, load_bioasq
from ingest.sources.evidence_inference import load_evidence_inference
from ingest.sources.medquad import load_medquad
from ingest.sources.nstg import load_nstg
from ingest.sources.open_medicine import load_open_medicine
from ingest.sources.pubmedqa import load_pubmedqa
from ingest.sources.uspstf import load_uspstf

SourceLoader = Callable[[Path], Iterator[Document | LoadFailure]]
OPEN_MEDICINE = "open-medicine"


def _is_uspstf(p: Path) -> bool:
    return (p.is_dir() and p.name == "uspstf") or (
        p.is_file() and p.name.startswith("uspstf_") and p.suffix == ".json"
    )


def _is_nstg(p: Path) -> bool:
    return p.is_dir() and (p.name == "nstg2022" or (p.name == "raw_txt" and p.parent.name == "nstg2022"))


def _is_pubmedqa(p: Path) -> bool:
    return (p.is_dir() and (p / "ori_pqal.json").is_file()) or (p.is_file() and p.name == "ori_pqal.json")


def _is_evidence_inference(p: Path) -> bool:
    return p.is_dir() and (p / "txt_files_v2").is_dir() and (p / "abstracts").is_dir()


def _is_bioasq(p: Path) -> bool:
    return (p.is_dir() and (p / SNIPPET_CORPUS).is_file()) or (p.is_file() and p.name == SNIPPET_CORPUS)


def _is_medquad(p: Path) -> bool:
    return p.is_dir() and (p.name == "medquad" or (p.parent.name == "medquad" and p.name.endswith("_QA")))


_LAYOUTS: tuple[tuple[Callable[[Path], bool], SourceLoader], ...] = (
    (_is_uspstf, load_uspstf),
    (_is_nstg, load_nstg),
    (_is_pubmedqa, load_pubmedqa),
    (_is_evidence_inference, load_evidence_inference),
    (_is_bioasq, load_bioasq),
    (_is_medquad, load_medquad),
)


def recognise(path: Path) -> SourceLoader | None:
    """The dataset adapter for ``path`` when its layout is a known dataset's, else None."""
    for matches, loader in _LAYOUTS:
        if matches(path):
            return loader
    return None


def load_open_medicine_source(_: Path | None = None) -> Iterator[Document | LoadFailure]:
    yield from load_open_medicine()
