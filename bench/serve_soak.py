"""Soak test of `uprwatch serve`: one process serving a long live session to many chats.

    .venv/bin/python bench/serve_soak.py --minutes 60 --chats 1000 [--model embedded:tiny.en]

A local origin (tests/hls_server.py) publishes the demo audio, looped to the requested length, as a live
HLS stream at real-time pace; the session is scheduled a few seconds ahead in a temporary sessions
folder; the chats write /start (and /mode) to the local fake Bot API (tests/fake_bot_api.py) before the
service starts, which enforces Telegram's limits. The service runs in this process, as `serve` runs it.

Reported: peak RSS; utterance lag p50/p95 per 10 minutes (emission time in the session log against when
the speech ended in the stream); the CPU share of the event loop's thread (the bot, the scheduler, routing
and the outbox sender) beside the whole process (the pipeline's decoding, segmentation and Whisper run in
worker threads); and alerts lost (outbox rows not sent, or sent but never received) or duplicated (a chat
receiving the same text twice).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))
from machine import describe, peak_rss_mb  # noqa: E402
from uprwatch.bot.service import Service  # noqa: E402
from uprwatch.bot.session_store import SessionStore  # noqa: E402
from uprwatch.bot.telegram.app import BASE_URL_ENV, TOKEN_ENV  # noqa: E402
from uprwatch.bot.telegram.outbox import Outbox  # noqa: E402
from uprwatch.config.samples import SAMPLES_DIR  # noqa: E402
from uprwatch.transcribe.file_source import decode_file  # noqa: E402

from tests.fake_bot_api import FakeBotApi  # noqa: E402
from tests.hls_server import LiveOrigin  # noqa: E402
from tests.session_files import book  # noqa: E402

WINDOW_S = 600.0
CHANNEL = -1000001


def cpu_seconds(task: str) -> float:
    """User + system CPU seconds of one thread (`task` = its id) or, with 'self', of the whole process."""
    path = Path("/proc/self/stat") if task == "self" else Path(f"/proc/self/task/{task}/stat")
    fields = path.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--chats", type=int, default=1000)
    parser.add_argument("--model", default="embedded:tiny.en")
    args = parser.parse_args()
    demo = np.concatenate([c.samples for c in decode_file(SAMPLES_DIR / "demo-session.ogg")])
    need = int((args.minutes * 60 + 30) * 16_000)  # the stream outlasts the session, as a meeting overruns
    audio = np.tile(demo, need // len(demo) + 1)[:need]
    origin = LiveOrigin({"en": audio}, window=10)
    with FakeBotApi() as api, tempfile.TemporaryDirectory() as tmp:
        os.environ[TOKEN_ENV], os.environ[BASE_URL_ENV] = api.token, api.url
        # followers choose their modes: most take a digest, some every match, a few the whole feed
        for n in range(args.chats):
            chat = 10_000 + n
            api.say(chat, "/start")
            api.say(chat, "/mode " + ("digest" if n % 10 < 8 else "matches" if n % 10 < 9 or n % 100 else "all"))
        folder = Path(tmp) / "sessions"
        folder.mkdir()
        start = datetime.now(ZoneInfo("Europe/Zurich")).replace(microsecond=0) + timedelta(seconds=5)
        db = f"sqlite:///{tmp}/log.db"
        origin.start()
        wall_zero = time.time()  # stream time 0: the source takes the published backlog when it opens
        book(folder, "soak", "Soak review", origin.url, start, args.minutes * 60, CHANNEL, "2s", "0s", "2m")
        service = Service(folder, db, args.model)
        loop_thread = str(os.getpid())  # asyncio runs in the main thread, whose task id is the process id

        async def serve() -> None:
            async def stop_after_summary() -> None:
                while not any("Summary" in m.text for m in api.to(CHANNEL)):
                    await asyncio.sleep(2)
                service.stopping.set()

            watcher = asyncio.create_task(stop_after_summary())
            await service.run(drain_s=1800)
            watcher.cancel()

        cpu_before, loop_before = cpu_seconds("self"), cpu_seconds(loop_thread)
        began = time.monotonic()
        asyncio.run(serve())
        elapsed = time.monotonic() - began
        cpu_all, cpu_loop = cpu_seconds("self") - cpu_before, cpu_seconds(loop_thread) - loop_before
        origin.stop()
        store = SessionStore(db)
        events = store.events("soak")
        outbox = Outbox(store.engine).counts()
        sent = [e for e in store.events("soak", "alert_sent")]
        store.close()
        received = Counter((m.chat_id, m.text) for m in api.sent)

    lags: dict[int, list[float]] = {}
    for e in events:
        if e["type"] == "utterance":
            lag = datetime.fromisoformat(e["at"]).timestamp() - (wall_zero + float(e["end"]))
            lags.setdefault(int(float(e["end"]) // WINDOW_S), []).append(lag)
    duplicated = sum(n - 1 for n in received.values() if n > 1)
    unsent = sum(n for state, n in outbox.items() if state != "sent")
    messages = sum(received.values())
    print(f"machine: {describe()}")
    print(
        f"session: {args.minutes:g} min live HLS, model {args.model}; {args.chats} chats + 1 channel; "
        f"wall {elapsed:.0f} s"
    )
    for w, values in sorted(lags.items()):
        span = f"{w * 10:>3}-{w * 10 + 10:<3}"
        print(
            f"  minutes {span}: utterance lag p50 {pct(values, 50):.2f} s, p95 {pct(values, 95):.2f} s ({len(values)})"
        )
    print(
        f"CPU: {cpu_all:.0f} s in all, {cpu_loop:.0f} s ({100 * cpu_loop / max(cpu_all, 1e-9):.1f} %) in the event loop"
    )
    print(f"outbox: {dict(outbox)}; alert_sent events {len(sent)}; messages received {messages}")
    print(f"alerts lost (outbox rows not sent): {unsent}; duplicated (same text twice to a chat): {duplicated}")
    print(f"peak RSS: {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
