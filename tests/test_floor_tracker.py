import pytest
from uprwatch.config.errors import UserError
from uprwatch.matching.floor_tracker import UNIDENTIFIED, FloorTracker
from uprwatch.matching.gazetteer import gazetteer

from tests.conftest import EVAL, ROOT, load_jsonl, needs_shared

ROLE = {
    "chair": "chair",
    "sur": "state_under_review",
    "state_under_review": "state_under_review",
    "delegation": "delegation",
}
HARD = ROOT / "bench" / "data" / "hard-session-script.jsonl"


def display(name: str) -> str:
    return (
        name
        if name in ("Chair", UNIDENTIFIED)
        else "Chair"
        if name == "President"
        else gazetteer().lookup(name).display
    )


def speakers_of(tracker: FloorTracker, text: str, at: float = 0.0) -> list[str]:
    return [part.speaker for part in tracker.attribute(text, at, at + 1)]


@pytest.mark.parametrize("path", [pytest.param(EVAL / "dev-session-script.jsonl", marks=needs_shared), HARD])
@pytest.mark.parametrize("with_list", [False, True])
def test_scripted_sessions_are_attributed_exactly(path, with_list):
    script = load_jsonl(path)
    listed = list(dict.fromkeys(line["speaker"] for line in script if line["role"] == "delegation"))
    tracker = FloorTracker("China", listed if with_list else None)
    for i, line in enumerate(script):
        parts = tracker.attribute(line["text"], float(i), float(i) + 1)
        expected = line.get("expect_without_list") if not with_list else None
        assert [(p.speaker, p.role) for p in parts] == [(expected or display(line["speaker"]), ROLE[line["role"]])], (
            line
        )


def test_turns_open_only_when_the_speaker_changes():
    tracker = FloorTracker("China")
    texts = [
        "Good morning.",
        "I give the floor to Austria.",
        "Austria recommends A.",
        "And B.",
        "Thank you. Chile, you have the floor.",
    ]
    opened = [tracker.attribute(t, float(i))[0].new_turn is not None for i, t in enumerate(texts)]
    assert opened == [True, False, True, False, True]


def test_one_utterance_holding_the_handover_is_split_between_chair_and_delegation():
    tracker = FloorTracker("China")
    tracker.attribute("I give the floor to Germany.", 0, 2)
    tracker.attribute("Germany recommends A.", 3, 5)
    parts = tracker.attribute(
        "I thank you. Thank you. Austria, you have the floor. Thank you, Mr President. Austria recommends A.", 10, 20
    )
    assert [(p.speaker, p.role) for p in parts] == [
        ("Germany", "delegation"),
        ("Chair", "chair"),
        ("Austria", "delegation"),
    ]
    assert parts[2].text == "Thank you, Mr President. Austria recommends A."
    assert parts[0].start == 10 and parts[2].end == 20 and parts[1].start < parts[2].start
    assert parts[2].new_turn is not None and parts[2].new_turn.start == parts[2].start


def test_misheard_announcement_is_recovered_from_the_speakers_list():
    tracker = FloorTracker("China", speakers=["Benin", "Brazil", "Bulgaria"])
    tracker.attribute("I give the floor to Benin.", 0)
    tracker.attribute("Thank you, Mr President. We welcome the report.", 1)
    tracker.attribute("I thank Benin. The next speaker is Braille.", 2)
    assert speakers_of(tracker, "Thank you Mister President, we have three recommendations.", 3) == ["Brazil"]


def test_to_be_followed_by_names_the_speaker_after_next():
    tracker = FloorTracker("China")
    tracker.attribute("I give the floor to Belgium, to be followed by Benin.", 0)
    tracker.attribute("Belgium recommends A.", 1)
    tracker.attribute("Thank you. I now give the floor to the next speaker.", 2)
    assert speakers_of(tracker, "Thank you, Mr President. We recommend B.", 3) == ["Benin"]


def test_a_delegation_that_never_names_itself_after_an_unheard_announcement_is_not_the_chair():
    tracker = FloorTracker("China")
    tracker.attribute("Thank you. Flush, you have the floor.", 0)
    parts = tracker.attribute("Thank you, Madam President. We recommend abolishing the death penalty.", 1)
    assert [(p.speaker, p.role) for p in parts] == [(UNIDENTIFIED, "delegation")]


def test_a_state_quoted_inside_a_statement_does_not_take_the_floor():
    tracker = FloorTracker("China")
    tracker.attribute("I give the floor to Austria.", 0)
    assert speakers_of(tracker, "Austria recommends A. As France recommends, China should also do B.", 1) == ["Austria"]
    assert speakers_of(tracker, "Like Germany, we recommend C.", 2) == ["Austria"]


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


def _after_a_statement(line: str) -> tuple[list[str], str]:
    """Who the tracker credits with a chair line said after Austria's statement, and with the statement after it."""
    tracker = FloorTracker("Kenya")
    tracker.attribute("I give the floor to Austria.", 0, 1)
    tracker.attribute("Thank you. Austria recommends that Kenya ratify the Convention.", 1, 2)
    chair = [p.speaker for p in tracker.attribute(line, 2, 3)]
    after = tracker.attribute("Thank you, Madam President. We recommend that Kenya strengthen its institutions.", 3, 4)
    return chair, after[0].speaker


def test_handovers_in_wording_no_rule_was_written_for():
    # bench/data/floor/handovers-extra.txt: written apart from the tracker and from every tuned set
    rows = [line.split("\t") for line in (ROOT / "bench/data/floor/handovers-extra.txt").read_text().splitlines()]
    handovers = [(text, label) for text, label in rows if label != "NONE" and "DELEGATION" not in label]
    named, wrong = 0, []
    for text, label in handovers:
        chair, next_speaker = _after_a_statement(text)
        named += next_speaker == display(label) and chair == ["Chair"]
        if next_speaker not in (display(label), UNIDENTIFIED, "Austria"):
            wrong.append((text, next_speaker))
    # measured when the general hand-over cue came in: 19 of 28 named (12 before it), one wrong State, the
    # ASR-mangled "thank you el salvador i pass on to the gamble", which credits the thanked State
    assert named >= 19 and len(wrong) <= 1, wrong
    remarks = [_after_a_statement(text) for text, label in rows if label == "NONE"]
    # a remark that hands the floor to nobody names no one as the next speaker ...
    assert all(after in (UNIDENTIFIED, "Austria") for _, after in remarks)
    # ... and is the chair's: measured 11 of 17 once remarks about the room were told from statements (8 before);
    # after those Austria goes on, which is right: the chair gave nobody else the floor
    assert sum(chair == ["Chair"] for chair, _ in remarks) >= 11


def test_misheard_names_are_found_by_sound_and_ordinary_words_are_not():
    # forms in no labelled set: spelling alone misses them, sound and spelling together find them
    g = gazetteer()
    heard = {"bahreen": "Bahrain", "ecwador": "Ecuador", "swisserland": "Switzerland", "sir lanka": "Sri Lanka"}
    found = {w: g.sounds_like(w) for w in heard}
    assert {w: s.display if s else None for w, s in found.items()} == heard
    assert [g.sounds_like(w) for w in ("the microphone", "switched on", "is resumed", "time is up")] == [None] * 4
    assert [s.display for s in g.states_in("thank you bahreen now over to ecwador")] == ["Bahrain", "Ecuador"]


