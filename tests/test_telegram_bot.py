"""The Telegram bot as subscribers and operators meet it: the real PTB Application long-polling the fake Bot
API over HTTP, commands, routing of session events to each chat's settings, and what is (not) stored."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from uprwatch.bot.alert_format import AlertFormatter
from uprwatch.bot.events import EventFactory
from uprwatch.bot.session_store import SessionStore
from uprwatch.bot.telegram.app import BASE_URL_ENV, TelegramBot
from uprwatch.bot.telegram.commands import BotServices
from uprwatch.bot.telegram.outbox import Outbox
from uprwatch.bot.telegram.router import AlertRouter
from uprwatch.bot.telegram.subscribers import SubscriberStore
from uprwatch.config.errors import UserError
from uprwatch.config.session_file import TelegramSettings, load_session_file
from uprwatch.matching.floor_tracker import FloorTracker
from uprwatch.matching.keywords import KeywordHit

from tests.conftest import SAMPLES
from tests.fake_bot_api import FakeBotApi

ALICE, BOB, CAROL, GROUP, CHANNEL = 1001, 1002, 1003, -2001, -1009001
ADMIN, MEMBER, OPERATOR = 501, 502, 9001


class Harness:
    """A bot wired to a fresh database and the fake Bot API, as `uprwatch replay` wires it."""

    def __init__(self, api: FakeBotApi, db: str, token: str | None = None, digest_s: float = 600, channels=(CHANNEL,)):
        settings = load_session_file(SAMPLES / "demo-session.toml")
        self.session = settings.session
        self.api = api
        self.store = SessionStore(db)
        self.factory = EventFactory(self.session.id, self.session.timezone, self.session.start)
        formatter = AlertFormatter(self.factory.wall, self.session.timezone, {})
        self.subscribers, self.outbox = SubscriberStore(self.store.engine), Outbox(self.store.engine)
        self.router = AlertRouter(self.subscribers, self.outbox, formatter, self.factory, digest_s)
        self.telegram = TelegramSettings(admins=(OPERATOR,), channels=tuple(channels))
        services = BotServices(
            self.subscribers, self.outbox, self.store, self.telegram.admins, upcoming=lambda: [self.session]
        )
        services.add_router(self.session.id, self.router)
        self.bot = TelegramBot(token or api.token, self.telegram, services)

    def emit(self, event: dict) -> None:
        """An event from the session runner: recorded, then routed (the runner's sink order)."""
        self.store.emit(event)
        self.router.emit(event)

    async def replies(self, chat: int, count: int, timeout: float = 15) -> list[str]:
        deadline = time.monotonic() + timeout
        while len(self.api.to(chat)) < count and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        return [s.text for s in self.api.to(chat)]


@pytest.fixture
def api(monkeypatch):
    with FakeBotApi() as server:
        monkeypatch.setenv(BASE_URL_ENV, server.url)
        yield server


def _event(h: Harness, type_: str, **keys) -> dict:
    return h.factory._event(type_, **keys)


def _session_events(h: Harness) -> list[dict]:
    """A short session: Germany and France speak, each echoing a recommendation; France's words are translated."""
    title, sur = h.session.title, h.session.state_under_review
    match = {"kind": "recommendation", "position": "Noted", "group": [], "score": 91.0, "end": 0.0}
    return [
        _event(h, "session_started", title=title, state_under_review=sur, source="test"),
        _event(h, "turn", speaker="Chair", role="chair", start=1.0),
        _event(h, "turn", speaker="Germany", role="delegation", start=10.0),
        _event(h, "utterance", speaker="Germany", role="delegation", text="We urge <abolition> & reform of detention.",
               start=10.0, end=14.0, wall="2024-01-23T09:00:10+01:00", confidence=0.9),
        _event(h, "match", speaker="Germany", ref="S.3", quote="abolish re-education camps",
               recommending_states=["Germany"], start=12.0, **match),
        _event(h, "lag", behind=2.5),
        _event(h, "turn", speaker="France", role="delegation", start=200.0),
        _event(h, "utterance", speaker="France", role="delegation", text="France raises torture in custody.",
               start=200.0, end=204.0, wall="2024-01-23T09:03:20+01:00", confidence=0.9, language="fr",
               translated_from="fr"),
        _event(h, "match", speaker="France", ref="S.15", quote="ratify the covenant",
               recommending_states=["France", "Italy"], start=201.0, translated_from="fr", **match),
        _event(h, "session_ended", title=title, state_under_review=sur, source="test"),
    ]  # fmt: skip


def test_commands_settings_and_routing(api, tmp_path):
    h = Harness(api, f"sqlite:///{tmp_path / 'bot.db'}", digest_s=60)
    api.admins[GROUP].add(ADMIN)
    # sent while the bot was down: applied before the session's first event
    for text in ("/start", "/mode matches", "/states Germany"):
        api.say(ALICE, text)
    for text in ("/start", "/mode all", "/keywords add torture"):
        api.say(GROUP, text, user_id=ADMIN)
    api.say(GROUP, "/states France", user_id=MEMBER)  # not an admin: refused
    for text in ("/start", "/mode digest"):
        api.say(CAROL, text)
    for text in ("/start", "/keywords add torture", "/quiet 00:00-23:59", "/frobnicate", "/mode loud", "/quiet soon"):
        api.say(BOB, text)

    async def scenario() -> None:
        await h.bot.start()
        *during, ended = _session_events(h)
        for event in during:
            h.emit(event)
        api.say(BOB, "/status")
        api.say(BOB, "/latest")
        await h.replies(BOB, 15)
        h.emit(ended)
        assert await h.bot.stop(drain_s=30)

    asyncio.run(scenario())

    alice = h.subscribers.get(ALICE)
    assert (alice.mode, alice.states, alice.following) == ("matches", ("Germany",), True)
    group = h.subscribers.get(GROUP)
    assert (group.mode, group.states, group.keywords, group.kind) == ("all", (), ("torture",), "group")
    assert h.subscribers.get(BOB).quiet == "00:00-23:59"

    alice_got = [m for m in api.to(ALICE)]
    # answers to the commands sent while the bot was down come, but never hold the session's alerts back
    assert sum("What we store" in m.text for m in alice_got) == 1
    assert any(m.text.startswith("You hear only from: Germany") for m in alice_got)
    alerts = [m.text for m in alice_got if m.text.startswith(("🔴", "▶")) or "↳" in m.text]
    assert alerts[0].startswith("🔴 <b>Live:")
    assert "Germany</b> has the floor" in alerts[1]
    assert "S.3" in alerts[2] and "&lt;" not in alerts[2] and "machine transcript —" in alerts[2]
    assert len(alerts) == 3 and "France" not in "".join(alerts)  # nothing from France, nor the chair
    assert [m.text for m in alice_got if m.text.startswith(("🔴", "▶", "⏹")) or "↳" in m.text][-1].count("Ended:") == 1

    group_text = "\n".join(m.text for m in api.to(GROUP))
    assert "Only this group's admins can change its settings." in group_text
    assert "We urge &lt;abolition&gt; &amp; reform of detention." in group_text  # mode all: every utterance, escaped
    assert "Chair</b> has the floor" in group_text and "S.15" in group_text
    assert "keyword “" not in group_text  # mode all already shows every word
    assert "France</b> 09:03:20 <i>(translated)</i>: France raises" in group_text
    assert "<i>machine translation from French — check against the video</i>" in group_text

    bob = [m.text for m in api.to(BOB)]
    assert any("I do not know /frobnicate" in t for t in bob)
    assert any(t.startswith("Usage: /mode") for t in bob) and any(t.startswith("Usage: /quiet") for t in bob)
    assert any("keyword “torture”" in t and "France" in t and "translation from French" in t for t in bob)
    assert any("🔴 Live:" in t and "Alerts are 2 s behind" in t for t in bob)  # /status after the lag event
    assert any("[S.15]" in t and "[S.3]" in t for t in bob)  # /latest
    assert all(m.silent for m in api.to(BOB) if "↳" in m.text)  # quiet hours: delivered, silently

    carol = [m.text for m in api.to(CAROL)]
    digests = [t for t in carol if "Digest" in t]
    assert len(digests) == 2  # one after 60 s of stream time passed, one at the end
    assert "S.3" in digests[0] and "S.15" in digests[1]
    assert not any(t.startswith("▶") or ("↳" in t and "Digest" not in t) for t in carol)  # digests only

    channel = [m.text for m in api.to(CHANNEL)]
    assert any("S.3" in t for t in channel) and any("S.15" in t for t in channel)

    # after the end, every following chat and the channel get the HTML report: uploaded once, then by file_id
    reports = [m for m in api.sent if m.method == "sendDocument"]
    assert {m.chat_id for m in reports} == {ALICE, BOB, CAROL, GROUP, CHANNEL}
    assert sum(m.uploaded for m in reports) == 1
    assert {m.filename for m in reports} == {f"{h.session.id}.html"} and len({m.document for m in reports}) == 1
    assert all(m.text.startswith("📄 <b>Report:") and "machine transcript" in m.text for m in reports)
    html = reports[0].document.decode()
    assert "We urge &lt;abolition&gt; &amp; reform of detention." in html and "<abolition>" not in html
    assert all(api.to(c)[-1].method == "sendDocument" for c in (ALICE, CAROL, CHANNEL))  # after the Ended alert

    assert {c["commands"][0]["command"] for c in api.commands} == {"start"}
    scopes = [c.get("scope") for c in api.commands]
    assert None in scopes and {"type": "chat", "chat_id": OPERATOR} in scopes
    assert any(
        c["command"] == "broadcast"
        for c in api.commands[scopes.index({"type": "chat", "chat_id": OPERATOR})]["commands"]
    )


def test_operator_commands_forget_and_privacy(api, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    db_path = tmp_path / "bot.db"
    h = Harness(api, f"sqlite:///{db_path}", channels=())  # a channel's 20 messages a minute would only slow this
    for chat in (ALICE, BOB):
        api.say(chat, "/start")

    async def scenario() -> None:
        await h.bot.start()
        for event in _session_events(h)[:5]:
            h.emit(event)
        await h.replies(ALICE, 4)
        api.say(ALICE, "/stats")  # not an operator
        api.say(OPERATOR, "/stats")
        api.say(OPERATOR, "/sessions")
        api.say(OPERATOR, f"/sessions {h.session.id}")
        api.say(OPERATOR, "/broadcast Room XX: the session resumes at 15:00 <sharp>")
        api.say(OPERATOR, "/report no-such-session")
        api.say(ALICE, "/report")  # a follower: the last session, still running
        api.say(CAROL, "/report")  # never followed
        await h.replies(OPERATOR, 5)
        await h.replies(CAROL, 1)
        await h.replies(BOB, 5)
        api.say(BOB, "/forget")
        api.say(BOB, "/forget yes")
        await h.replies(BOB, 7)
        assert await h.bot.stop(drain_s=30)

    asyncio.run(scenario())

    assert any("This command is for the operator" in m.text for m in api.to(ALICE))
    operator = api.to(OPERATOR)
    stats = next(m.text for m in operator if m.text.startswith("Chats:"))
    assert "Chats: 2 (2 private, 0 group, 0 channel)" in stats and str(ALICE) not in stats
    assert h.session.id in next(m.text for m in operator if "events" in m.text)
    document = next(m for m in operator if m.method == "sendDocument")
    assert document.filename == f"{h.session.id}-transcript.txt"
    assert "We urge <abolition> & reform of detention." in document.document.decode()
    assert any("Queued for 2 chats" in m.text for m in operator)
    assert any(f"No session no-such-session among your reports; known: {h.session.id}" in m.text for m in operator)
    alice_report = next(m for m in api.to(ALICE) if m.method == "sendDocument")
    assert alice_report.filename == f"{h.session.id}-in-progress.html"  # the session had not ended
    assert (
        'id="in-progress"' in alice_report.document.decode()
        and "We urge &lt;abolition&gt;" in alice_report.document.decode()
    )
    assert [m.text for m in api.to(CAROL)] == ["Reports go to chats that follow the sessions: /follow first."]
    assert any("📢 Room XX: the session resumes at 15:00 &lt;sharp&gt;" in m.text for m in api.to(ALICE))

    bob = [m.text for m in api.to(BOB)]
    assert "/forget yes</code> to confirm" in bob[-2] and bob[-1].startswith("Erased.")
    assert h.subscribers.get(BOB) is None
    assert all(e["chat"] != BOB for e in h.store.events(h.session.id, "alert_sent"))
    assert any(e["chat"] == ALICE for e in h.store.events(h.session.id, "alert_sent"))

    # nothing about the people: the fake server sent first names and usernames with every message
    h.store.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("bot.db*"))
    assert b"Amina" not in raw and b"amina_" not in raw
    # and the token appears in no log line, though every request URL carries it
    assert any("getUpdates" in r.getMessage() for r in caplog.records)
    assert api.token not in caplog.text
    assert any(api.token in path for path in api.requests)


def test_a_wrong_token_is_a_clear_error(api, tmp_path):
    h = Harness(api, f"sqlite:///{tmp_path / 'bot.db'}", token="999:not-the-token")
    with pytest.raises(UserError, match="Telegram rejected the bot token; set UPRWATCH_TELEGRAM_TOKEN"):
        asyncio.run(h.bot.start())
    assert api.answered[401] == 1


def test_quiet_hours_wrap_past_midnight():
    from uprwatch.bot.telegram.subscribers import Chat

    night = Chat(1, "private", quiet="22:00-07:00")
    at = lambda hh: datetime(2024, 1, 23, hh, 30, tzinfo=ZoneInfo("Europe/Zurich")).time()  # noqa: E731
    assert [night.quiet_at(at(h)) for h in (21, 22, 23, 0, 6, 7, 12)] == [False, True, True, True, True, False, False]


def test_a_guessed_speaker_is_marked_in_alerts_and_its_correction_names_the_guess():
    settings = load_session_file(SAMPLES / "demo-session.toml")
    factory = EventFactory("s", "Europe/Zurich", settings.session.start)
    formatter = AlertFormatter(factory.wall, "Europe/Zurich", {})
    tracker = FloorTracker("Kenya", speakers=["Benin", "Bhutan"])
    tracker.attribute("I give the floor to Benin.", 0)
    tracker.attribute("Benin recommends that Kenya ratify the Convention.", 1)
    tracker.attribute("Next speaker, please.", 2)
    guessed = tracker.attribute("Madam President, my delegation recommends that Kenya protect journalists.", 3)[0]
    turn = factory.turn(guessed.new_turn)
    assert turn["unconfirmed"] is True and "<b>Bhutan</b> <i>(unconfirmed)</i> has the floor" in formatter.turn(turn)
    said = factory.keyword(KeywordHit("journalists", 100, "protect journalists", 8), "Bhutan", 3, 4, None, False)
    assert "<b>Bhutan</b> <i>(unconfirmed)</i> · delegation" in formatter.match(said, "delegation", answered=False)
    corrected = tracker.attribute("Benin also recommends that Kenya abolish the death penalty.", 4)[0]
    event = factory.turn(corrected.new_turn)
    assert "unconfirmed" not in event and event["corrects"] == "Bhutan"
    assert formatter.turn(event).startswith("▶ Correction: <b>Benin</b> has the floor (delegation), not Bhutan")


def test_a_thousand_commands_sent_while_down_are_applied_first_and_answered_behind_the_session(api, tmp_path):
    h = Harness(api, f"sqlite:///{tmp_path / 'bot.db'}")
    chats = range(5001, 5501)
    for chat in chats:
        api.say(chat, "/start")
        api.say(chat, "/mode matches")

    async def scenario() -> tuple[float, int, int, float]:
        began = time.monotonic()
        await h.bot.start()
        up = time.monotonic() - began
        answered_at_start = sum(len(api.to(c)) for c in chats)
        applied_at_start = sum(h.subscribers.get(c).mode == "matches" for c in chats)
        # the session's first alert goes out while hundreds of answers are still waiting
        h.emit(_event(h, "session_started", title=h.session.title, state_under_review="China", source="test"))
        live = time.monotonic()
        while not any(m.text.startswith("🔴") for m in api.to(CHANNEL)) and time.monotonic() - live < 10:
            await asyncio.sleep(0.05)
        alert_after = time.monotonic() - live
        await h.bot.stop(drain_s=0)
        return up, answered_at_start, applied_at_start, alert_after

    up, answered_at_start, applied_at_start, alert_after = asyncio.run(scenario())
    assert applied_at_start == 500, "the backlog was not applied before the session could start"
    assert all(h.subscribers.get(c).mode == "matches" and h.subscribers.get(c).following for c in chats)
    assert answered_at_start < 50, "the bot answered the backlog before letting the session start"
    assert alert_after < 3, "the answers to the backlog held the session's first alert back"
    assert sum(len(api.to(c)) for c in chats) < 1000  # stopped with answers still to send
    print(f"bot up with 1000 pending commands in {up:.1f} s; first alert {alert_after:.1f} s after it was queued")


def test_a_chat_that_names_a_session_hears_that_one_only(api, tmp_path):
    h = Harness(api, f"sqlite:///{tmp_path / 'bot.db'}", channels=())
    other = EventFactory("other-review", h.session.timezone, h.session.start)
    formatter = AlertFormatter(other.wall, h.session.timezone, {})
    other_router = AlertRouter(h.subscribers, h.outbox, formatter, other, 600)
    h.bot.services.add_router("other-review", other_router)
    for chat in (ALICE, BOB):
        api.say(chat, "/start")

    async def scenario() -> None:
        await h.bot.start()
        api.say(ALICE, f"/follow {h.session.id}")
        api.say(BOB, "/follow no-such-review")
        await h.replies(ALICE, 2)
        await h.replies(BOB, 2)
        h.emit(_event(h, "session_started", title="Morning", state_under_review="China", source="x"))
        started = other._event("session_started", title="Afternoon", state_under_review="Cuba", source="y")
        h.store.emit(started)
        other_router.emit(started)
        await h.replies(BOB, 4)
        api.say(ALICE, "/status")
        await h.replies(ALICE, 4)
        api.say(ALICE, "/follow all")
        await h.replies(ALICE, 5)
        assert await h.bot.stop(drain_s=30)

    asyncio.run(scenario())
    alice = [m.text for m in api.to(ALICE)]
    assert alice[1].startswith(f"You follow <code>{h.session.id}</code> only")
    assert any("Live: Morning" in t for t in alice) and not any("Live: Afternoon" in t for t in alice)
    assert any(f"This chat: following ({h.session.id})" in t for t in alice)
    assert alice[-1].startswith("You follow every session.") and h.subscribers.get(ALICE).sessions == ()
    bob = [m.text for m in api.to(BOB)]
    assert bob[1].startswith("No session no-such-review here.")
    assert any("Live: Morning" in t for t in bob) and any("Live: Afternoon" in t for t in bob)
