"""Renderers without snapshots: structure, escaping of corpus text, citation numbering, JSON round trip."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from html.parser import HTMLParser

import jsonschema
import pytest

from answer.compose import compose
from answer.render import (
    AnswerFormatError,
    answer_from_dict,
    answer_to_dict,
    load_schema,
    render_html,
    render_json,
    render_text,
)
from curbside.settings import AnswerSettings

QUESTION = "What is the mechanism of action of knee stem cell injections? <b>now</b>"


@pytest.fixture
def answer(seed_result):
    return compose(QUESTION, seed_result, AnswerSettings())


@pytest.fixture
def refusal(irrelevant_result):
    return compose("Bridging before colonoscopy?", irrelevant_result, AnswerSettings())


def _heading_positions(text: str, headings: list[str]) -> list[int]:
    return [text.index(h) for h in headings]


def test_text_has_sections_in_page_order(answer):
    text = render_text(answer)
    headings = ["## Bottom line", "## From the Guidelines", "## From the Research", "## Evidence note",
                "## References"]
    positions = _heading_positions(text, headings)
    assert positions == sorted(positions)
    facet_titles = re.findall(r"^### (.+)$", text, flags=re.M)
    assert facet_titles and facet_titles[0] == "Mechanism"


def test_text_citation_markers_match_the_reference_list(answer):
    text = render_text(answer)
    body, refs = text.split("## References")
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", body)}
    listed = {int(n) for n in re.findall(r"^(\d+)\. ", refs, flags=re.M)}
    assert cited == listed == set(range(1, len(answer.references) + 1))


def test_text_refusal_lists_possibly_related_and_no_sections(refusal):
    text = render_text(refusal)
    assert "No evidence found" in text and "Possibly related:" in text
    assert "From the Guidelines" not in text and "[1]" not in text


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.cites: list[dict[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "a" and dict(attrs).get("class") == "cite":
            self.cites.append(dict(attrs))


def test_html_escapes_corpus_text_and_the_question(answer):
    html = render_html(answer)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<b>now</b>" not in html
    collector = _Collector()
    collector.feed(html)
    assert "script" not in collector.tags and "b" not in collector.tags


def test_html_citations_carry_the_passage_span(answer, chunk_lookup):
    collector = _Collector()
    collector.feed(render_html(answer))
    assert collector.cites
    for attrs in collector.cites:
        chunk = chunk_lookup(attrs["data-chunk-id"])
        assert chunk is not None
        start, end = int(attrs["data-start"]), int(attrs["data-end"])
        assert chunk.start <= start < end <= chunk.end
        assert attrs["href"] == f"#ref-{attrs['data-ref']}"


def test_html_section_order(answer):
    html = render_html(answer)
    order = [html.index(f'class="{c}"') for c in ("bottom-line", "guidelines", "research", "evidence-note")]
    assert order == sorted(order)


def test_json_round_trips_exactly(answer, refusal):
    for item in (answer, refusal):
        data = json.loads(render_json(item))
        assert answer_from_dict(data) == item


def test_json_validates_against_the_schema(answer, refusal):
    schema = load_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    for item in (answer, refusal):
        jsonschema.validate(answer_to_dict(item), schema)


def test_schema_rejects_a_statement_without_citations(answer):
    data = answer_to_dict(answer)
    data["guidelines"][0]["citations"] = []
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, load_schema())


def test_from_dict_names_the_missing_field_and_wrong_version(answer):
    data = answer_to_dict(answer)
    del data["references"]
    with pytest.raises(AnswerFormatError, match="references"):
        answer_from_dict(data)
    with pytest.raises(AnswerFormatError, match="schema_version"):
        answer_from_dict({**answer_to_dict(answer), "schema_version": "0.1"})


def test_markup_is_removed_for_display_but_kept_in_the_statement(answer):
    statement = replace(answer.guidelines[0], text="**Low-dose colchicine** is strongly recommended")
    shown = render_text(replace(answer, guidelines=[statement]))
    assert "Low-dose colchicine is strongly recommended" in shown
    assert statement.text.startswith("**")


def test_a_lead_in_list_renders_as_a_sub_list_and_layout_breaks_do_not(answer):
    listed = replace(
        answer.guidelines[0],
        text="Obtain cultures in adults who:\n\n1. are **severe** <script>x</script>\n"
        "2. have MRSA:\n   - on a swab",
    )
    wrapped = replace(answer.guidelines[0], text="A line broken by the\nsource layout stays one sentence.")
    page = replace(answer, guidelines=[listed, wrapped], bottom_line=[listed])
    text = render_text(page)
    assert "who: [" in text and "\n  - are severe <script>x</script>\n  - have MRSA: on a swab" in text
    assert "A line broken by the source layout stays one sentence." in text
    html = render_html(page)
    items = "<li>are severe &lt;script&gt;x&lt;/script&gt;</li><li>have MRSA: on a swab</li>"
    assert f'<ul class="items">{items}</ul>' in html
    assert '<div class="statement">' in html and "<script>" not in html
    table = replace(listed, text="Graded by FEV1:\n\n| Grade | FEV1 |\n|---|---|\n| **GOLD 1** | >= 80% |")
    assert "\n  - Grade: FEV1\n  - GOLD 1: >= 80%" in render_text(replace(page, guidelines=[table]))


def test_json_statements_carry_what_a_reader_sees_and_it_is_not_read_back(answer):
    lead_in = replace(
        answer.guidelines[0],
        text=(
            "Obtain **blood cultures** in adults with CAP who:\n- are treated for MRSA; or\n"
            "  - were in hospital\n- have severe CAP"
        ),
    )
    answer = replace(answer, guidelines=[lead_in, *answer.guidelines[1:]])
    data = answer_to_dict(answer)
    assert data["guidelines"][0]["display"] == {
        "head": "Obtain blood cultures in adults with CAP who:",
        "items": ["are treated for MRSA; or were in hospital", "have severe CAP"],
    }
    every = data["bottom_line"] + data["guidelines"] + data["evidence_note"]
    every += [s for facet in data["research"] for s in facet["statements"]]
    assert every and all(set(s["display"]) == {"head", "items"} for s in every)
    jsonschema.validate(data, load_schema())
    assert answer_from_dict(data) == answer  # derived from the text: not a field of the answer


def test_a_reference_shows_each_part_once():
    from answer.render_common import reference_display, reference_parts
    from curbside.types import DocMeta, Reference

    doc = DocMeta(
        doc_id="open-medicine:acr_gout_2020/flare", source="open-medicine", tier="guideline",
        title="2020 ACR Guideline for Management of Gout — Flare Management in Gout — ACR 2020",
        organization="ACR", year=2020, doi="10.1002/art.41247",
    )
    path = ("Flare Management in Gout — ACR 2020", "Acute Gout Flare Treatment", "First-Line Therapies")
    ref = Reference(number=1, doc=doc, chunk_id="c1", section_path=path, start=96, end=454)
    assert reference_display(ref) == {
        "title": "2020 ACR Guideline for Management of Gout — Flare Management in Gout",
        "source": "ACR 2020",
        "location": "Acute Gout Flare Treatment › First-Line Therapies (characters 96-454)",
    }
    line = ". ".join(reference_parts(ref))
    assert line.count("ACR 2020") == 1 and line.count("Flare Management in Gout") == 1
    # A title that does not end in its source, and a heading that is not a part of the title, are shown whole
    # (though the title's words include "Treatment").
    other = replace(doc, title="Gout — Nigeria Standard Treatment Guidelines 2022", organization="FMoH")
    plain = reference_display(replace(ref, doc=other, section_path=("Treatment",), page=4))
    assert plain == {
        "title": "Gout — Nigeria Standard Treatment Guidelines 2022",
        "source": "FMoH 2020",
        "location": "Treatment (p. 4, characters 96-454)",
    }


def test_json_references_carry_their_display_parts(answer):
    data = answer_to_dict(answer)
    shown = [r["display"] for r in data["references"]]
    assert shown and all(set(d) == {"title", "source", "location"} for d in shown)
    jsonschema.validate(data, load_schema())
    assert answer_from_dict(data) == answer


def test_an_answer_stored_as_schema_1_1_still_loads(answer):
    data = answer_to_dict(answer)
    for reference in data["references"]:
        del reference["display"]
    assert answer_from_dict({**data, "schema_version": "1.1"}) == answer


def test_an_answer_stored_as_schema_1_0_still_loads(answer):
    data = answer_to_dict(answer)
    for key in ("bottom_line", "guidelines", "evidence_note"):
        for statement in data[key]:
            del statement["display"]
    for facet in data["research"]:
        for statement in facet["statements"]:
            del statement["display"]
    for reference in data["references"]:
        del reference["display"]
    assert answer_from_dict({**data, "schema_version": "1.0"}) == answer
