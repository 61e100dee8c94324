"""Facet and finding cues of research sentences."""

from __future__ import annotations

import pytest

from answer.facets import facet_of, heading_facet, result_cue


@pytest.mark.parametrize(
    ("text", "label", "heading", "expected"),
    [
        # A structured-abstract label decides.
        ("This study shows that tunnels of 20 mm can be drilled.", "conclusions", "", 1.0),
        ("We aimed to compare two reamers.", "objective", "", -1.0),
        # Without a label, a results heading does: "this study" under "Conclusions" opens a finding.
        ("This study shows that tunnels of 20 mm can be drilled.", None, "Conclusions", 1.0),
        ("Mortality was lower with the new drug.", None, "Main results", 1.0),
        # The same wording elsewhere reads as an aim; a background heading marks background.
        ("This study shows that tunnels of 20 mm can be drilled.", None, "", -1.0),
        ("Mortality was lower with the new drug.", None, "Background", -1.0),
        # A heading that only starts with a results word is not a results section.
        ("Ten knees were used.", None, "Results of earlier trials", 0.0),
    ],
)
def test_result_cue(text: str, label: str | None, heading: str, expected: float) -> None:
    assert result_cue(text, label, heading) == expected


def test_heading_facet_and_sentence_facet() -> None:
    assert heading_facet("Proposed mechanisms") == "mechanism"
    assert heading_facet("Safety") == "safety"
    assert facet_of("Serious adverse events were rare.") == "safety"
