import pytest
from uprwatch.config.errors import UserError
from uprwatch.matching.floor_tracker import FloorTracker
from uprwatch.matching.gazetteer import gazetteer

from tests.conftest import EVAL, load_jsonl

ROLE = {"chair": "chair", "sur": "state_under_review", "delegation": "delegation"}


def display(name: str) -> str:
    return "Chair" if name == "President" else gazetteer().lookup(name).display


def test_dev_session_script_is_attributed_exactly():
    tracker = FloorTracker("China")
    for i, line in enumerate(load_jsonl(EVAL / "dev-session-script.jsonl")):
        said = tracker.attribute(line["text"], float(i))
        assert (said.speaker, said.role) == (display(line["speaker"]), ROLE[line["role"]]), line["text"]


def test_turns_open_only_when_the_speaker_changes():
    tracker = FloorTracker("China")
    opened = [
        tracker.attribute(t, float(i)).new_turn is not None
        for i, t in enumerate(
            [
                "Good morning.",
                "I give the floor to Austria.",
                "Austria recommends A.",
                "And B.",
                "Thank you. Chile, you have the floor.",
            ]
        )
    ]
    assert opened == [True, False, True, False, True]


def test_misheard_announcement_is_recovered_from_the_speakers_list():
    tracker = FloorTracker("China", speakers=["Germany", "France", "Brazil"])
    tracker.attribute("I give the floor to Germany.", 0)
    tracker.attribute("Germany thanks the delegation.", 1)
    tracker.attribute("Thank you. Flush, you have the floor.", 2)
    said = tracker.attribute("Thank you Mister President, we have three recommendations.", 3)
    assert said.speaker == "France"


def test_self_identification_overrides_a_missing_announcement():
    tracker = FloorTracker("China")
    tracker.attribute("I give the floor to Kenya.", 0)
    tracker.attribute("Kenya commends China.", 1)
    said = tracker.attribute("Thank you, Mr President. Brazil recommends that China do more.", 2)
    assert (said.speaker, said.role) == ("Brazil", "delegation")


def test_unknown_state_in_speakers_list_suggests_closest_names():
    with pytest.raises(UserError, match=r"unknown State 'Germny'.*Germany"):
        FloorTracker("China", speakers=["Germany", "Germny"])


@pytest.mark.parametrize(
    ("heard", "state"),
    [
        ("Check Republic", "Czechia"),
        ("Lichtenstein", "Liechtenstein"),
        ("Cote Divoire", "Côte d'Ivoire"),
        ("the UK", "United Kingdom"),
        ("Iran (Islamic Republic of)", "Iran"),
    ],
)
def test_gazetteer_tolerates_asr_and_formal_forms(heard, state):
    assert gazetteer().lookup(heard).display == state


def test_gazetteer_has_193_members_and_2_observers():
    assert len(gazetteer().states) == 195
