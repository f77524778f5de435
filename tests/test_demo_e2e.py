"""The demo session replayed once through the real pipeline — audio → VAD → Whisper → floor → matcher → events →
session log, console and the Telegram bot on the fake Bot API — and what each part made of it. Subscribers' commands,
sent before the session, decide exactly which alerts each chat receives."""

import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from html import escape

import pytest
from markupsafe import escape as markup_escape

from tests.conftest import SAMPLES, load_jsonl, run_cli, run_main, stored_events
from tests.fake_bot_api import FakeBotApi

# Chats of the demo replay's Telegram audience: one private chat, one group (changed by its admin), one channel.
PRIVATE, GROUP, CHANNEL = 4242, -5005, -1007007
GROUP_ADMIN = 77


@dataclass(frozen=True)
class DemoRun:
    """One `uprwatch replay` of the bundled demo session with the bot on the fake Bot API."""

    result: subprocess.CompletedProcess[str]
    events: list[dict]  # the events file
    db: str
    api: FakeBotApi


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoRun]:
    """The demo through the whole pipeline once (Whisper base on 236 s of audio), shared by every test that
    checks what the pipeline, the session log, the console and the Telegram bot made of it."""
    out = tmp_path_factory.mktemp("demo")
    text = (SAMPLES / "demo-session.toml").read_text()
    text = re.sub(r'(source|recommendations|advance_questions) = (\[?)"', rf'\1 = \2"{SAMPLES}/', text)
    session = out / "session.toml"
    session.write_text(text + f"\n[telegram]\nchannels = [{CHANNEL}]\ndrain_s = 120\n")
    db = f"sqlite:///{out / 'session.db'}"
    with FakeBotApi() as api:
        for said in ("/start", "/mode matches", "/states Germany"):
            api.say(PRIVATE, said)
        api.admins[GROUP].add(GROUP_ADMIN)
        for said in ("/start", "/mode all"):
            api.say(GROUP, said, user_id=GROUP_ADMIN)
        env = {"UPRWATCH_TELEGRAM_TOKEN": api.token, "UPRWATCH_TELEGRAM_BASE_URL": api.url}
        result = run_cli(
            "replay", "--session", str(session), "--events", str(out / "events.jsonl"), "--db", db, env=env
        )
        assert result.returncode == 0, result.stderr
        yield DemoRun(result, load_jsonl(out / "events.jsonl"), db, api)


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
        "item_text",  # what was echoed, its year and themes: the report needs the log alone
        "year",
        "themes",
    },
    "lag": {"behind"},
}


def test_every_event_has_exactly_the_design_keys(demo_run: DemoRun):
    events = demo_run.events
    assert events[0]["type"] == "session_started" and events[-1]["type"] == "session_ended"
    for event in events:
        assert set(event) == BASE | KEYS[event["type"]], event
        datetime.fromisoformat(event["at"])


def test_session_log_holds_the_same_events_as_the_events_file(demo_run: DemoRun):
    stored = [e for e in stored_events(demo_run.db, demo_run.events[0]["session"]) if e["type"] != "alert_sent"]
    assert stored == demo_run.events  # alert_sent goes to the session log only


def test_turns_follow_the_scripted_speakers(demo_run: DemoRun):
    events = demo_run.events
    script = load_jsonl(SAMPLES / "demo-script.jsonl")
    expected = [t["speaker"] for t in script]
    got = [e["speaker"] for e in events if e["type"] == "turn"]
    assert got == expected
    roles = {e["speaker"]: e["role"] for e in events if e["type"] == "turn"}
    assert roles["China"] == "state_under_review" and roles["Chair"] == "chair" and roles["Germany"] == "delegation"


def test_turn_starts_are_within_two_seconds_of_the_truth(demo_run: DemoRun):
    events = demo_run.events
    truth = load_jsonl(SAMPLES / "demo-timeline.jsonl")
    starts = [e["start"] for e in events if e["type"] == "turn"]
    assert len(starts) == len(truth)
    assert all(abs(s - t["start"]) <= 2.0 for s, t in zip(starts, truth, strict=True))


def test_matches_are_the_scripted_echoes_and_nothing_else(demo_run: DemoRun):
    events = demo_run.events
    expected = {(t["speaker"], ref) for t in load_jsonl(SAMPLES / "demo-script.jsonl") for ref in t["expect"]}
    got = {(e["speaker"], e["ref"]) for e in events if e["type"] == "match"}
    assert got <= expected, got - expected
    assert len(got) >= 0.9 * len(expected), expected - got
    kinds = {e["ref"]: e["kind"] for e in events if e["type"] == "match"}
    assert kinds.get("AQ-Germany-1") == "advance_question" and kinds.get("Xinjiang") == "keyword"
    for e in (e for e in events if e["type"] == "match" and e["kind"] == "recommendation"):
        assert e["position"] in ("Supported", "Noted") and e["score"] >= 75


def test_utterances_carry_wall_time_from_the_session_start(demo_run: DemoRun):
    events = demo_run.events
    origin = datetime.fromisoformat("2024-01-23T09:00:00+01:00")
    utterances = [e for e in events if e["type"] == "utterance"]
    assert len(utterances) >= 26
    for u in utterances:
        assert abs((datetime.fromisoformat(u["wall"]) - origin).total_seconds() - u["start"]) < 1