def test_a_formal_name_is_told_by_the_words_that_say_which_state():
    # forms in no labelled set: "republic of" alone must not make a misheard name the Republic of Korea
    g = gazetteer()
    heard = {
        "the federal republic of jar many": ["Germany"],
        "the republic of call umbia": ["Colombia"],
        "the United Kingdon": ["United Kingdom"],  # a name of form words only is compared whole
        "the Unitd States": ["United States"],
        "the republic of the kongo": ["Congo"],  # "democratic" tells the two Congos and the two Koreas apart
        "democratic peoples republic of corea": ["Democratic People's Republic of Korea"],
    }
    assert {w: [s.display for s in g.states_in(w)] for w in heard} == heard
    assert [s.display for s in g.states_in("the republic of moo ban")] == []
    assert g.sounds_like("the kingdom of") is None
    # French and Spanish names in the order a chair says them; a short one only as spelt ("série" is no Serbie)
    assert g.lookup("la république islamique d'iran").display == "Iran"
    assert g.lookup("federation de rusie").display == "Russian Federation"
    assert g.states_in("une seconde série de questions") == [] and g.lookup("serbie").display == "Serbia"


def test_a_nameless_handover_advances_the_list_and_the_guess_is_marked_until_the_statement_names_itself():
    tracker = FloorTracker("Kenya", speakers=["Benin", "Bhutan", "Bolivia (Plurinational State of)"])
    tracker.attribute("I give the floor to Benin.", 0)
    tracker.attribute("Thank you, Madam President. Benin recommends that Kenya ratify the Convention.", 1)
    assert speakers_of(tracker, "Thank you. Go ahead please.", 2) == ["Chair"]
    guessed = tracker.attribute("Thank you Madam President. We recommend that Kenya protect journalists.", 3)
    assert [(p.speaker, p.confirmed) for p in guessed] == [("Bhutan", False)]
    assert guessed[0].new_turn is not None and not guessed[0].new_turn.confirmed
    confirmed = tracker.attribute("Bhutan also recommends that Kenya end child marriage.", 4)
    assert [(p.speaker, p.confirmed, p.new_turn) for p in confirmed] == [("Bhutan", True, None)]


def test_a_guessed_speaker_is_corrected_when_the_statement_names_another_state():
    tracker = FloorTracker("Kenya", speakers=["Benin", "Bhutan", "Bolivia (Plurinational State of)"])
    tracker.attribute("I give the floor to Benin.", 0)
    tracker.attribute("Thank you, Madam President. Benin recommends that Kenya ratify the Convention.", 1)
    tracker.attribute("Next speaker, please.", 2)  # Bhutan is absent; Bolivia speaks
    tracker.attribute("Thank you Madam President. We align ourselves with the previous speakers.", 3)
    parts = tracker.attribute("Bolivia recommends that Kenya recognise the rights of indigenous peoples.", 4)
    turn = parts[0].new_turn
    assert turn is not None and (turn.speaker, turn.confirmed, turn.corrects) == ("Bolivia", True, "Bhutan")


def test_a_delegation_does_not_continue_across_a_chair_remark_that_hands_over_to_nobody_heard():
    # wording in no labelled set: a procedural remark, then a statement that does not name itself
    tracker = FloorTracker("Kenya")
    tracker.attribute("I give the floor to Benin.", 0)
    tracker.attribute("Thank you, Madam President. Benin recommends that Kenya ratify the Convention. I thank you.", 1)
    assert speakers_of(tracker, "Delegations are kindly reminded of the speaking time.", 2) == ["Chair"]
    after = speakers_of(tracker, "Madam President, our delegation recommends that Kenya protect journalists.", 3)
    assert after == [UNIDENTIFIED]
    # and a delegation's own short sentence after a pause is not taken for the chair
    tracker = FloorTracker("Kenya")
    tracker.attribute("I give the floor to Benin.", 0)
    tracker.attribute("Thank you, Madam President. Benin welcomes the delegation of Kenya.", 1)
    assert speakers_of(tracker, "We note the progress made.", 2) == ["Benin"]
    assert speakers_of(tracker, "Finally, the list of our recommendations is long.", 3) == ["Benin"]


def test_general_handover_classes_hold_on_wording_in_no_set():
    # "X, then Y": X speaks now; a name elsewhere in a sentence whose hand-over phrase named nobody; "hear from"
    for line, first in (
        ("Zambia, then Zimbabwe.", "Zambia"),
        ("I call on the next delegation, Zimbabwe.", "Zimbabwe"),
        ("We will now be hearing from Zambia.", "Zambia"),
    ):
        chair, after = _after_a_statement(line)
        assert chair == ["Chair"] and after == first, line


# A statement that opens in no delegation's usual way, longer than a chair's hand-over (a short one may be taken for
# one: "and more" sounds like Andorra).
NEUTRAL = "Education has improved since the last review in every province, and much remains to be done for girls."


def _with_list_after(
    line: str, closing: str = " I thank you.", then: str = "Madam President, we recommend that Kenya protect defenders."
) -> tuple[list[str], str, bool]:
    """A chair line after Austria's statement, with Austria, Zambia and Zimbabwe on the speakers list: who says it,
    and who is credited with the unnamed statement `then` after it (and whether as a guess)."""
    tracker = FloorTracker("Kenya", speakers=["Austria", "Zambia", "Zimbabwe"])
    tracker.attribute("I give the floor to Austria.", 0, 1)
    tracker.attribute(f"Thank you. Austria recommends that Kenya ratify the Convention.{closing}", 1, 2)
    chair = [p.speaker for p in tracker.attribute(line, 2, 3)]
    after = tracker.attribute(then, 3, 4)[0]
    return chair, after.speaker, after.confirmed


@pytest.mark.parametrize(
    "line",
    [
        "The following delegation may proceed.",  # proceed
        "I now turn to the following speaker.",  # turn to
        "Over to the delegation that follows.",  # over to
        "We will now be listening to the following speaker.",  # listening, beside a delegation's "we"
        "It is your time now.",  # your time
    ],
)
def test_nameless_handover_words_advance_the_list_in_wording_no_set_has(line):
    # each a class of the chair's hand-over vocabulary, in sentences written for this test and in no labelled set;
    # the statement after it opens in no delegation's usual way, so only the hand-over says the floor moved on
    assert _with_list_after(line, then=NEUTRAL) == (["Chair"], "Zambia", False)


@pytest.mark.parametrize(
    "line",
    [
        # a delegation's own words beside a procedural one, each of which alone would make a short remark the chair's
        "Austria acknowledges the list of measures.",
        "Congratulations on the list of measures.",
        "Efforts on the list are noted.",
        "The national report is on the list.",
        "Mr. Vice-President, the speaking time is short.",  # addressing the chair
    ],
)
def test_a_delegations_short_sentences_are_never_the_chairs(line):
    tracker = FloorTracker("Kenya")
    tracker.attribute("I give the floor to Austria.", 0, 1)
    tracker.attribute("Thank you. Austria recommends that Kenya ratify the Convention.", 1, 2)
    assert speakers_of(tracker, line, 2) == ["Austria"]


def test_a_statement_closed_with_thanks_lets_a_bare_remark_be_the_chairs():
    # "thank you for your attention" closes a statement like "I thank you"; without a closing the same remark
    # is the delegation's own
    closed = _with_list_after("The clock has run out.", closing=" Thank you so much for your attention.")
    assert closed[0] == ["Chair"]
    assert _with_list_after("The clock has run out.", closing="")[0] == ["Austria"]


@pytest.mark.parametrize("line", ["Zambia, and then Zimbabwe.", "Zambia, and after that Zimbabwe."])
def test_the_first_of_two_named_states_speaks_now(line):
    chair, after = _after_a_statement(line)
    assert chair == ["Chair"] and after == "Zambia"


# Rule classes added after the held-out figures of the first evaluation; each is checked on sentences written for
# this test and in no labelled set, and each test fails when its rule is taken out.


def _tracker_after_lesotho(speakers: list[str] | None = None) -> FloorTracker:
    """Lesotho has spoken in the review of Peru (hand-over and self-naming both heard)."""
    tracker = FloorTracker("Peru", speakers)
    tracker.attribute("I now give the floor to Lesotho.", 0)
    tracker.attribute("Thank you, Madam President. Lesotho commends Peru for its report.", 1)
    return tracker


