"""Pool search through the Retriever: the bonuses for the conversation's guidelines and a named organization,
and the passages of the conversation's guidelines that name what a follow-up newly asks."""

from __future__ import annotations

from curbside.settings import RetrievalSettings
from curbside.types import Conversation, Turn
from retrieval import Retriever
from retrieval import pool_search as pool_search_module
from retrieval.floors import Floors, PoolFloor
from tests.retrieval.conftest import FakeIndex, meta

OPEN_FLOORS = Floors(PoolFloor(0.0, 0.0), PoolFloor(0.0, 0.0))


def make(index, encoder, **settings) -> Retriever:
    return Retriever(index, encoder, RetrievalSettings(**settings), floors=OPEN_FLOORS)


def test_other_sections_of_a_cited_guideline_are_preferred_on_a_follow_up(
    fake_index, fake_encoder, monkeypatch
) -> None:
    # The flare section was cited; the follow-up is answered by the same guideline's urate-lowering section,
    # and its words match a hypertension passage of another guideline as well.
    conversation = Conversation("c10", [Turn("Colchicine for a gout flare?", "", ["acr:gout_flare"])])
    question = "Is a diuretic or allopurinol recommended?"
    monkeypatch.setattr(pool_search_module, "NAMING_DEPTH", 0)  # the boost alone
    order = {}
    for boost in (0.1, 0.0):
        monkeypatch.setattr(pool_search_module, "SAME_GUIDELINE_BOOST", boost)
        hits = make(fake_index, fake_encoder).retrieve(question, conversation).guideline_hits
        docs = list(dict.fromkeys(h.doc.doc_id for h in hits))
        order[boost] = docs.index("acr:gout_ult") < docs.index("aha:htn")
    assert order == {0.1: True, 0.0: False}


def test_a_named_organization_outranks_what_the_conversation_cited(fake_index, fake_encoder) -> None:
    cited = ["acr:gout_flare", "acr:gout_ult"]
    conversation = Conversation("c11", [Turn("Colchicine for a gout flare?", "colchicine gout flare", cited)])
    result = make(fake_index, fake_encoder).retrieve(
        "And what does the ACC/AHA guideline say about his spironolactone?", conversation
    )
    assert result.named_organizations == {"ACC/AHA"}
    assert result.guideline_hits[0].doc.doc_id == "aha:htn"


def test_a_follow_up_finds_the_passage_of_its_guideline_that_names_what_it_newly_asks(
    fake_encoder, monkeypatch
) -> None:
    # The conversation is in a bleeding-ulcer guideline, cited for its endoscopy section. "Aspirin" is named
    # in its resuscitation section only, which shares none of the carried words; another guideline's
    # perioperative passage matches the follow-up's every word.
    ugib = {"organization": "NICE", "guideline_id": "nice_ugib"}
    index = FakeIndex([
        (meta("nice:ugib_endoscopy", **ugib), [
            "After endoscopic treatment of a bleeding ulcer, give a proton pump inhibitor.",
            "Offer endoscopy within 24 hours to patients with upper gastrointestinal bleeding.",
        ]),
        (meta("nice:ugib_resuscitation", **ugib), [
            "Transfuse red cells when haemoglobin falls below 70 g/L.",
            "Continue low-dose aspirin once haemostasis is achieved.",
        ]),
        (meta("acc:periop", organization="ACC/AHA"), [
            "With a coronary stent, aspirin and clopidogrel should not both be stopped before surgery.",
        ]),
    ])
    first = Turn("Bleeding ulcer treated at endoscopy: which proton pump inhibitor after?",
                 "bleeding ulcer endoscopy proton pump inhibitor", ["nice:ugib_endoscopy"])
    question = "He takes aspirin and clopidogrel for a stent. Stop both?"
    found = {}
    for depth in (20, 0):
        monkeypatch.setattr(pool_search_module, "NAMING_DEPTH", depth)
        # Three candidates per search: the resuscitation passage is not among either search's first three.
        result = make(index, fake_encoder, candidates=3).retrieve(question, Conversation("c12", [first]))
        assert "(context:" in result.query
        found[depth] = "Continue low-dose aspirin once haemostasis is achieved." in [
            h.chunk.text for h in result.guideline_hits
        ]
    assert found == {20: True, 0: False}
