"""The outbox sender against the fake Bot API over HTTP: order, limits, Telegram's error answers, merging,
and restarts that lose nothing."""

from __future__ import annotations

import asyncio
import contextlib
import re

import pytest
from telegram.error import NetworkError
from telegram.ext import ExtBot
from uprwatch.bot.database import open_database
from uprwatch.bot.session_store import SessionStore
from uprwatch.bot.telegram.outbox import Outbox, report_key
from uprwatch.bot.telegram.pace import Pace
from uprwatch.bot.telegram.sender import TelegramSender
from uprwatch.bot.telegram.subscribers import SubscriberStore

from tests.fake_bot_api import FakeBotApi

ALICE, BOB, GROUP, NEW_GROUP = 1001, 1002, -2001, -1002001


@pytest.fixture
def api():
    with FakeBotApi() as server:
        yield server


@pytest.fixture
def db(tmp_path):
    return f"sqlite:///{tmp_path / 'bot.db'}"


def _stores(db: str) -> tuple[SubscriberStore, Outbox]:
    engine = open_database(db)
    return SubscriberStore(engine), Outbox(engine)


def _queue(outbox: Outbox, alert: str, chats: list[int], text: str | None = None) -> None:
    outbox.put("s1", alert, {chat: ([text or f"alert <b>{alert}</b>"], False) for chat in chats})


async def _deliver(api: FakeBotApi, db: str, until_idle: float = 30.0) -> bool:
    """Run a sender over whatever the outbox holds until it is empty, like the bot does at the end of a session."""
    subscribers, outbox = _stores(db)
    bot = ExtBot(api.token, base_url=f"{api.url}/bot", rate_limiter=Pace())
    with contextlib.suppress(NetworkError):  # an unreachable server fails getMe; sending is what is tested
        await bot.initialize()
    sender = TelegramSender(bot, outbox, subscribers)
    task = asyncio.create_task(sender.run())
    drained = await sender.drain(until_idle)
    task.cancel()
    await sender.stop()
    await bot.shutdown()
    return drained


def _alerts(api: FakeBotApi, chat: int) -> list[str]:
    return [a for s in api.to(chat) for a in re.findall(r"alert <b>(\S+)</b>", s.text)]


def test_each_chat_gets_each_alert_once_in_order(api, db):
    subscribers, outbox = _stores(db)
    for chat in (ALICE, BOB):
        subscribers.ensure(chat, "private")
    for n in range(4):
        _queue(outbox, f"a{n}", [ALICE, BOB])
    assert asyncio.run(_deliver(api, db))
    assert _alerts(api, ALICE) == _alerts(api, BOB) == ["a0", "a1", "a2", "a3"]
    gaps = [b.at - a.at for a, b in zip(api.to(ALICE), api.to(ALICE)[1:], strict=False)]
    assert min(gaps) >= 1.0  # one message a second in a private chat
    assert api.answered[429] == 0
    assert outbox.counts() == {"sent": 8}
    events = SessionStore(db).events("s1", "alert_sent")
    expected = sorted((c, f"a{n}") for c in (ALICE, BOB) for n in range(4))
    assert sorted((e["chat"], e["event"]) for e in events) == expected
    assert all(s.parse_mode == "HTML" for s in api.sent)


def test_retry_after_is_honoured_and_nothing_is_lost_or_doubled(api, db):
    subscribers, outbox = _stores(db)
    subscribers.ensure(ALICE, "private")
    subscribers.ensure(BOB, "private")
    api.faults[ALICE].extend(["429:2", "500"])
    _queue(outbox, "a0", [ALICE, BOB])
    _queue(outbox, "a1", [ALICE, BOB])
    assert asyncio.run(_deliver(api, db))
    assert _alerts(api, ALICE) == ["a0", "a1"]
    assert _alerts(api, BOB) == ["a0", "a1"]
    # Bob was not held up by Alice's flood wait and server error
    assert api.to(BOB)[0].at < api.to(ALICE)[0].at - 1.5
    assert api.answered[429] == 1 and api.answered[500] == 1


def test_a_blocked_chat_is_deactivated_and_its_queue_dropped(api, db):
    subscribers, outbox = _stores(db)
    subscribers.ensure(ALICE, "private")
    subscribers.ensure(BOB, "private")
    api.blocked.add(ALICE)
    for n in range(3):
        _queue(outbox, f"a{n}", [ALICE, BOB])
    assert asyncio.run(_deliver(api, db))
    assert _alerts(api, BOB) == ["a0", "a1", "a2"]
    assert api.to(ALICE) == []
    assert api.answered[403] == 1  # asked once, then never again
    assert subscribers.get(ALICE).reachable is False
    assert [c.chat_id for c in subscribers.receiving()] == [BOB]
    assert outbox.counts() == {"sent": 3, "dropped": 3}