@pytest.mark.parametrize(
    ("opening", "expected"),
    [
        ("Thank you, Mr. President. We encourage Peru to strengthen its prison oversight.", UNIDENTIFIED),
        ("Thank you very much Madam President. Liberia applauds the new housing plan.", "Liberia"),
        # greeting the chair in Portuguese first, as Lusophone delegations do
        ("obrigada senhora presidente thank you we encourage peru to fund legal aid", UNIDENTIFIED),
        ("Muito obrigado, Senhor Presidente. Liberia applauds the new housing plan.", "Liberia"),
    ],
)
def test_a_statement_that_opens_by_thanking_the_chair_is_never_the_previous_delegation(opening, expected):
    # the chair's hand-over was lost (no chair utterance at all): the new statement is not Lesotho's
    tracker = _tracker_after_lesotho()
    assert speakers_of(tracker, opening, 2) == [expected]


def test_a_reply_to_the_dialogue_is_the_state_under_review_guessed_and_a_listed_guess_is_not_taken():
    tracker = _tracker_after_lesotho(speakers=["Lesotho", "Liberia", "Libya"])
    said = tracker.attribute("Thank you Madam President. Let me answer a few of the questions posed so far.", 2)
    assert [(p.speaker, p.confirmed) for p in said] == [("Peru", False)]


@pytest.mark.parametrize(
    "line",
    [
        "I now invite the State under review to take the floor for its replies.",
        "Excellency, you have five minutes for your closing remarks.",
    ],
)
def test_the_chair_naming_the_state_under_review_by_its_role_hands_it_the_floor(line):
    tracker = _tracker_after_lesotho()
    assert speakers_of(tracker, line, 2) == ["Chair"]
    assert speakers_of(tracker, "Thank you. We have listened carefully to all delegations today.", 3) == ["Peru"]


@pytest.mark.parametrize(
    ("chair", "resumes"),
    [
        ("Apologies for interrupting, the English channel has no sound. Please continue.", "Thank you. Peru must"),
        ("Sorry to interrupt, the interpreters have lost the sound.", "Je disais donc que le Pérou doit"),
    ],
)
def test_after_the_chair_interrupts_the_speaker_who_resumes_is_the_one_interrupted(chair, resumes):
    tracker = _tracker_after_lesotho(speakers=["Lesotho", "Liberia", "Libya"])
    assert speakers_of(tracker, chair, 2) == ["Chair"]
    said = tracker.attribute(f"{resumes} ratify the Convention on migrant workers.", 3)
    assert [(p.speaker, p.confirmed) for p in said] == [("Lesotho", True)]


def test_a_technical_remark_about_the_floor_hands_it_to_nobody():
    tracker = _tracker_after_lesotho(speakers=["Lesotho", "Liberia", "Libya"])
    assert speakers_of(tracker, "There is no sound from the floor microphones.", 2) == ["Chair"]
    said = tracker.attribute("Thanks. The plan must reach the rural regions too.", 3)
    assert said[0].speaker != "Liberia"  # a nameless hand-over would have moved the list on


def test_we_shall_hear_and_followed_by_hand_over_and_a_remark_right_after_stays_the_chairs():
    tracker = _tracker_after_lesotho()
    assert speakers_of(tracker, "We shall hear Libya, followed by Liechtenstein. Ninety seconds each.", 2) == ["Chair"]
    assert speakers_of(tracker, "Thank you. The Government should publish prison data.", 3) == ["Libya"]


@pytest.mark.parametrize(
    ("statement", "expected", "sure"),
    [
        ("We are glad to be here. In this spirit, the Chilean delegation warmly commends Peru.", "Chile", True),
        ("Allow me a word first. On behalf of the Government of Iceland I wish Peru well.", "Iceland", True),
        ("We are glad to be here. Mala wee welcomes the new prison oversight body.", "Malawi", False),
        ("We are glad to be here. Our land welcomes all who seek refuge.", UNIDENTIFIED, True),
    ],
)
def test_a_statement_after_a_nameless_handover_is_identified_where_it_names_itself(statement, expected, sure):
    tracker = _tracker_after_lesotho()
    assert speakers_of(tracker, "Thank you. Next delegation, please.", 2) == ["Chair"]
    said = tracker.attribute(statement, 3)
    assert (said[-1].speaker, said[-1].confirmed) == (expected, sure)
    # the State under review named as the object is never taken for the speaker
    tracker = _tracker_after_lesotho()
    tracker.attribute("Thank you. Next delegation, please.", 2)
    assert tracker.attribute("We are glad to be here. We thank Peru, which welcomes us.", 3)[-1].speaker == UNIDENTIFIED


@pytest.mark.parametrize(
    ("handover", "statement", "expected"),
    [
        (
            "Je donne maintenant la parole à la délégation de la Suède.",
            "Merci Monsieur le Président. Mon pays salue le rapport.",
            "Sweden",
        ),
        (
            "Doy la palabra al distinguido representante de Noruega.",
            "Gracias señor presidente. Queremos felicitar al Perú.",
            "Norway",
        ),
        (
            "Thank you. Next on my list.",
            "Merci Madame la Présidente. La Belgique recommande au Pérou de ratifier.",
            "Belgium",
        ),
        (
            "Thank you. Next on my list.",
            "Gracias señora presidenta. Alemania recomienda al Perú proteger a los periodistas.",
            "Germany",
        ),
    ],
)
def test_the_chair_and_the_delegations_in_french_and_spanish(handover, statement, expected):
    # official languages of the Council, on the floor channel: hand-over formulas, greetings of the chair and the
    # States' French and Spanish names (none of these sentences is in a labelled set)
    tracker = _tracker_after_lesotho()
    assert speakers_of(tracker, handover, 2) == ["Chair"]
    assert speakers_of(tracker, statement, 3) == [expected]


def test_a_title_or_a_bare_go_ahead_after_a_named_call_keeps_the_call():
    tracker = _tracker_after_lesotho(speakers=["Lesotho", "Liberia", "Libya", "Lithuania"])
    line = "Liberia is not in the room, we shall return to the delegation of Liberia. Lithuania. Go ahead please."
    assert speakers_of(tracker, line, 2) == ["Chair"]
    assert speakers_of(tracker, "Excellency, you have the floor.", 3) == ["Chair"]
    said = tracker.attribute("Thanks. The plan must reach the rural regions too.", 4)
    assert [(p.speaker, p.confirmed) for p in said] == [("Lithuania", True)]


def test_a_handover_run_into_the_statement_without_punctuation_is_split_at_the_thanks_to_the_chair():
    tracker = _tracker_after_lesotho()
    said = tracker.attribute(
        "thank you the delegate of libya please you are on thank you mister president libya commends peru", 2
    )
    assert [p.speaker for p in said] == ["Chair", "Libya"]


def test_the_head_of_delegation_named_after_a_title_and_the_chair_thanking_in_french():
    tracker = FloorTracker("Peru")
    line = "Le plaisir est à moi de donner la parole à la ministre, cheffe de la délégation du Pérou."
    assert speakers_of(tracker, line, 0) == ["Chair"]
    assert speakers_of(tracker, "Gracias. Es un honor presentar nuestro informe.", 1) == ["Peru"]
    tracker.attribute("I give the floor to Lesotho.", 2)
    tracker.attribute("Thank you Madam President. Lesotho commends Peru.", 3)
    assert speakers_of(tracker, "Merci Lesotho.", 4) == ["Chair"]


def test_after_the_opening_the_first_handover_and_a_minister_are_the_state_under_review():
    tracker = FloorTracker("Peru", speakers=["Lesotho", "Liberia"])
    opening = "Good afternoon. This afternoon we begin the review of Peru. Excellency, you may begin."
    assert speakers_of(tracker, opening, 0) == ["Chair"]
    said = tracker.attribute("Thank you Madam President. It is an honour to present our report.", 1)
    assert [(p.speaker, p.confirmed) for p in said] == [("Peru", True)]
    tracker.attribute("I give the floor to Lesotho.", 2)
    tracker.attribute("Thank you Madam President. Lesotho commends Peru.", 3)
    assert speakers_of(tracker, "Madam Minister, you have the floor.", 4) == ["Chair"]
    assert speakers_of(tracker, "Thank you. We take note of every comment.", 5) == ["Peru"]


