"""`uprwatch serve` as operators run it: two overlapping sessions scheduled seconds ahead on live HLS
streams, the real Telegram bot on the fake Bot API, a `kill -9` in the middle of the first session and a
restart, then SIGTERM."""

import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
from uprwatch.bot.telegram.app import BASE_URL_ENV, TOKEN_ENV
from uprwatch.transcribe.file_source import decode_file

from tests.conftest import SAMPLES, stored_events
from tests.fake_bot_api import FakeBotApi
from tests.hls_server import RATE, LiveOrigin
from tests.session_files import book

ALICE, CHANNEL = 1001, -1009001


def serve(folder: Path, db: str, api: FakeBotApi, log: Path) -> subprocess.Popen:
    exe = Path(sys.executable).parent / "uprwatch"
    env = {**os.environ, TOKEN_ENV: api.token, BASE_URL_ENV: api.url}
    args = [str(exe), "serve", "--sessions", str(folder), "--db", db, "--model", "embedded:tiny.en"]
    return subprocess.Popen(args, env=env, stdout=log.open("a"), stderr=subprocess.STDOUT)


def wait(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def events(db: str, sid: str) -> list[dict]:
    try:
        return stored_events(db, sid)
    except Exception:  # the database is being created by the service
        return []


def test_serve_runs_the_calendar_survives_kill_9_and_stops_on_sigterm(tmp_path):
    audio = np.concatenate([c.samples for c in decode_file(SAMPLES / "demo-session.ogg")])
    first = LiveOrigin({"en": audio[: 26 * RATE]}, window=6)
    second = LiveOrigin({"en": audio[60 * RATE : 80 * RATE]}, window=6)
    folder, db, log = tmp_path / "sessions", f"sqlite:///{tmp_path / 'log.db'}", tmp_path / "serve.log"
    folder.mkdir()
    now = datetime.now(ZoneInfo("Europe/Zurich")).replace(microsecond=0)
    with FakeBotApi() as api:
        api.say(ALICE, "/start")
        first.start()
        book(folder, "review-a", "Morning review", first.url, now + timedelta(seconds=6), 18, CHANNEL)
        process = serve(folder, db, api, log)
        try:
            # the first session is live: its first words are logged, then the process is killed outright
            assert wait(lambda: any(e["type"] == "utterance" for e in events(db, "review-a")), 60), log.read_text()
            process.kill()
            process.wait()
            second.start()
            book(
                folder, "review-b", "Afternoon review", second.url, datetime.now(ZoneInfo("Europe/Zurich")), 16, CHANNEL
            )
            process = serve(folder, db, api, log)
            summaries = lambda: [m.text for m in api.to(ALICE) if "Summary" in m.text]  # noqa: E731
            assert wait(lambda: len(summaries()) == 2, 120), log.read_text()
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=60) == 0, log.read_text()
        finally:
            if process.poll() is None:
                process.kill()
            first.stop()
            second.stop()
        alice = [m.text for m in api.to(ALICE)]
        reports = {m.filename: m.document.decode() for m in api.to(ALICE) if m.method == "sendDocument"}
        channel = [m.text for m in api.to(CHANNEL)]

    a, b = events(db, "review-a"), events(db, "review-b")
    # the first session: reminder, start, what was said, end, report, summary — in that order, each once
    order = [
        next(i for i, t in enumerate(alice) if t.startswith("⏰") and "Morning review" in t),
        next(i for i, t in enumerate(alice) if t.startswith("🔴") and "Morning review" in t),
        next(i for i, t in enumerate(alice) if t.startswith("⏹") and "Morning review" in t),
        next(i for i, t in enumerate(alice) if t.startswith("📄 <b>Report: Morning review")),
        next(i for i, t in enumerate(alice) if "Summary" in t and "Morning review" in t),
    ]
    assert order == sorted(order), alice
    # the report of the resumed session holds what was heard before the kill and after the restart, and the gap
    said = [e["text"] for e in events(db, "review-a") if e["type"] == "utterance"]
    assert set(reports) == {"review-a.html", "review-b.html"}
    assert "uprwatch was not running" in reports["review-a.html"]
    assert reports["review-a.html"].count('class="u"') == len(said)
    assert len(alice) == len(set(alice)) and len(channel) == len(set(channel)), "an alert was sent twice"
    assert any("🔴 <b>Live: Afternoon review" in t for t in channel)  # a channel may get alerts merged
    # the restart resumed the first session in the same log, with the time it was down as a gap
    assert [e["type"] for e in a].count("session_started") == 2
    down = [e for e in a if e["type"] == "stream_gap" and e["reason"] == "uprwatch was not running"]
    assert len(down) == 1 and down[0]["end"] > down[0]["start"]
    before_kill = a[: a.index(down[0])]
    assert down[0]["start"] == max(
        e.get("end") or e.get("start") or 0.0 for e in before_kill
    )  # where the record stopped
    assert any(e["start"] >= down[0]["end"] for e in a if e["type"] == "utterance"), [
        (e["type"], e.get("start"), e.get("end"), e.get("reason")) for e in a if e["type"] != "alert_sent"
    ]
    starts = [e["start"] for e in a if e["type"] == "utterance"]
    assert starts == sorted(starts)  # stream time went on across the restart
    # the two sessions overlapped in time and kept their events apart
    at = lambda events, kind: [datetime.fromisoformat(e["at"]) for e in events if e["type"] == kind]  # noqa: E731
    assert at(b, "session_started")[0] < at(a, "session_ended")[-1]
    assert any(e["type"] == "utterance" for e in b)
    assert not {e["text"] for e in a if e["type"] == "utterance"} & {e["text"] for e in b if e["type"] == "utterance"}
    assert "Telegram: @" in log.read_text() and "stopping" in log.read_text()
