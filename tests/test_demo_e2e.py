"""The demo session replayed through the real pipeline: audio → VAD → Whisper → floor → matcher → events."""

from datetime import datetime

import pytest
from uprwatch.bot.session_store import SessionStore

from tests.conftest import SAMPLES, load_jsonl, run_cli

BASE = {"type", "session", "at"}
KEYS = {
    "session_started": {"title", "state_under_review", "source"},
    "session_ended": {"title", "state_under_review", "source"},
    "stream_gap": {"start", "end", "reason"},
    "turn": {"speaker", "role", "start"},
    "utterance": {"speaker", "role", "text", "start", "end", "wall", "confidence"},
    "match": {
        "speaker",
        "kind",
        "ref",
        "score",
        "quote",
        "start",
        "end",
        "position",
        "recommending_states",
        "group",
    },
    "lag": {"behind"},
}


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    result = run_cli("demo", "--events", str(out / "events.jsonl"), "--db", f"sqlite:///{out / 'session.db'}")
    assert result.returncode == 0, result.stderr
    return result, load_jsonl(out / "events.jsonl"), f"sqlite:///{out / 'session.db'}"


def test_every_event_has_exactly_the_design_keys(demo_run):
    _, events, _ = demo_run
    assert events[0]["type"] == "session_started" and events[-1]["type"] == "session_ended"
    for event in events:
        assert set(event) == BASE | KEYS[event["type"]], event
        datetime.fromisoformat(event["at"])


def test_session_log_holds_the_same_events_as_the_events_file(demo_run):
    _, events, db = demo_run
    store = SessionStore(db)
    assert store.events(events[0]["session"]) == events
    store.close()


def test_turns_follow_the_scripted_speakers(demo_run):
    _, events, _ = demo_run
    script = load_jsonl(SAMPLES / "demo-script.jsonl")
    expected = [t["speaker"] for t in script]
    got = [e["speaker"] for e in events if e["type"] == "turn"]
    assert got == expected
    roles = {e["speaker"]: e["role"] for e in events if e["type"] == "turn"}
    assert roles["China"] == "state_under_review" and roles["Chair"] == "chair" and roles["Germany"] == "delegation"


def test_turn_starts_are_within_two_seconds_of_the_truth(demo_run):
    _, events, _ = demo_run
    truth = load_jsonl(SAMPLES / "demo-timeline.jsonl")
    starts = [e["start"] for e in events if e["type"] == "turn"]
    assert len(starts) == len(truth)
    assert all(abs(s - t["start"]) <= 2.0 for s, t in zip(starts, truth, strict=True))


def test_matches_are_the_scripted_echoes_and_nothing_else(demo_run):
    _, events, _ = demo_run
    expected = {(t["speaker"], ref) for t in load_jsonl(SAMPLES / "demo-script.jsonl") for ref in t["expect"]}
    got = {(e["speaker"], e["ref"]) for e in events if e["type"] == "match"}
    assert got <= expected, got - expected
    assert len(got) >= 0.9 * len(expected), expected - got
    kinds = {e["ref"]: e["kind"] for e in events if e["type"] == "match"}
    assert kinds.get("AQ-Germany-1") == "advance_question" and kinds.get("Xinjiang") == "keyword"
    for e in (e for e in events if e["type"] == "match" and e["kind"] == "recommendation"):
        assert e["position"] in ("Supported", "Noted") and e["score"] >= 75


def test_utterances_carry_wall_time_from_the_session_start(demo_run):
    _, events, _ = demo_run
    origin = datetime.fromisoformat("2024-01-23T09:00:00+01:00")
    utterances = [e for e in events if e["type"] == "utterance"]
    assert len(utterances) >= 26
    for u in utterances:
        assert abs((datetime.fromisoformat(u["wall"]) - origin).total_seconds() - u["start"]) < 1


def test_console_prints_turns_and_pasteable_match_lines(demo_run):
    result, _, _ = demo_run
    assert "▶ Germany has the floor (delegation)" in result.stdout
    assert "↳ repeats its own 2018 rec S.3 (Germany, Iceland) — Noted (score" in result.stdout
    assert "↳ echoes 2018 rec S.5 (Sweden, Netherlands) — Noted" in result.stdout