def test_console_prints_turns_and_pasteable_match_lines(demo_run: DemoRun):
    result = demo_run.result
    assert "▶ Germany has the floor (delegation)" in result.stdout
    assert "↳ repeats its own 2018 rec S.3 (Germany, Iceland) — Noted (score" in result.stdout
    assert "↳ echoes 2018 rec S.5 (Sweden, Netherlands) — Noted" in result.stdout


def test_the_demo_command_replays_the_bundled_session(tmp_path):
    # the full replay is `demo_run`; this checks that `uprwatch demo` reaches the model with the bundled session
    result = run_cli("demo", "--model", "no-such-model", "--db", f"sqlite:///{tmp_path / 'demo.db'}")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "Replaying the bundled illustrative UPR mini-session" in result.stderr
    assert "no-such-model" in result.stderr.splitlines()[-1]


@pytest.fixture(scope="module")
def delivered(demo_run: DemoRun):
    return demo_run.api, stored_events(demo_run.db, "demo-china-illustrative"), demo_run.result


def test_the_private_chat_gets_germanys_turn_and_matches_and_nothing_else(delivered):
    api, events, _ = delivered
    texts = [m.text for m in api.to(PRIVATE) if m.method == "sendMessage"]
    # the answers to commands sent before the bot was up go out beside the session, never ahead of it
    alerts = [t for t in texts if t.startswith(("🔴", "▶", "⏹")) or "↳" in t]
    replies = [t for t in texts if t not in alerts]
    assert len(replies) == 3
    assert "What we store" in replies[0] and replies[1].startswith("Mode: matches") and "Germany" in replies[2]
    germany = [e["ref"] for e in events if e["type"] == "match" and e["speaker"] == "Germany"]
    assert germany == ["S.3", "S.6"]
    assert alerts[0].startswith("🔴 <b>Live:")
    assert alerts[1].startswith("▶ <b>Germany</b> has the floor")
    assert [re.search(r"rec (S\.\d+)", t).group(1) for t in alerts[2:4]] == germany
    assert alerts[4].startswith("⏹ <b>Ended:")
    assert len(alerts) == 5
    assert all("machine transcript — check against the video" in t for t in alerts[2:4])


def test_the_group_in_mode_all_gets_every_utterance_once_in_order_merged_under_its_limit(delivered):
    api, events, _ = delivered
    body = "\n\n".join(m.text for m in api.to(GROUP))
    utterances = [e for e in events if e["type"] == "utterance"]
    positions = []
    for u in utterances:
        clock = datetime.fromisoformat(u["wall"]).strftime("%H:%M:%S")
        needle = f"<b>{escape(u['speaker'])}</b> {clock}: {escape(u['text'])}"
        assert body.count(needle) == 1, needle
        positions.append(body.index(needle))
    assert positions == sorted(positions)
    assert body.count("</b> has the floor (") == sum(e["type"] == "turn" for e in events)
    # 20 messages a minute: some 60 alerts in a replay of a minute or so only fit because they were merged
    turns = sum(e["type"] == "turn" for e in events)
    assert len(api.to(GROUP)) < len(utterances) + turns
    times = [m.at for m in api.to(GROUP)]
    assert all(len([t for t in times if s <= t < s + 60]) <= 20 for s in times)


def test_the_channel_gets_every_match_and_the_bot_stayed_within_the_limits(delivered):
    api, events, result = delivered
    body = "\n".join(m.text for m in api.to(CHANNEL))
    for e in events:
        if e["type"] == "match":
            assert re.search(rf"(rec |question |keyword “){re.escape(e['ref'])}\b", body), e["ref"]
    assert api.answered[429] == 0 and api.answered[403] == 0, api.refused
    sent = [e for e in events if e["type"] == "alert_sent"]
    assert {e["chat"] for e in sent} == {PRIVATE, GROUP, CHANNEL}
    assert len(sent) == len({(e["chat"], e["event"]) for e in sent})  # no alert twice to one chat
    assert "Telegram: @uprwatch_test_bot is up" in result.stderr
    assert api.token not in result.stderr + result.stdout


def test_the_report_of_the_real_run_and_the_one_sent_at_the_end(demo_run: DemoRun, delivered, tmp_path, capsys):
    api, events, _ = delivered
    page = tmp_path / "report.html"
    result = run_main(capsys, "report", "demo-china-illustrative", "--db", demo_run.db, "--out", str(page))
    assert result.returncode == 0, result.stderr
    html = re.sub(r"</?mark>", "", page.read_text(encoding="utf-8"))  # quotes are marked inside the text
    for e in events:
        if e["type"] == "utterance":
            assert str(markup_escape(e["text"])) in html, e["text"]
        if e["type"] == "match" and e["kind"] == "recommendation":
            assert f"<td><b>{e['ref']}</b></td>" in html  # in the scorecard
    (sent,) = [m for m in api.to(PRIVATE) if m.method == "sendDocument"]
    assert sent.filename == "demo-china-illustrative.html" and sent.document.decode("utf-8").count('class="u"') == sum(
        e["type"] == "utterance" for e in events
    )
    assert api.to(PRIVATE)[-1] == sent  # after the session's end
