"""End to end: `uprwatch replay` of the demo session with the bot pointed at the fake Bot API; subscribers'
commands sent before the session decide exactly which alerts each chat receives."""

from __future__ import annotations

import re
from datetime import datetime
from html import escape

import pytest
from uprwatch.bot.session_store import SessionStore

from tests.conftest import SAMPLES, run_cli
from tests.fake_bot_api import FakeBotApi

PRIVATE, GROUP, CHANNEL = 4242, -5005, -1007007
GROUP_ADMIN = 77


def _session_file(tmp_path, db_url: str) -> str:
    text = (SAMPLES / "demo-session.toml").read_text()
    text = re.sub(r'(source|recommendations|advance_questions) = (\[?)"', rf'\1 = \2"{SAMPLES}/', text)
    text += f"\n[telegram]\nchannels = [{CHANNEL}]\ndrain_s = 120\n"
    path = tmp_path / "session.toml"
    path.write_text(text)
    return str(path)


@pytest.fixture(scope="module")
def delivered(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("telegram-e2e")
    db = f"sqlite:///{tmp / 'session.db'}"
    with FakeBotApi() as api:
        for text in ("/start", "/mode matches", "/states Germany"):
            api.say(PRIVATE, text)
        api.admins[GROUP].add(GROUP_ADMIN)
        for text in ("/start", "/mode all"):
            api.say(GROUP, text, user_id=GROUP_ADMIN)
        env = {"UPRWATCH_TELEGRAM_TOKEN": api.token, "UPRWATCH_TELEGRAM_BASE_URL": api.url}
        result = run_cli("replay", "--session", _session_file(tmp, db), "--db", db, "--quiet", env=env)
        assert result.returncode == 0, result.stderr
        store = SessionStore(db)
        events = store.events("demo-china-illustrative")
        store.close()
        yield api, events, result


def test_the_private_chat_gets_germanys_turn_and_matches_and_nothing_else(delivered):
    api, events, _ = delivered
    texts = [m.text for m in api.to(PRIVATE)]
    replies, alerts = texts[:3], texts[3:]
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
    # 20 messages a minute: about 90 alerts in a replay of about a minute only fit because they were merged
    assert len(api.to(GROUP)) < len(utterances)
    times = [m.at for m in api.to(GROUP)]
    assert all(len([t for t in times if s <= t < s + 60]) <= 20 for s in times)


def test_the_channel_gets_every_match_and_the_bot_stayed_within_the_limits(delivered):
    api, events, result = delivered
    body = "\n".join(m.text for m in api.to(CHANNEL))
    for e in events:
        if e["type"] == "match":
            assert re.search(rf"(rec |question |keyword “){re.escape(e['ref'])}\b", body), e["ref"]
    assert api.answered[429] == 0 and api.answered[403] == 0
    sent = [e for e in events if e["type"] == "alert_sent"]
    assert {e["chat"] for e in sent} == {PRIVATE, GROUP, CHANNEL}
    assert len(sent) == len({(e["chat"], e["event"]) for e in sent})  # no alert twice to one chat
    assert "Telegram: @uprwatch_test_bot is up" in result.stderr
    assert api.token not in result.stderr + result.stdout
