"""The echo decision: demand terms, the trees evaluated in NumPy, and what the terms change in a match."""

import json

import numpy as np
import pytest
from uprwatch.matching.corpus import CorpusItem
from uprwatch.matching.demand_terms import _literal_start, demand_terms
from uprwatch.matching.echo_decision import FEATURES, MODEL_FILE, model_from_json, term_evidence
from uprwatch.matching.matcher import Matcher

# sentences written for these tests, in no labelled set and in no corpus


def test_instruments_are_found_by_name_short_form_and_description():
    assert demand_terms("Accede to the ICCPR without delay").instruments == {"iccpr"}
    assert "iccpr" in demand_terms("join the covenant on civil and political rights").instruments
    assert demand_terms("become party to the anti-torture convention").instruments == {"cat"}
    assert "rome_statute" in demand_terms("Join the International Criminal Court").instruments
    assert demand_terms("Improve access to clean water in remote villages").instruments == frozenset()


def test_the_kind_of_action_asked_for_is_read_from_the_verb():
    assert demand_terms("Repeal the law on foreign agents").actions >= {"abolish_repeal"}
    assert "ratify" in demand_terms("Sign and accede to the refugee convention").actions
    assert "invite_access" in demand_terms("Extend a standing invitation to all mandate holders").actions
    assert "ratify" not in demand_terms("Release the journalists held since March").actions


def test_term_evidence_tells_a_different_instrument_from_the_same_one():
    item = demand_terms("Ratify the Convention on the Rights of Persons with Disabilities")
    said, extra, conflict, missed, agree, action_conflict, asks_nothing = term_evidence(
        demand_terms("Ratify the Convention against Torture"), item
    )
    assert conflict == 1.0 and missed == 1.0 and agree == 1.0 and action_conflict == 0.0 and asks_nothing == 0.0
    assert said < 1.0 and extra > 0.0
    same = term_evidence(demand_terms("Become a party to the disability rights treaty"), item)  # the treaty described
    assert same[2] == 0.0 and same[3] == 0.0 and same[0] == 1.0
    assert (
        term_evidence(demand_terms("Raise awareness of disability rights"), item)[5] == 1.0
    )  # asks for other action only


def test_a_protocol_or_amendments_asked_for_alone_are_not_the_treaty():
    protocol = demand_terms(
        "Accede to the Optional Protocol to the International Covenant on Economic, Social and Cultural Rights"
    )
    treaty = demand_terms("Accede to the International Covenant on Economic, Social and Cultural Rights")
    both = demand_terms("Become a party to the ICESCR and its Optional Protocol")
    assert protocol.names_other_instruments_than(treaty) and treaty.names_other_instruments_than(protocol)
    assert not both.names_other_instruments_than(protocol) and not both.names_other_instruments_than(treaty)
    alone = demand_terms("Ratify the ICESCR Optional Protocol")  # no "and its": the protocol alone
    assert alone.names_other_instruments_than(treaty)
    of_the = demand_terms("Become a party to the optional protocol of the ICESCR")
    assert of_the.names_other_instruments_than(treaty) and not of_the.names_other_instruments_than(protocol)
    aggression = demand_terms("Ratify the amendments to the Rome Statute on the crime of aggression")
    assert aggression.names_other_instruments_than(demand_terms("Join the International Criminal Court"))


# written for this test, in no labelled set: what a delegation says that asks nothing of the State under review
ASKS_NOTHING = [
    "Has the Government set a date for ratifying the disability convention?",
    "How many complaints did the ombudsman receive last year",
    "Chad warmly welcomes the new plan on maternal health.",
    "We take note with satisfaction of the reform of the juvenile courts.",
    "Back home, we have abolished corporal punishment in schools in 2009 and our legislation forbids it.",
    "My delegation urges the international community to fund the refugee response.",
    "Uruguay legalised same-sex marriage in 2013.",
    "In Portugal, the use of all drugs has been decriminalised since 2001.",
    "Côte d'Ivoire has also recently abolished the death penalty.",
]
ASKS = [
    "We welcome the new plan and recommend that the Government fund it fully.",
    "Recognize the competence of the Committee on Enforced Disappearances.",
    "Fiji would like to see the age of criminal responsibility raised.",
    "Has the Government considered an independent police complaints body? We encourage it to set one up.",
    "Extend a standing invitation to the special rapporteurs.",
    "Adopt a law that recognizes the collective land rights of indigenous peoples.",
    "Encourage business enterprises to carry out human rights due diligence.",
    "Guarantee fair trials where juveniles are concerned.",
    "When reforming the asylum system, pay special attention to children.",
    "Share the experience with interested countries.",
    "In Peru, guarantee access to clean water for every rural school.",
    "have prompt access to a lawyer from the first hour of detention",
]