def test_a_migrated_group_keeps_its_settings_and_gets_its_alerts_at_the_new_id(api, db):
    subscribers, outbox = _stores(db)
    subscribers.ensure(GROUP, "group")
    subscribers.update(GROUP, mode="all", states=("Germany",))
    api.faults[GROUP].append(f"migrate:{NEW_GROUP}")
    _queue(outbox, "a0", [GROUP])
    _queue(outbox, "a1", [GROUP])
    assert asyncio.run(_deliver(api, db))
    assert api.to(GROUP) == []
    assert _alerts(api, NEW_GROUP) == ["a0", "a1"]
    assert subscribers.get(GROUP) is None
    moved = subscribers.get(NEW_GROUP)
    assert moved.mode == "all" and moved.states == ("Germany",)


def test_a_backed_up_group_gets_its_alerts_merged_within_the_limit(api, db):
    subscribers, outbox = _stores(db)
    subscribers.ensure(GROUP, "group")
    api.faults[GROUP].append("429:2")  # the group is rate-limited while alerts keep coming
    for n in range(12):
        _queue(outbox, f"g{n}", [GROUP])
    assert asyncio.run(_deliver(api, db))
    messages = api.to(GROUP)
    assert _alerts(api, GROUP) == [f"g{n}" for n in range(12)]
    assert len(messages) == 1  # all twelve fit in one message
    assert outbox.counts() == {"sent": 12}


def test_a_merge_never_exceeds_the_message_limit(api, db):
    subscribers, outbox = _stores(db)
    subscribers.ensure(GROUP, "group")
    api.faults[GROUP].append("429:1")
    for n in range(5):
        _queue(outbox, f"g{n}", [GROUP], f"alert <b>g{n}</b> " + "word " * 300)  # ~1,500 characters each
    assert asyncio.run(_deliver(api, db))
    assert _alerts(api, GROUP) == [f"g{n}" for n in range(5)]
    assert all(len(s.text) <= 4096 for s in api.to(GROUP))
    assert 2 <= len(api.to(GROUP)) < 5


def test_a_slow_answer_for_one_chat_does_not_hold_up_the_others(api, db):
    subscribers, outbox = _stores(db)
    chats = [ALICE, BOB, 1003, 1004]
    for chat in chats:
        subscribers.ensure(chat, "private")
    api.faults[ALICE].append("slow:3")
    _queue(outbox, "a0", chats)
    assert asyncio.run(_deliver(api, db))
    first = {s.chat_id: s.at for s in api.sent}
    assert max(first[c] for c in chats[1:]) < first[ALICE] - 2


def test_pending_rows_go_out_after_a_restart_and_sent_ones_do_not_go_again(api, db):
    subscribers, outbox = _stores(db)
    subscribers.ensure(ALICE, "private")
    _queue(outbox, "a0", [ALICE])
    assert asyncio.run(_deliver(api, db))
    # the process "crashes" after queueing two more; a new process starts over from the database
    _queue(outbox, "a1", [ALICE])
    _queue(outbox, "a2", [ALICE])
    _queue(outbox, "a0", [ALICE])  # the same alert again (a replayed session): not queued twice
    assert asyncio.run(_deliver(api, db))
    assert _alerts(api, ALICE) == ["a0", "a1", "a2"]


def test_when_the_bot_api_is_unreachable_rows_stay_pending(db):
    subscribers, outbox = _stores(db)
    subscribers.ensure(ALICE, "private")
    _queue(outbox, "a0", [ALICE])
    with FakeBotApi() as gone:
        pass  # the server is shut down: connections are refused
    assert not asyncio.run(_deliver(gone, db, until_idle=3))
    assert outbox.counts() == {"pending": 1}


def test_a_report_that_cannot_be_built_fails_alone_and_the_chats_alerts_go_on(api, db):
    subscribers, outbox = _stores(db)
    subscribers.ensure(ALICE, "private")
    outbox.put("s1", report_key("s1"), {ALICE: (["📄 Report"], False)})  # the log holds no session s1
    _queue(outbox, "a1", [ALICE])
    assert asyncio.run(_deliver(api, db))
    assert _alerts(api, ALICE) == ["a1"]
    assert outbox.counts() == {"failed": 1, "sent": 1}
