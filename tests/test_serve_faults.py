"""`uprwatch serve` when things go wrong around it, in one service run: a source that never goes live, a
session file broken while its session runs, a session whose end is moved later while it runs;
operators and channels changed in a file."""

import asyncio
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from uprwatch.bot.service import Service
from uprwatch.config.samples import SAMPLES_DIR

from tests.conftest import stored_events
from tests.hls_server import RATE, LiveOrigin
from tests.session_files import book

CHANNEL = -1009001


def test_silence_a_broken_file_and_a_later_end_while_sessions_run(tmp_path, caplog):
    folder, db = tmp_path / "sessions", f"sqlite:///{tmp_path / 'log.db'}"
    folder.mkdir()
    dead = LiveOrigin({"en": np.zeros(4 * RATE, dtype=np.float32)})
    dead.faults.down_until = time.monotonic() + 3600  # answers 503 to everything
    dead.start()
    start = datetime.now(ZoneInfo("Europe/Zurich"))
    book(folder, "silent", "Silent review", dead.url, start, 60, CHANNEL)
    book(folder, "overrun", "Long review", dead.url, start, 2, CHANNEL)  # closes 12 s after its start (overrun 10 s)
    (folder / "broken.toml").write_text('[session]\nid = "broken"\n', encoding="utf-8")
    service = Service(folder, db, model="embedded:tiny.en")
    service.not_live_after = timedelta(seconds=2)
    reloaded: list[str] = []
    running_at_15_s: list[set[str]] = []

    def push_the_end_back() -> None:  # the meeting runs late, and the operator edits its file
        book(folder, "overrun", "Long review", dead.url, start, 60, CHANNEL)
        reloaded.append(service.reload())

    def break_a_file() -> None:  # an operator's bad edit while the session runs
        path = folder / "silent.toml"
        path.write_text(path.read_text().replace('"Europe/Zurich"', '"Europe/Genf"'), encoding="utf-8")
        reloaded.append(service.reload())

    async def for_a_while() -> int:
        loop = asyncio.get_running_loop()
        loop.call_later(3, push_the_end_back)
        loop.call_later(4, break_a_file)
        loop.call_later(15, lambda: running_at_15_s.append(set(service.running)))
        loop.call_later(16, service.stopping.set)
        return await service.run(drain_s=0)

    try:
        assert asyncio.run(for_a_while()) == 0
    finally:
        dead.stop()
    assert running_at_15_s == [{"overrun", "silent"}]  # the broken file's session ran on with its last good times
    assert service.bookings["silent"].end == start.replace(microsecond=0) + timedelta(seconds=60)
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert any("broken.toml: [session] state_under_review: missing" in w for w in warnings)
    assert any(
        w.startswith("silent: nothing heard from http://127.0.0.1") and "Check [session] source" in w for w in warnings
    )
    # every problem of the broken file (four) and the bad time zone of the other
    assert reloaded[-1] == "2 sessions on the calendar, 5 problems in the session files."
    assert any("silent.toml: [session] timezone" in w and "last good schedule is kept" in w for w in warnings)
    kinds = [e["type"] for e in stored_events(db, "silent")]
    assert kinds[0] == "session_started" and "utterance" not in kinds


def test_operators_and_channels_follow_the_edited_files(tmp_path):
    start = datetime.now(ZoneInfo("Europe/Zurich")) + timedelta(hours=5)
    path = book(tmp_path, "later", "Later review", str(SAMPLES_DIR / "demo-session.ogg"), start, 60, -100111)
    service = Service(tmp_path, f"sqlite:///{tmp_path / 'log.db'}")
    service.reload()
    assert service.services.admins == () and [c.chat_id for c in service.subscribers.receiving()] == [-100111]
    path.write_text(path.read_text().replace("channels = [-100111]", "admins = [42]\nchannels = [-100111, -100222]"))
    service.reload()  # what the check every minute and /sessions reload do
    assert service.services.admins == (42,)
    assert {c.chat_id for c in service.subscribers.receiving()} == {-100111, -100222}
    service.subscribers.update(-100222, reachable=False)  # the channel removed the bot
    service.reload()
    assert not service.subscribers.get(-100222).reachable  # not forced back every minute
    # a channel follows the sessions of the files that list it, and one taken out of every file follows nothing
    book(tmp_path, "other", "Other review", str(SAMPLES_DIR / "demo-session.ogg"), start, 60, -100333)
    service.reload()
    assert [c.chat_id for c in service.subscribers.receiving("other")] == [-100333]
    assert {c.chat_id for c in service.subscribers.receiving("later")} == {-100111}  # -100222 unreachable
    service.subscribers.update(-100111, following=False)  # /stop in the channel
    book(tmp_path, "third", "Third review", str(SAMPLES_DIR / "demo-session.ogg"), start, 60, -100111)
    service.reload()  # -100111 now follows a second session by name, and stays paused
    assert set(service.subscribers.get(-100111).sessions) == {"later", "third"}
    assert not service.subscribers.get(-100111).following
    service.subscribers.update(-100111, following=True)
    path.unlink()
    service.reload()
    assert [c.chat_id for c in service.subscribers.receiving("later")] == []
    service.store.close()


def test_a_session_the_service_was_down_through_is_ended_and_its_report_queued(tmp_path):
    start = datetime.now(ZoneInfo("Europe/Zurich")) - timedelta(hours=2)
    book(tmp_path, "missed", "Missed review", str(SAMPLES_DIR / "demo-session.ogg"), start, 60, -100111)
    service = Service(tmp_path, f"sqlite:///{tmp_path / 'log.db'}")
    service.reload()
    started = {"type": "session_started", "session": "missed", "at": start.isoformat(), "title": "Missed review"}
    service.store.emit(started | {"state_under_review": "China", "source": "x"})
    service._close_abandoned()
    service._close_abandoned()  # once only
    ended = [e for e in service.store.events("missed") if e["type"] == "session_ended"]
    assert len(ended) == 1
    assert datetime.fromisoformat(ended[0]["at"]).utcoffset() == start.utcoffset()  # the session's time zone
    letters = {letter.alert for letter in service.outbox.pending_after(0)}
    assert letters == {"missed:report", "missed:summary"}
    service.store.close()
