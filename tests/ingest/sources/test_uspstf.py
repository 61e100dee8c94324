"""USPSTF snapshot records: metadata read from each record; the statements of one topic form one guideline."""

from __future__ import annotations

import json
from pathlib import Path

from curbside.types import Document
from ingest.sources import load_uspstf


def _record(rec_id: str, title: str, general: str, age_range: object) -> dict:
    return {
        "id": rec_id, "title": title, "grade": "d", "sex": "men and women", "ageRange": age_range,
        "general": general, "text": "<p>The USPSTF recommends against initiating low-dose aspirin use.</p>",
    }


def test_records_of_one_topic_share_a_guideline_id_and_age_ranges_are_read(tmp_path: Path) -> None:
    snapshot = tmp_path / "uspstf_2021.json"
    records = [
        _record("323", "Aspirin -- Adults aged 60 to 69 years", "394", "[60, 69]"),
        _record("325", "Aspirin -- Adults aged 70 years or older", "394", [70, 99]),
        _record("341", "Statin Use -- Adults aged 40 to 75 years", "401", "not a list"),
    ]
    snapshot.write_text(json.dumps({"specificRecommendations": records}), encoding="utf-8")
    docs = {d.meta.doc_id: dict(d.meta.extra) for d in load_uspstf(snapshot) if isinstance(d, Document)}
    assert docs["uspstf:323"]["guideline_id"] == docs["uspstf:325"]["guideline_id"] == "general-394"
    assert docs["uspstf:341"]["guideline_id"] == "general-401"
    assert docs["uspstf:323"]["age_range"] == "60-69"
    assert docs["uspstf:325"]["age_range"] == "70-99"
    assert "age_range" not in docs["uspstf:341"], "an unreadable range is left out, not mangled"