# Rule classes of 2026-11-25 that had no test of their own: each checked on sentences in no labelled set.


def test_the_turn_of_a_name_heard_only_by_sound_hands_over():
    tracker = _tracker_after_lesotho()
    assert speakers_of(tracker, "It is now the turn of libby a.", 2) == ["Chair"]
    assert speakers_of(tracker, "Thanks. The plan must reach the rural regions.", 3) == ["Libya"]


def test_the_chair_speaking_of_the_state_it_called_is_still_the_chair():
    tracker = _tracker_after_lesotho()
    assert speakers_of(tracker, "Liberia, you have the floor.", 2) == ["Chair"]
    line = "The delegation of Liberia does not seem to be in the room yet, so we shall wait a moment."
    assert speakers_of(tracker, line, 3) == ["Chair"]


def test_a_reply_naming_what_another_state_mentioned_is_the_state_under_review():
    tracker = _tracker_after_lesotho(speakers=["Lesotho", "Liberia", "Libya"])
    said = tracker.attribute("Thank you, Madam President. On the prison reform mentioned by Lesotho, a law passed.", 2)
    assert [(p.speaker, p.confirmed) for p in said] == [("Peru", False)]


def test_the_last_word_goes_to_the_state_under_review():
    tracker = _tracker_after_lesotho()
    assert speakers_of(tracker, "Minister, you get the last word.", 2) == ["Chair"]
    assert speakers_of(tracker, "Thanks. We listened to all of you.", 3) == ["Peru"]


@pytest.mark.parametrize(
    "handover", ["Liberia, followed by libby a.", "Libby a, over to you."], ids=["followed by", "outside the phrase"]
)
def test_a_name_heard_only_by_sound_in_a_handover_is_taken_as_a_guess(handover):
    tracker = _tracker_after_lesotho()
    tracker.attribute(handover, 2)
    if handover.startswith("Liberia"):
        assert speakers_of(tracker, "Thanks. Liberia recommends that Peru act.", 3) == ["Liberia"]
    said = tracker.attribute("Thank you Madam President. We ask Peru to act as well.", 4)
    assert [(p.speaker, p.confirmed) for p in said] == [("Libya", False)]


def test_a_statement_opening_on_a_recommendation_after_a_chair_remark_is_a_delegations():
    tracker = _tracker_after_lesotho()
    tracker.attribute("We hope these remarks help. I thank you.", 2)  # Lesotho's statement has ended
    assert speakers_of(tracker, "The interpreters ask for a slower pace.", 3) == ["Chair"]
    assert speakers_of(tracker, "Establish an independent prison inspectorate without delay.", 4) == [UNIDENTIFIED]


@pytest.mark.parametrize(
    "remark",
    [
        "The interpreters are asking you to slow down.",
        # the chair asking the speaker to finish or slow down hands over nothing ("to a close" is not Togo)
        "Please bring your statement to a close.",
        "The booths cannot keep up, please slow down.",
        "Excellency, kindly conclude your statement.",
        # asking the one speaking by role is no call ("the distinguished representative" is not the next one)
        "I must ask the distinguished representative to wrap up, please.",
        "Might I ask the delegate to bring the statement to a close.",
    ],
)
@pytest.mark.parametrize("speakers", [None, ["Lesotho", "Libya"]])
def test_a_statement_the_chair_cut_into_goes_on_unconfirmed(remark, speakers):
    tracker = _tracker_after_lesotho(speakers)  # Lesotho has not finished: no "I thank you"
    assert speakers_of(tracker, remark, 2) == ["Chair"]
    said = tracker.attribute("and lastly we ask Peru to fund legal aid in every province", 3)
    assert [(p.speaker, p.confirmed) for p in said] == [("Lesotho", False)]
    # a new statement opens by addressing the chair: the cut-in statement is not taken up again
    tracker.attribute("Thank you. Next speaker, please.", 4)
    expected = "Libya" if speakers else UNIDENTIFIED
    assert speakers_of(tracker, "Madam President, we thank Peru for its openness.", 5) == [expected]


def test_the_chair_thanking_the_speaker_by_name_closes_its_statement():
    tracker = _tracker_after_lesotho()
    assert speakers_of(tracker, "Thank you very much, Lesotho.", 2) == ["Chair"]
    assert speakers_of(tracker, "Establish an independent prison inspectorate without delay.", 3) == [UNIDENTIFIED]


@pytest.mark.parametrize(
    "call",
    [
        "Let us now hear from the country under review.",
        "Peru wishes to reply to some of the points made.",
        "I understand that the delegation of Peru would like to respond at this stage to several of the questions.",
        "The distinguished delegation of the Republic of Peru has the floor to answer.",
    ],
)
def test_the_state_under_review_called_to_answer_takes_the_floor(call):
    tracker = _tracker_after_lesotho(speakers=["Lesotho", "Liberia", "Libya"])
    assert speakers_of(tracker, call, 2) == ["Chair"]
    said = tracker.attribute("Thank you, Madam President. Let me turn to prisons.", 3)
    assert [(p.speaker, p.confirmed) for p in said] == [("Peru", True)]


def test_a_guessed_speaker_whose_words_answer_the_questions_is_the_state_under_review():
    tracker = _tracker_after_lesotho(speakers=["Lesotho", "Liberia", "Libya"])
    tracker.attribute("Next speaker, please.", 2)
    assert [(p.speaker, p.confirmed) for p in tracker.attribute("Thank you, Madam President.", 3)] == [
        ("Liberia", False)
    ]
    said = tracker.attribute("In reply to the questions on prisons, a new inspectorate opened in May.", 4)
    assert [(p.speaker, p.confirmed, p.new_turn is not None) for p in said] == [("Peru", False, True)]


def test_a_spanish_statement_naming_itself_with_a_welcome_is_credited():
    tracker = _tracker_after_lesotho()
    tracker.attribute("Next speaker, please.", 2)
    said = "muchas gracias señora presidenta costa rica da una muy calurosa bienvenida a la delegación del perú"
    parts = tracker.attribute(said, 3)
    assert parts[-1].speaker == "Costa Rica" and "costa rica da una" in parts[-1].text


def test_the_chair_telling_the_called_speaker_their_time_is_still_the_chair():
    tracker = _tracker_after_lesotho()
    assert speakers_of(tracker, "Libya, the floor is yours.", 2) == ["Chair"]
    assert speakers_of(tracker, "You have one minute and thirty seconds.", 3) == ["Chair"]
    assert speakers_of(tracker, "Thanks. The plan must reach the rural regions.", 4) == ["Libya"]


def test_a_delegation_asking_the_state_under_review_to_conclude_something_is_still_speaking():
    tracker = _tracker_after_lesotho()
    said = tracker.attribute("Could you conclude the talks on the fisheries treaty before the next review?", 2)
    assert [(p.speaker, p.confirmed) for p in said] == [("Lesotho", True)]


def test_a_delegation_speaking_of_the_state_under_review_not_answering_keeps_the_floor():
    tracker = _tracker_after_lesotho()
    said = tracker.attribute("We regret that Peru chose not to respond to the communications.", 2)
    assert [(p.speaker, p.confirmed) for p in said] == [("Lesotho", True)]
    said = tracker.attribute("Please bring torture to an end in all places of detention.", 3)
    assert [(p.speaker, p.confirmed) for p in said] == [("Lesotho", True)]