@pytest.mark.parametrize(("text", "asks_nothing"), [(t, True) for t in ASKS_NOTHING] + [(t, False) for t in ASKS])
def test_a_sentence_that_asks_nothing_is_told_from_a_request(text, asks_nothing):
    assert demand_terms(text).asks_nothing == asks_nothing


def tree_model(threshold: float = 0.5):
    """A stump on the cosine (log-odds -2 at or below 0.6, +2 above) and a deeper tree on coverage then margin."""
    stump = {"feature": [0, 0, 0], "threshold": [0.6, 0, 0], "left": [1, 0, 0], "right": [2, 0, 0],
             "value": [0, -2.0, 2.0], "leaf": [False, True, True]}  # fmt: skip
    # coverage ≤ 0.5 → leaf -1; else margin ≤ 0 → leaf 0.5, else leaf 1.5
    deep = {"feature": [2, 0, 3, 0, 0], "threshold": [0.5, 0, 0.0, 0, 0], "left": [1, 0, 3, 0, 0],
            "right": [2, 0, 4, 0, 0], "value": [0, -1.0, 0, 0.5, 1.5],
            "leaf": [False, True, False, True, True]}  # fmt: skip
    raw = {"features": list(FEATURES), "baseline": 0.5, "threshold": threshold, "trees": [stump, deep]}
    return model_from_json(raw)


def test_trees_of_different_sizes_are_walked_to_their_leaves_and_summed_with_the_baseline():
    rows = np.zeros((4, len(FEATURES)))
    rows[:, 0] = [0.2, 0.6, 0.9, 0.9]  # at the threshold a node goes left
    rows[:, 2] = [0.9, 0.1, 0.9, 0.9]  # coverage
    rows[:, 3] = [-0.1, 0.3, 0.2, 0.0]  # margin
    chance = tree_model().probabilities(rows)
    expected = 0.5 + np.array([-2.0 + 0.5, -2.0 - 1.0, 2.0 + 1.5, 2.0 + 0.5])
    assert np.allclose(chance, 1 / (1 + np.exp(-expected)))


def test_a_model_grown_on_other_features_is_refused(tmp_path):
    raw = json.loads(MODEL_FILE.read_text())
    assert tuple(raw["features"]) == FEATURES and raw["trees"]  # the shipped model is the one read
    raw["features"] = raw["features"][:4]
    with pytest.raises(ValueError, match=r"refit with bench/generalisation\.py --fit"):
        model_from_json(raw, tmp_path / "old.json")


def test_the_same_action_on_another_instrument_is_not_an_echo(tmp_path, monkeypatch):
    monkeypatch.setenv("UPRWATCH_CACHE_DIR", str(tmp_path))
    texts = [
        "Ratify the Convention on the Rights of Persons with Disabilities",
        "Abolish the death penalty for all crimes",
        "Extend a standing invitation to all special procedures",
    ]
    matcher = Matcher([CorpusItem(str(i), "recommendation", t, ("Iceland",)) for i, t in enumerate(texts)])
    # close in meaning to the first item (ratify a convention protecting persons), but another treaty
    for said in (
        "Ratify the Convention for the Protection of All Persons from Enforced Disappearance.",
        "Ratify the International Convention on the Protection of the Rights of All Migrant Workers.",
    ):
        assert matcher.match_text(said) == []
    assert [
        m.ref
        for m in matcher.match_text("Become a party to the Convention on the Rights of Persons with Disabilities.")
    ] == ["0"]


@pytest.mark.parametrize(
    ("form", "start"),
    [
        ("ratif", "ratif"),
        ("forced labou?r", "forced labo"),  # the "u" may be absent from what matches
        ("torture (convention|treaty)", "torture "),
        ("(anti torture|torture) convention", None),  # begins with a choice
        ("cedaw|women's convention", None),  # two beginnings
        ("ab", None),  # too short to rule anything out
    ],
)
def test_a_concept_is_searched_for_only_where_its_plain_beginning_is(form, start):
    assert _literal_start(form) == start


def test_a_form_with_an_optional_letter_is_found_without_it():
    assert "ilo" in demand_terms("Ratify the forced labor convention").instruments
    assert "ilo" in demand_terms("Ratify the forced labour convention").instruments
