"""Nigeria STG text files: numbered parts of one condition's chapter form one guideline."""

from __future__ import annotations

from pathlib import Path

from curbside.types import Document
from ingest.sources import load_nstg


def test_numbered_parts_of_a_condition_share_a_guideline_id(tmp_path: Path) -> None:
    for name, body in (
        ("SICKLE CELL DISEASE", "SICKLE CELL DISEASE\nIntroduction\nHaemoglobin S disorders."),
        ("SICKLE CELL DISEASE_2", "SICKLE CELL DISEASE\nTREATMENT\nHydroxyurea 15 mg/kg daily."),
        ("MALARIA", "MALARIA\nTREATMENT\nArtemether-lumefantrine."),
    ):
        (tmp_path / f"{name}.txt").write_text(body, encoding="utf-8")
    docs = {d.meta.doc_id: dict(d.meta.extra) for d in load_nstg(tmp_path) if isinstance(d, Document)}
    assert docs["nstg2022:SICKLE CELL DISEASE"]["guideline_id"] == "SICKLE CELL DISEASE"
    assert docs["nstg2022:SICKLE CELL DISEASE_2"]["guideline_id"] == "SICKLE CELL DISEASE"
    assert docs["nstg2022:MALARIA"]["guideline_id"] == "MALARIA"