def test_a_statement_is_not_taken_up_again_once_another_speaker_has_had_the_floor():
    tracker = _tracker_after_lesotho()
    tracker.attribute("Next speaker, please.", 2)
    assert speakers_of(tracker, "Madam President, we welcome Peru's report.", 3) == [UNIDENTIFIED]
    assert speakers_of(tracker, "The interpreters are asking you to slow down.", 4) == ["Chair"]
    said = tracker.attribute("and lastly we ask Peru to fund legal aid in every province", 5)
    assert "Lesotho" not in [p.speaker for p in said]  # Lesotho's statement ended when the next one began


def test_after_the_chair_cuts_in_over_the_room_the_interrupted_speaker_goes_on_unconfirmed():
    # wording in no labelled set; with a speakers list, the next listed State is not called by such a remark
    for speakers in (None, ["Lesotho", "Liberia"]):
        tracker = _tracker_after_lesotho(speakers)
        said = tracker.attribute("Excuse me, Excellency. The French channel is silent, could the technicians look?", 2)
        assert [p.speaker for p in said] == ["Chair"]
        assert speakers_of(tracker, "Yes, it works again. Please go ahead.", 3) == ["Chair"]
        said = tracker.attribute("Madam President, can you hear me now? We recommend that Peru fund legal aid.", 4)
        assert [(p.speaker, p.confirmed) for p in said] == [("Lesotho", False)]
    tracker = _tracker_after_lesotho()  # interpreters and technicians a statement asks for are no room trouble
    said = tracker.attribute("We recommend that Peru provide interpreters in indigenous languages in all courts.", 2)
    assert [p.speaker for p in said] == ["Lesotho"]
    assert speakers_of(tracker, "and train health technicians so that patients can be heard", 3) == ["Lesotho"]
    tracker = _tracker_after_lesotho()
    tracker.attribute("I'm sorry to interrupt, but your time is up.", 2)  # a cut for time hands nothing back
    assert speakers_of(tracker, "Madam President, we welcome Peru's report.", 3) == [UNIDENTIFIED]


def test_the_chair_thanking_for_what_was_said_ends_it_and_muchas_gracias_opens_a_statement():
    # wording in no labelled set
    tracker = _tracker_after_lesotho()
    tracker.attribute("I give the floor to the State under review to respond.", 2)
    tracker.attribute("Thank you, Madam President. On the questions about prisons, our new law provides", 3)
    said = tracker.attribute("Thank you for these clarifications. We now return to our list.", 4)
    assert [p.speaker for p in said] == ["Chair"]  # Peru's answer had ended with the chair's thanks
    assert speakers_of(tracker, "Ecuador, followed by Chile.", 4.5) == ["Chair"]
    tracker.attribute("Gracias presidenta. El Ecuador saluda al Perú y recomienda reforzar la defensoría.", 5)
    said = tracker.attribute("Muchas gracias señora presidenta. Saludamos al Perú por su informe.", 6)
    assert [p.speaker for p in said] == ["Chile"]


def test_a_bare_title_after_a_hand_over_is_the_chair_not_the_called_speaker_opening():
    # wording in no labelled set: "Ambassador." ends the chair's words; the statement opens on its own thanks
    tracker = _tracker_after_lesotho()
    tracker.attribute("Peru would like to answer. Very briefly.", 1.5)
    said = tracker.attribute("Thank you, Madam President. Let me answer Lesotho's question on prisons.", 1.7)
    assert [(p.speaker, p.confirmed) for p in said] == [("Peru", True)]
    said = tracker.attribute("We now give the floor to Ghana. Ambassador.", 2)
    assert [p.speaker for p in said] == ["Chair"]
    said = tracker.attribute("Thank you, Madam President. We recommend that Peru adopt a plan on housing.", 3)
    assert [(p.speaker, p.confirmed) for p in said] == [("Ghana", True)]


def test_thanks_to_the_minister_do_not_call_the_minister_and_a_greeting_with_a_name_is_no_hand_over():
    # wording in no labelled set
    tracker = FloorTracker("Peru")
    tracker.attribute("Good morning. We begin the review of Peru. Minister, you have the floor.", 0)
    tracker.attribute("Thank you, Madam President. Peru presents its fourth report.", 1)
    assert speakers_of(tracker, "thank you minister first on the list is mow ritius the floor is yours", 2) == ["Chair"]
    said = tracker.attribute("Thank you, Madam President. We recommend that Peru ratify the convention.", 3)
    assert [p.speaker for p in said] == ["Mauritius"]
    tracker.attribute("Ghana, go ahead.", 4)
    assert speakers_of(tracker, "thank you madam president ghana", 5) == ["Ghana"]  # the microphone cut her off


def test_a_called_delegation_found_absent_keeps_its_place_and_the_list_goes_on():
    # wording in no labelled set
    tracker = _tracker_after_lesotho(["Lesotho", "Liberia", "Libya"])
    tracker.attribute("Liberia, please.", 2)
    said = tracker.attribute("I do not see the delegation of Liberia, we will come back to it. Next speaker.", 3)
    assert [p.speaker for p in said] == ["Chair"]
    said = tracker.attribute("Thank you, Madam President. We welcome Peru's report.", 4)
    assert [(p.speaker, p.confirmed) for p in said] == [("Libya", False)]
    said = tracker.attribute("Families of the disappeared are not present in the hearings, we regret.", 5)
    assert [p.speaker for p in said] == ["Libya"]  # a statement speaking of absence is no chair remark
    tracker.attribute("Thank you. We now return to Liberia, who has arrived.", 6)
    assert speakers_of(tracker, "Thank you, Madam President. We apologise for the delay.", 7) == ["Liberia"]


def test_a_hand_over_to_the_state_under_review_put_off_calls_no_one_yet():
    # wording in no labelled set
    tracker = _tracker_after_lesotho()
    tracker.attribute(
        "Before I give the floor back to the State under review for its closing words, a delegation that is not"
        " inscribed has asked to speak.",
        2,
    )
    said = tracker.attribute("Thank you, Madam President. We welcome the report of Peru.", 3)
    assert [p.speaker for p in said] == [UNIDENTIFIED]


def _after(lines: list[str], speakers: list[str] | None = None) -> list[tuple[str, bool]]:
    """Speakers (and whether confirmed) of the last line, after Lesotho's statement and the lines before it."""
    tracker = _tracker_after_lesotho(speakers)
    for n, line in enumerate(lines[:-1]):
        tracker.attribute(line, 2 + n)
    return [(p.speaker, p.confirmed) for p in tracker.attribute(lines[-1], 2 + len(lines))]


def test_remarks_about_the_room_or_absence_never_take_a_statement_from_its_speaker():
    # wording in no labelled set, each once a way to credit the wrong State
    statement = "Thank you, Madam President. We recommend that Peru fund legal aid."
    assert _after(["Ghana, you have the floor, please activate your microphone.", statement]) == [("Ghana", True)]
    said = _after(["We recommend that Peru ensure that military courts cannot hear cases involving civilians."])
    assert said == [("Lesotho", True)]  # a statement's own words, not the chair's about the sound
    greeting = "Thank you, Madam President, I hope my microphone is working now. We welcome the report of Peru."
    assert _after(["I thank you.", greeting], ["Lesotho", "Liberia"]) == [("Liberia", False)]
    late = "Before I give the floor back to Peru to respond, a delegation that is not inscribed has asked to speak."
    assert _after([late, statement], ["Lesotho", "Liberia"]) == [(UNIDENTIFIED, True)]
    away = "Libya is not present, we will come back to it. Next speaker please."
    assert _after([away, statement], ["Lesotho", "Liberia", "Libya", "Malawi"]) == [("Liberia", False)]
    said = _after(["Migrants from Libya are not present in the consultations, we regret."], ["Lesotho", "Libya"])
    assert said == [("Lesotho", True)]  # a delegation speaking of absence


