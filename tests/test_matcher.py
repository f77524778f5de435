import pytest
from uprwatch.matching.corpus import CorpusItem
from uprwatch.matching.corpus_loader import load_corpus
from uprwatch.matching.keywords import KeywordWatch
from uprwatch.matching.matcher import Matcher, windows
from uprwatch.matching.normalise import normalise
from uprwatch.matching.ohchr_matrix import load_ohchr_matrix

from tests.conftest import EVAL, SAMPLES, load_jsonl


@pytest.fixture(scope="module")
def matcher_2018(matrix_2018):
    return Matcher(load_ohchr_matrix(matrix_2018).items)


@pytest.fixture(scope="module")
def statements():
    return {s["id"]: s for s in load_jsonl(EVAL / "dev-statements.jsonl")}


@pytest.mark.parametrize(
    ("sid", "expected"),
    [
        ("d01", {"28.177"}),
        ("d07", {"28.12"}),
        ("d17", {"28.11"}),
        ("d21", {"28.28", "28.218"}),
        ("d22", {"28.22", "28.5"}),
    ],
)
def test_known_statements_match_their_2018_recommendations(matcher_2018, statements, sid, expected):
    found = {m.ref for m in matcher_2018.match_text(statements[sid]["text"])}
    assert found == expected


@pytest.mark.parametrize("sid", ["n01", "n02", "n03", "n04", "n05"])
def test_statements_echoing_nothing_raise_no_alert(matcher_2018, statements, sid):
    assert matcher_2018.match_text(statements[sid]["text"]) == []


def test_match_carries_position_states_quote_and_time_span(matcher_2018, statements):
    text = statements["d21"]["text"]
    found = matcher_2018.match_text(text, start=100.0, end=130.0)
    assert [m.ref for m in found] == ["28.28", "28.218"]  # spoken order
    first, second = found
    assert first.item.position in ("Supported", "Noted")
    assert first.item.recommending_states
    assert first.quote in text and "unhindered access" in first.quote
    assert 100.0 <= first.start < first.end <= second.start < second.end <= 130.0


def test_normalisation_maps_treaty_names_and_drops_framing():
    assert (
        normalise("We also recommend that China ratify the Covenant on Civil and Political Rights.") == "ratify iccpr"
    )
    assert normalise("Protect Uighur culture") == normalise("protect uyghur culture")


def test_windows_split_two_recommendations_in_one_sentence():
    pieces = [w.text for w in windows("X recommends that China do A, and that it do B. We also recommend C.")]
    assert pieces == ["X recommends that China do A", "do B.", "C."]


def test_demo_script_statements_match_their_expected_sample_items():
    corpus = load_corpus([SAMPLES / "sample-corpus.jsonl"], [SAMPLES / "advance-questions.txt"], "China")
    matcher = Matcher(corpus.items)
    watch = KeywordWatch(["Xinjiang", "Cao Shunli"])
    for turn in load_jsonl(SAMPLES / "demo-script.jsonl"):
        if turn["role"] == "chair":
            continue
        answering = turn["role"] == "state_under_review"
        found = [m.ref for m in matcher.match_text(turn["text"], answering=answering)]
        found += [h.term for h in watch.find(turn["text"])]
        assert sorted(found) == sorted(turn["expect"]), turn["text"]


def test_window_timings_are_kept_for_the_latest_windows_only(monkeypatch):
    # a day-long session must not grow the matcher without end
    from uprwatch.matching import matcher as matcher_module

    monkeypatch.setattr(matcher_module, "QUERY_TIMES_KEPT", 3)
    items = [CorpusItem("1", "recommendation", "Abolish the death penalty for all crimes", ("Iceland",))]
    matcher = matcher_module.Matcher(items, semantic=False)
    for _ in range(5):
        matcher.match_text("Abolish the death penalty for all crimes. Release all defenders now.")
    assert len(matcher.query_ms) == 3
