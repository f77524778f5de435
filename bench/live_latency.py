"""Latency of the live pipeline: the demo session served as live HLS at real-time pace.

    .venv/bin/python bench/live_latency.py --model embedded:base --minutes 4 [--outage 15 --outage-at 60]
    .venv/bin/python bench/live_latency.py --timeline-outage 300

A local origin (tests/hls_server.py) publishes 2 s segments of the demo audio, looped to the requested
length, as a live stream; the real session runner follows it, and the real Telegram bot sends its alerts
to a channel on the local fake Bot API (tests/fake_bot_api.py). For every utterance and match, the lag
is the time from when its speech ended in the stream (the origin's clock) to when the event was emitted;
alert lag runs to when the match's alert reached the Bot API. Both include the wait for the segment to
be published. With --outage the origin answers 503 for that many seconds from --outage-at, and the lag
of the last utterance before the outage is reported on its own. Reported: p50/p95 lag, lag per 5-minute
window (to see growth), the real-time factor of transcription and the peak RSS.

--timeline-outage N instead serves a stream of numbered tones eight times faster than real time, takes
the origin down for N seconds of stream time, and reports how far the stream time of every half second
of audio after it lies from where the origin published it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))
from machine import describe, peak_rss_mb  # noqa: E402
from uprwatch.bot.session_runner import SessionRunner  # noqa: E402
from uprwatch.bot.session_setup import session_router  # noqa: E402
from uprwatch.bot.session_store import SessionStore  # noqa: E402
from uprwatch.bot.telegram.app import BASE_URL_ENV, TelegramBot  # noqa: E402
from uprwatch.bot.telegram.commands import BotServices  # noqa: E402
from uprwatch.bot.telegram.outbox import Outbox  # noqa: E402
from uprwatch.bot.telegram.subscribers import SubscriberStore  # noqa: E402
from uprwatch.config.samples import DEMO_SESSION  # noqa: E402
from uprwatch.config.session_file import TelegramSettings, load_session_file  # noqa: E402
from uprwatch.matching.corpus_loader import load_corpus  # noqa: E402
from uprwatch.transcribe.file_source import decode_file  # noqa: E402
from uprwatch.transcribe.hls_source import HlsSource  # noqa: E402
from uprwatch.transcribe.types import AudioChunk, SpeechChunk, StreamGap, Utterance  # noqa: E402
from uprwatch.transcribe.whisper_engine import WhisperEngine  # noqa: E402

from tests.fake_bot_api import FakeBotApi  # noqa: E402
from tests.hls_server import SEGMENT_S, LiveOrigin, published_index, tones  # noqa: E402

WINDOW_S = 300.0
CHANNEL = -1000001


class TimedEngine(WhisperEngine):
    """The real engine, with the time each transcription took recorded for the real-time factor."""

    busy_s = 0.0

    def transcribe(self, chunk: SpeechChunk) -> Utterance | None:
        started = time.perf_counter()
        try:
            return super().transcribe(chunk)
        finally:
            self.busy_s += time.perf_counter() - started


class Recorder:
    """When each utterance and match was emitted, against when the utterance's speech ended."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, float, float, str]] = []  # type, speech end (stream s), emitted, ref
        self.gaps: list[dict] = []
        self._utterance_end = 0.0

    def emit(self, event: dict) -> None:
        if event["type"] == "utterance":
            self._utterance_end = float(event["end"])
        if event["type"] in ("utterance", "match"):
            self.rows.append((event["type"], self._utterance_end, time.monotonic(), event.get("ref", "")))
        if event["type"] == "stream_gap":
            self.gaps.append(event)


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def alert_lags(recorder: Recorder, api: FakeBotApi, published: float) -> list[float]:
    """For each match, when the first channel message naming its reference reached the Bot API."""
    lags = []
    for kind, end, emitted, ref in recorder.rows:
        if kind != "match":
            continue
        named = re.compile(rf"(?<![\w.]){re.escape(ref)}(?![\w.])")
        arrived = [m.at for m in api.to(CHANNEL) if m.at >= emitted - 0.01 and named.search(m.text)]
        if arrived:
            lags.append(min(arrived) - (published + end))
    return lags


async def follow(runner: SessionRunner, bot: TelegramBot) -> None:
    await bot.start()
    try:
        await runner.run()
    finally:
        await bot.stop(drain_s=30)