def test_thanks_by_title_and_everyday_french_and_spanish_words_hand_over_nothing():
    tracker = FloorTracker("Peru")
    tracker.attribute("This morning we begin the review of Peru. Minister, you have the floor.", 0)
    tracker.attribute("Thank you, Madam President. Peru presents its report.", 1)
    assert speakers_of(tracker, "Thank you Mr. Minister, over to mow ritius.", 2) == ["Chair"]
    assert speakers_of(tracker, "Thank you, Madam President. We recommend a housing plan.", 3) == ["Mauritius"]
    said = _after(["I give the floor to the State under review to respond.", "Thank you. On prisons, our law provides"])
    assert said == [("Peru", True)]
    said = _after(
        [
            "I give the floor to the State under review to respond.",
            "Thank you, Madam President. On prisons, our law provides",
            "Thank you. Thank you for these clarifications.",
        ]
    )
    assert said == [("Chair", True)]
    said = _after(
        [
            "Mexico, you have the floor.",
            "Gracias señora presidenta. México saluda al Perú.",
            "A continuación, dos recomendaciones.",
        ]
    )
    assert said == [("Mexico", True)]


def test_the_chair_calling_our_colleagues_from_somewhere_is_the_chair():
    # wording in no labelled set: the chair's words, so what follows is at most a guess that Lesotho goes on
    tracker = _tracker_after_lesotho()
    assert speakers_of(tracker, "Thank you. Our friends from the Caribbean.", 2) == ["Chair"]
    said = tracker.attribute("To begin, we recommend that Peru fund legal aid.", 3)
    assert not any(p.speaker == "Lesotho" and p.confirmed for p in said)
    said = _after(["Pardon, un problème technique avec les micros.", "C'est réglé, merci. Allez-y."])
    assert [s for s, _ in said] == ["Chair"]


@pytest.mark.parametrize(
    "opening",
    [
        "Good morning. Excellency, welcome to Geneva, the floor is yours.",
        "Buenos días, declaro abierta la sesión. Señor ministro, el micrófono es suyo.",
    ],
)
def test_after_the_opening_the_first_nameless_hand_over_is_the_presentation_not_the_list(opening):
    # wording in no labelled set: the list starts after the State under review has presented its report
    tracker = FloorTracker("Peru", ["Malawi", "Mali"])
    tracker.attribute(opening, 0)
    said = tracker.attribute("Muchas gracias señor presidente. Es un honor presentar el informe nacional.", 1)
    assert [p.speaker for p in said] == ["Peru"]


def test_thanks_to_the_bare_title_open_a_new_statement():
    # wording in no labelled set: "gracias presidente" greets the chair as "gracias señor presidente" does
    said = _after(
        ["Gracias presidente. Saludamos al Perú y recomendamos fortalecer la defensoría."], ["Lesotho", "Libya"]
    )
    assert said == [("Libya", False)]


def test_a_handover_run_into_a_statement_that_thanks_the_bare_title_is_split_there():
    # wording in no labelled set: the recogniser joined the chair's call to the statement, which greets "président"
    tracker = _tracker_after_lesotho()
    said = tracker.attribute("merci la namibie à vous la parole merci président la namibie salue le pérou", 2)
    assert [p.speaker for p in said] == ["Chair", "Namibia"]
    said = tracker.attribute("thank you namibia now nepal go ahead thank you president nepal welcomes peru", 3)
    assert [p.speaker for p in said] == ["Chair", "Nepal"]


def test_a_person_called_by_title_and_name_is_never_a_state_heard_by_sound():
    # wording in no labelled set: "Ramona" and "Ghani" sound like Romania and Ghana, but follow a person's title
    for call in ("I now give the floor to Doctor Ramona Diaz.", "The floor goes to Ambassador Ghani."):
        assert _after([call, "Thank you, Madam President. We welcome Peru."]) == [(UNIDENTIFIED, True)]
    assert _after(["I give the floor to the Ambassador of Mali.", "Thank you. We welcome Peru."]) == [("Mali", True)]


def test_the_state_under_review_passing_the_floor_to_a_member_of_its_delegation_goes_on_speaking():
    # wording in no labelled set
    tracker = FloorTracker("Peru")
    tracker.attribute("Good morning. The Working Group is in session. Minister, you have the floor.", 0)
    said = tracker.attribute(
        "Thank you, Madam President. Peru is proud of its record. On health I pass the floor to Doctor Ruiz.", 1
    )
    assert [p.speaker for p in said] == ["Peru"]
    said = tracker.attribute("Thank you, Minister. Our clinics now reach every district of the Amazon.", 2)
    assert [(p.speaker, p.confirmed) for p in said] == [("Peru", True)]
    tracker.attribute("Thank you, Excellency. We now begin the interactive dialogue. Chile, you have the floor.", 3)
    assert speakers_of(tracker, "Thank you, Madam President. Chile welcomes Peru.", 4) == ["Chile"]


def test_after_a_cut_over_the_room_the_chair_handing_back_by_a_misheard_name_does_not_advance_the_list():
    # wording in no labelled set: "packet stan" is the interrupted Pakistan, not a reason to call Panama, listed next
    tracker = FloorTracker("Peru", ["Pakistan", "Panama"])
    tracker.attribute("I give the floor to Pakistan.", 0)
    tracker.attribute("Thank you, Madam President. Pakistan welcomes Peru and its report.", 1)
    tracker.attribute("Sorry to interrupt, the interpreters cannot hear the speaker. packet stan, please continue.", 2)
    said = tracker.attribute("Thank you. We recommend that Peru fund legal aid in every province.", 3)
    assert [(p.speaker, p.confirmed) for p in said] == [("Pakistan", False)]


@pytest.mark.parametrize(
    "ask",
    [
        "Thank you, Lesotho. Sorry, the secretariat missed your last recommendation, could you please repeat it?",
        "Merci. Pourriez-vous répéter votre dernière recommandation, s'il vous plaît ?",
    ],
)
def test_the_answer_to_the_chair_asking_the_speaker_to_repeat_is_that_speakers(ask):
    # wording in no labelled set
    assert _after([ask]) == [("Chair", True)]
    assert _after([ask, "Of course. That Peru fund legal aid in every province."]) == [("Lesotho", False)]
    assert _after([ask, "Thank you, Madam President. Liberia welcomes Peru."]) == [("Liberia", True)]


@pytest.mark.parametrize(
    "call",
    [
        "I thank the distinguished representative, and next on our list will be the Republic of Paraguay. Excellency?",
        "Thank you Libya for keeping to time and now the last delegation in my list is paraguay excellency please",
    ],
)
def test_next_or_last_on_the_list_is_a_hand_over_in_a_long_sentence(call):
    # wording in no labelled set
    assert _after([call, "Thank you, Madam President. We welcome Peru's report."]) == [("Paraguay", True)]


@pytest.mark.parametrize(
    ("call", "expected"),
    [("Merci. J'appelle maintenant l'Irlande.", "Ireland"), ("c'est au tour de l'ouganda allez-y", "Uganda")],
)
def test_a_french_name_after_an_elided_article_is_heard(call, expected):
    # wording in no labelled set: "l'Irlande" is the article and the name, not one word
    assert _after([call, "Merci Madame la Présidente. Nous saluons le Pérou."]) == [(expected, True)]


@pytest.mark.parametrize(
    ("passes", "thanks"),
    [
        (
            "Je passe maintenant la parole à Monsieur Ruiz, directeur au ministère de la santé.",
            "Merci Monsieur le Ministre.",
        ),
        ("On housing I will hand over to my colleague from the ministry of regions.", "Thank you, Deputy Minister."),
    ],
)
def test_the_state_under_review_handing_over_within_its_delegation_in_its_own_utterance(passes, thanks):
    # wording in no labelled set: the head of the delegation hands over in an utterance of its own
    tracker = FloorTracker("Peru")
    tracker.attribute("Good morning. The Working Group is in session. Minister, you have the floor.", 0)
    tracker.attribute("Thank you, Madam President. Peru is proud to present its report.", 1)
    assert speakers_of(tracker, passes, 2) == ["Peru"]
    said = tracker.attribute(f"{thanks} Our clinics now reach every district of the Amazon.", 3)
    assert [(p.speaker, p.confirmed) for p in said] == [("Peru", True)]
    tracker.attribute("Thank you. I now give the floor to Ambassador Rojas of Chile.", 4)  # the chair calls a State
    assert speakers_of(tracker, "Thank you, Madam President. We welcome Peru.", 5) == ["Chile"]


def test_a_near_miss_of_a_states_adjective_is_an_ordinary_word_and_the_adjective_itself_is_heard():
    # wording in no labelled set: "polished" and "finish" are no hand-over to Poland or Finland
    assert gazetteer().states_in("please finish your sentence", sound_words=0) == []
    assert gazetteer().states_in("a polished text", sound_words=0) == []
    assert [s.name for s in gazetteer().states_in("the finnish delegation", sound_words=0)] == ["Finland"]


@pytest.mark.parametrize(
    "plea", ["Could I please conclude, Madam President? It is short.", "Permettez-moi de terminer, une phrase."]
)
def test_a_speaker_cut_for_time_asking_to_finish_is_still_that_speaker(plea):
    # wording in no labelled set
    said = _after(["I'm afraid your time is up, Excellency.", plea], ["Lesotho", "Liberia"])
    assert [speaker for speaker, _ in said] == ["Lesotho"]


@pytest.mark.parametrize(
    ("breaks_in", "expected"),
    [
        ("Point of order, Madam President. This delegation is straying far from the review.", UNIDENTIFIED),
        ("Madame la Présidente, motion d'ordre: le Bélarus souhaite que l'orateur s'en tienne au sujet.", "Belarus"),
    ],
)
def test_a_point_of_order_is_never_the_speaker_it_interrupts(breaks_in, expected):
    # wording in no labelled set
    tracker = _tracker_after_lesotho()
    assert speakers_of(tracker, breaks_in, 2) == [expected]


@pytest.mark.parametrize(
    "put_off",
    [
        "Merci. Avant de rendre la parole au Pérou, une délégation non inscrite souhaite intervenir.",
        "Gracias. Antes de dar la palabra al Estado examinado, una delegación más pidió intervenir.",
    ],
)
def test_a_hand_over_put_off_in_french_or_spanish_calls_no_one_yet(put_off):
    # wording in no labelled set
    assert _after([put_off, "Merci Madame la Présidente. Nous saluons le rapport."]) == [(UNIDENTIFIED, True)]


def test_the_chair_saying_the_room_is_fixed_within_its_own_remark_is_still_the_chair():
    # wording in no labelled set: the remark, the repair and the hand-back in one utterance, with a list
    said = _after(
        [
            "Sorry to interrupt, Excellency, the Arabic channel is silent. One moment. I think that's fixed. leso toe,"
            " please go on.",
            "Madam President, we recommend that Peru fund legal aid.",
        ],
        ["Lesotho", "Liberia"],
    )
    assert said == [("Lesotho", False)]
    said = _after(
        [
            "Excuse me, Excellency, the interpreters cannot hear you.",
            "Right, it seems resolved now.",
            "Madam President, we recommend that Peru fund legal aid.",
        ],
        ["Lesotho", "Liberia"],
    )
    assert said == [("Lesotho", False)]
    repaired = _after(["Excuse me, Excellency, the interpreters cannot hear you.", "Right, it seems resolved now."])
    assert repaired == [("Chair", True)]


_LESOTHO_THEN_GHANA = ["Thank you, Lesotho. Ghana, you have the floor."]


@pytest.mark.parametrize(
    ("before", "said", "speakers", "expected"),
    [
        # a delegation's own words that look like the chair's newer rules
        (
            [],
            "Our first recommendation concerns prisons, and the last is that Peru protect defenders.",
            None,
            "Lesotho",
        ),
        (_LESOTHO_THEN_GHANA, "Thanks, Peru, for the clear presentation this morning.", None, "Ghana"),
        (_LESOTHO_THEN_GHANA, "We kindly repeat our recommendation that Peru ratify the Convention.", None, "Ghana"),
        (
            _LESOTHO_THEN_GHANA,
            "Avant de passer à nos recommandations, nous saluons les efforts du Pérou.",
            None,
            "Ghana",
        ),
        (_LESOTHO_THEN_GHANA, "Nous recommandons au Pérou de ratifier la Convention.", None, "Ghana"),
        (_LESOTHO_THEN_GHANA, "Time has run out for half measures, and we recommend that Peru act.", None, "Ghana"),
        # the chair's words that look like a delegation's
        (
            ["Thank you, Lesotho."],
            "One more point for all delegations: send your statements in writing.",
            None,
            "Chair",
        ),
        # names: stacked titles, and an adjective misheard where a delegation is named
        (
            ["I now give the floor to Madam Ambassador of Napal."],
            "Thank you, Madam President.",
            ["Lesotho", "Liberia", "Nepal"],
            "Nepal",
        ),
        (["I now give the floor to the sweedish delegation."], "Thank you, Madam President.", None, "Sweden"),
        (["On a point of order, I give the floor to China."], "Thank you, Madam President.", None, "China"),
    ],
)
def test_the_newer_rules_do_not_fire_on_wording_of_the_other_kind(before, said, speakers, expected):
    # wording in no labelled set, from a second read of the rules
    assert [speaker for speaker, _ in _after([*before, said], speakers)] == [expected]


def test_the_chair_calling_the_state_under_review_after_a_cut_over_the_room_is_no_hand_back():
    # wording in no labelled set: "Napal" is the State under review, called by the chair, not the cut Lesotho
    tracker = FloorTracker("Nepal")
    tracker.attribute("I now give the floor to Lesotho.", 0)
    tracker.attribute("Thank you, Madam President. Lesotho commends Nepal for its report and", 1)
    tracker.attribute("Sorry to interrupt, the interpreters cannot hear the speaker.", 2)
    tracker.attribute("While the technicians look into it, the floor goes to Napal.", 3)
    said = tracker.attribute("Thank you, Madam President. Let me respond to the questions raised on health.", 4)
    assert [p.speaker for p in said] == ["Nepal"]


def test_the_chair_thanking_the_head_of_delegation_then_calling_a_state_is_the_chair():
    # wording in no labelled set: the presentation ends by returning the floor to the chair
    for speakers in (None, ["Chile", "Romania"]):
        tracker = FloorTracker("Peru", speakers)
        tracker.attribute("Good morning. The Working Group is in session. Minister, you have the floor.", 0)
        tracker.attribute(
            "Thank you, Madam President. Peru is proud of its record. I return the floor to Madam President.", 1
        )
        assert speakers_of(tracker, "Thank you, Minister, I now give the floor to Romania.", 2) == ["Chair"]
        assert speakers_of(tracker, "Thank you, Madam President. We welcome the report.", 3) == ["Romania"]
        tracker = FloorTracker("Peru", speakers)
        tracker.attribute("Good morning. The Working Group is in session. Minister, you have the floor.", 0)
        tracker.attribute("Thank you, Madam President. Peru is proud of its record.", 1)
        assert speakers_of(tracker, "Thank you Excellency, the floor goes to Ambassador Fernandez.", 2) == ["Chair"]


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        ("Gracias. A continuación, su iza, tiene la palabra.", "Switzerland"),
        ("Merci. La parole est au ja pon.", "Japan"),
    ],
)
def test_a_translated_name_heard_in_pieces_is_spelt_once_joined(call, expected):
    # wording in no labelled set: short French and Spanish names are matched only as spelt, and are spelt joined
    assert _after([call, "Gracias señora Presidenta. Saludamos al Perú."]) == [(expected, True)]