def timeline(outage_s: float) -> None:
    """Stream times after an outage against where the origin published the audio."""
    speed = 8.0
    segments = int((outage_s + 120) / SEGMENT_S)
    origin = LiveOrigin({"en": tones(segments)}, speed=speed, window=6)
    origin.faults.down_after, origin.faults.down_for = 20, outage_s / speed
    origin.start()
    source = HlsSource(origin.url, "en")

    async def read() -> list:
        return [item async for item in source.chunks()]

    items = asyncio.run(read())
    origin.stop()
    chunks = [i for i in items if isinstance(i, AudioChunk) and len(i.samples) == 16_000 // 2]
    zero = published_index(chunks[0].samples) * SEGMENT_S - chunks[0].start
    errors = []
    for chunk in chunks:
        start = published_index(chunk.samples) * SEGMENT_S - zero
        offset = (chunk.start - start) % 0.5  # a chunk starts on a half second of its segment
        errors.append(min(offset, 0.5 - offset) if 0 <= chunk.start - start < SEGMENT_S else abs(chunk.start - start))
    print(f"machine: {describe()}")
    print(f"stream: {segments * SEGMENT_S:.0f} s of numbered tones, {SEGMENT_S:g} s segments, served {speed:g}x")
    print(f"outage: origin down (HTTP 503) for {outage_s:.0f} s of stream time after segment 20")
    for gap in (i for i in items if isinstance(i, StreamGap)):
        print(f"gap logged: {gap.start:.2f}-{gap.end:.2f} s ({gap.end - gap.start:.2f} s), {gap.reason}")
    print(f"audio after the outage placed off its published time by at most {max(errors):.3f} s ({len(chunks)} pieces)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="embedded:base")
    parser.add_argument("--minutes", type=float, default=4.0)
    parser.add_argument("--outage", type=float, default=0.0, help="seconds the origin answers 503")
    parser.add_argument("--outage-at", type=float, default=60.0, help="stream second the outage begins")
    parser.add_argument("--timeline-outage", type=float, default=0.0, help="only check stream time after an outage")
    args = parser.parse_args()
    if args.timeline_outage:
        timeline(args.timeline_outage)
        return
    settings = load_session_file(DEMO_SESSION)
    settings = replace(settings, session=replace(settings.session, start=None))
    demo = np.concatenate([c.samples for c in decode_file(Path(settings.session.source or ""))])
    need = int(args.minutes * 60 * 16_000)
    audio = np.tile(demo, need // len(demo) + 1)[:need]
    origin = LiveOrigin({"en": audio}, segment_s=SEGMENT_S, window=10, speed=1.0)
    engine = TimedEngine(args.model, "en")
    corpus = load_corpus(settings.corpus.recommendations, settings.corpus.advance_questions, "China")
    recorder = Recorder()
    with FakeBotApi() as api, tempfile.TemporaryDirectory() as tmp:
        os.environ[BASE_URL_ENV] = api.url
        origin.start()
        if args.outage:
            at = origin.started + args.outage_at
            threading.Timer(at - time.monotonic(), setattr, (origin.faults, "down_until", at + args.outage)).start()
        source = HlsSource(origin.url, "en")
        store = SessionStore(f"sqlite:///{tmp}/log.db")
        runner = SessionRunner(settings, source, engine, corpus, [store, recorder])
        s = settings.session
        subscribers, outbox = SubscriberStore(store.engine), Outbox(store.engine)
        router = session_router(settings, runner.events, corpus, subscribers, outbox)
        runner.sinks.append(router)
        telegram = TelegramSettings(channels=(CHANNEL,))
        services = BotServices(subscribers, outbox, store, ())
        services.add_router(s.id, router)
        bot = TelegramBot(api.token, telegram, services)
        started = time.monotonic()
        asyncio.run(follow(runner, bot))
        elapsed = time.monotonic() - started
        origin.stop()
        store.close()
    lags = {
        kind: [emitted - (origin.started + end) for k, end, emitted, _ in recorder.rows if k == kind]
        for kind in ("utterance", "match")
    }
    lags["alert"] = alert_lags(recorder, api, origin.started)
    print(f"machine: {describe()}")
    print(f"model: {args.model} (int8, CPU); stream: {len(audio) / 16_000:.0f} s live HLS, {SEGMENT_S:g} s segments")
    if args.outage:
        print(f"outage: HTTP 503 for {args.outage:g} s from stream second {args.outage_at:g}")
        for gap in recorder.gaps:
            print(f"gap logged: {gap['start']:.2f}-{gap['end']:.2f} s, {gap['reason']}")
        before = [(end, emitted) for k, end, emitted, _ in recorder.rows if k == "utterance" and end <= args.outage_at]
        if before:
            end, emitted = before[-1]
            print(f"last utterance before the outage (ends {end:.1f} s): lag {emitted - (origin.started + end):.2f} s")
        # speech published while the origin answered 503 reaches nobody before it is back: late by the outage
        outside = [
            emitted - (origin.started + end)
            for k, end, emitted, _ in recorder.rows
            if k == "utterance" and not args.outage_at < end <= args.outage_at + args.outage
        ]
        print(f"lag utterance outside the outage: p50 {pct(outside, 50):.2f} s, p95 {pct(outside, 95):.2f} s")
    print(f"wall time: {elapsed:.0f} s")
    print(f"events: {sum(k == 'utterance' for k, *_ in recorder.rows)} utterances, {len(lags['alert'])} match alerts")
    for kind, values in lags.items():
        worst = max(values, default=float("nan"))
        print(f"lag {kind}: p50 {pct(values, 50):.2f} s, p95 {pct(values, 95):.2f} s, max {worst:.2f} s")
    windows: dict[int, list[float]] = {}
    for _, end, emitted, _ in (r for r in recorder.rows if r[0] == "utterance"):
        windows.setdefault(int(end // WINDOW_S), []).append(emitted - (origin.started + end))
    for w, values in sorted(windows.items()):
        span = f"{w * 5:>3}-{w * 5 + 5:<3}"
        print(f"  minutes {span}: p50 {pct(values, 50):.2f} s, p95 {pct(values, 95):.2f} s ({len(values)} utterances)")
    print(f"real-time factor (transcription busy time / audio time): {engine.busy_s / (len(audio) / 16_000):.3f}")
    print(f"peak RSS: {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