@pytest.mark.parametrize(
    "call",
    [
        "Merci. La Tunisie, suivie de la Turquie. La Tunisie, vous avez la parole.",
        "Gracias. Túnez y luego Turquía. Túnez, tiene la palabra.",
    ],
)
def test_the_speaker_after_next_announced_in_french_or_spanish_follows_without_a_chair_line(call):
    # wording in no labelled set
    tracker = _tracker_after_lesotho()
    tracker.attribute(call, 2)
    assert speakers_of(tracker, "Merci Madame la Présidente. La Tunisie salue le Pérou.", 3) == ["Tunisia"]
    said = tracker.attribute("Merci Madame la Présidente. Nous saluons le rapport du Pérou.", 4)
    assert [(p.speaker, p.confirmed) for p in said] == [("Türkiye", False)]


@pytest.mark.parametrize(
    "call",
    [
        "Gracias. Doy la palabra al Perú para sus respuestas. Señora ministra, adelante.",
        "Merci. Je donne la parole au Pérou pour ses réponses. Vous disposez de quatre minutes.",
    ],
)
def test_the_chairs_words_after_calling_in_french_or_spanish_are_still_the_chairs(call):
    # wording in no labelled set
    tracker = _tracker_after_lesotho()
    assert speakers_of(tracker, call, 2) == ["Chair"]
    assert speakers_of(tracker, "Gracias presidenta. Sobre la tortura, el Perú ha creado un mecanismo.", 3) == ["Peru"]


def test_a_spanish_hand_over_within_the_delegation_holds_to_the_end_of_its_utterance():
    # wording in no labelled set
    tracker = FloorTracker("Peru")
    tracker.attribute("Buenos días, declaro abierta la sesión. Señor ministro, tiene usted la palabra.", 0)
    tracker.attribute("Gracias señora presidenta. El Perú presenta su cuarto informe.", 1)
    said = tracker.attribute("Para los detalles cedo la palabra a mi colega la viceministra. Adelante por favor.", 2)
    assert [p.speaker for p in said] == ["Peru"]
    assert speakers_of(tracker, "Muchas gracias señor ministro. El plan nacional cubre todas las regiones.", 3) == [
        "Peru"
    ]


def test_the_chair_going_on_after_calling_the_state_under_review_is_still_the_chair():
    # wording in no labelled set: the opening calls the State under review, then names the troika
    tracker = FloorTracker("Peru")
    said = tracker.attribute(
        "Buenos días, declaro abierta la sesión. Hoy el grupo de trabajo examina al Perú. La troika la forman Chad,"
        " Fiji y Omán, a quienes agradezco su apoyo.",
        0,
    )
    assert [p.speaker for p in said] == ["Chair"]


@pytest.mark.parametrize(
    "call",
    [
        "thank you lesotho the chair now recognises the republic of ghana please",
        "merci lesotho au tour du ghana s'il vous plaît",
    ],
)
def test_the_speaker_thanked_without_a_pause_before_the_call_is_not_the_one_called(call):
    # wording in no labelled set
    assert _after([call, "Thank you, Madam President. We welcome Peru."]) == [("Ghana", True)]


def test_the_state_called_first_called_again_by_sound_is_not_replaced_by_the_one_to_follow():
    # wording in no labelled set: "Mow ritius" is Mauritius called again, not Mexico, announced to follow it
    said = _after(
        [
            "First on my list, Mauritius, to be followed by Mexico. Mow ritius, you have the floor.",
            "Thank you, Madam President.",
        ]
    )
    assert said == [("Mauritius", False)]


@pytest.mark.parametrize(
    "call",
    [
        "Thank you. Before we go on, Ghana has asked to speak now, Ghana you have uh three minutes",
        "Je vous remercie. Nous passons maintenant au Ghana.",
    ],
)
def test_the_floor_given_with_its_time_or_by_moving_on_hands_over(call):
    # wording in no labelled set
    assert _after([call, "Thank you, Madam President. We welcome Peru."]) == [("Ghana", True)]


def test_the_state_under_review_passing_the_floor_to_a_function_in_french_goes_on_speaking():
    # wording in no labelled set
    tracker = FloorTracker("Peru")
    tracker.attribute("Bonjour, la séance est ouverte. Monsieur le Ministre, vous avez la parole.", 0)
    tracker.attribute("Merci Monsieur le Président. Le Pérou présente son rapport.", 1)
    said = tracker.attribute("Pour la santé je passe la parole à la directrice des hôpitaux publics.", 2)
    assert [p.speaker for p in said] == ["Peru"]
    assert speakers_of(tracker, "Merci Monsieur le Ministre. Nos hôpitaux couvrent le pays.", 3) == ["Peru"]


def test_the_time_the_state_under_review_has_said_of_it_calls_no_one():
    # wording in no labelled set: only "usted dispone de …" gives the floor, not "el Estado examinado dispone de …"
    tracker = FloorTracker("Peru", ["Mexico", "Chile"])
    tracker.attribute("Buenos días, declaro abierta la sesión. Examinamos hoy al Perú.", 0)
    assert speakers_of(tracker, "Recuerdo que el Estado examinado dispone de setenta minutos en total.", 1) == ["Chair"]
    assert speakers_of(tracker, "Sin más demora, señor ministro, el micrófono es suyo.", 2) == ["Chair"]
    assert speakers_of(tracker, "Muchas gracias señor presidente. Es un honor presentar el informe.", 3) == ["Peru"]


@pytest.mark.parametrize("speakers", [None, ["Lesotho", "Libya"]])
def test_the_state_under_review_greeting_the_chair_again_within_its_reply_goes_on(speakers):
    tracker = FloorTracker("Peru", speakers)
    tracker.attribute("I now give the floor to the distinguished delegation of Peru for its first replies.", 0)
    tracker.attribute("Thank you, Madam President. On the questions about prisons, a new code was adopted.", 1)
    said = tracker.attribute("Thank you, Madam President. Let me turn now to indigenous consultation.", 2)
    assert [(p.speaker, p.confirmed) for p in said] == [("Peru", True)]
    # another State naming itself after it, with no call heard, is that State
    said = tracker.attribute("Thank you, Madam President. Lesotho welcomes these answers.", 3)
    assert [p.speaker for p in said] == ["Lesotho"]


@pytest.mark.parametrize(
    "breaks_in",
    [
        "disculpe señora presidenta, una moción de orden, no hay interpretación en la sala",
        "Excuse me, Madam President, sorry, on a point of order, the English channel is silent.",
        "pardon madame la présidente, un point d'ordre, nous n'entendons pas l'interprétation",
    ],
)
def test_a_point_of_order_after_an_apology_is_not_the_statement_it_breaks_into(breaks_in):
    tracker = _tracker_after_lesotho()
    assert speakers_of(tracker, breaks_in, 2) == [UNIDENTIFIED]


@pytest.mark.parametrize("speakers", [None, ["Lesotho", "Mali", "Niger"]])
def test_the_chair_calling_and_finding_the_called_absent_in_one_breath_gives_the_floor_to_the_next_called(speakers):
    tracker = _tracker_after_lesotho(speakers)
    call = "thank you next is mali i cannot see the delegation of mali we shall come back to mali later niger please"
    assert speakers_of(tracker, call, 2) == ["Chair"]
    said = tracker.attribute("thank you madam president my delegation welcomes peru and its report", 3)
    assert [(p.speaker, p.confirmed) for p in said] == [("Niger", True)]


def test_a_name_that_opens_a_longer_one_is_the_longer_when_the_rest_is_heard():
    assert gazetteer().find_in("guinea bee so you have the floor").name == "Guinea-Bissau"
    assert gazetteer().find_in("guinea you have the floor").name == "Guinea"
    assert gazetteer().find_in("guinea and then mali").name == "Guinea"
    tracker = _tracker_after_lesotho()
    tracker.attribute("Thank you. Guinea be so, the floor is yours.", 2)
    assert speakers_of(tracker, "Thank you, Madam President. My delegation welcomes Peru.", 3) == ["Guinea-Bissau"]
