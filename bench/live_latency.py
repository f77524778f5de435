"""Latency of the live pipeline: the demo session served as live HLS at real-time pace.

    .venv/bin/python bench/live_latency.py --model embedded:base --minutes 4

A local origin (tests/hls_server.py) publishes 2 s segments of the demo audio, looped to the requested
length, as a live stream; the real session runner follows it. For every utterance and match, the lag is
the time from when its speech ended in the stream (the origin's clock) to when the event was emitted;
it includes the wait for the segment to be published. Reported: p50/p95 lag, lag per 5-minute window
(to see growth), the real-time factor of transcription and the peak RSS.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))
from machine import describe, peak_rss_mb  # noqa: E402
from uprwatch.bot.session_runner import SessionRunner  # noqa: E402
from uprwatch.config.samples import DEMO_SESSION  # noqa: E402
from uprwatch.config.session_file import load_session_file  # noqa: E402
from uprwatch.matching.corpus_loader import load_corpus  # noqa: E402
from uprwatch.transcribe.file_source import decode_file  # noqa: E402
from uprwatch.transcribe.hls_source import HlsSource  # noqa: E402
from uprwatch.transcribe.types import SpeechChunk, Utterance  # noqa: E402
from uprwatch.transcribe.whisper_engine import WhisperEngine  # noqa: E402

from tests.hls_server import LiveOrigin  # noqa: E402

SEGMENT_S = 2.0
WINDOW_S = 300.0


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
        self.rows: list[tuple[str, float, float]] = []  # type, speech end (stream s), emitted (monotonic)
        self._utterance_end = 0.0

    def emit(self, event: dict) -> None:
        if event["type"] == "utterance":
            self._utterance_end = float(event["end"])
        if event["type"] in ("utterance", "match"):
            self.rows.append((event["type"], self._utterance_end, time.monotonic()))


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="embedded:base")
    parser.add_argument("--minutes", type=float, default=4.0)
    args = parser.parse_args()
    settings = load_session_file(DEMO_SESSION)
    settings = replace(settings, session=replace(settings.session, start=None))
    demo = np.concatenate([c.samples for c in decode_file(Path(settings.session.source or ""))])
    need = int(args.minutes * 60 * 16_000)
    audio = np.tile(demo, need // len(demo) + 1)[:need]
    origin = LiveOrigin({"en": audio}, segment_s=SEGMENT_S, window=10, speed=1.0)
    engine = TimedEngine(args.model, "en")
    corpus = load_corpus(settings.corpus.recommendations, settings.corpus.advance_questions, "China")
    recorder = Recorder()
    origin.start()
    source = HlsSource(origin.url, "en")
    runner = SessionRunner(settings, source, engine, corpus, [recorder])
    started = time.monotonic()
    summary = asyncio.run(runner.run())
    elapsed = time.monotonic() - started
    origin.stop()
    lags = {
        kind: [emitted - (origin.started + end) for k, end, emitted in recorder.rows if k == kind]
        for kind in ("utterance", "match")
    }
    print(f"machine: {describe()}")
    print(f"model: {args.model} (int8, CPU); stream: {len(audio) / 16_000:.0f} s live HLS, {SEGMENT_S:g} s segments")
    print(f"wall time: {elapsed:.0f} s")
    print(f"events: {summary.utterances} utterances, {summary.matches} matches, {summary.turns} turns")
    for kind, values in lags.items():
        worst = max(values, default=float("nan"))
        print(f"lag {kind}: p50 {pct(values, 50):.2f} s, p95 {pct(values, 95):.2f} s, max {worst:.2f} s")
    windows: dict[int, list[float]] = {}
    for _, end, emitted in (r for r in recorder.rows if r[0] == "utterance"):
        windows.setdefault(int(end // WINDOW_S), []).append(emitted - (origin.started + end))
    for w, values in sorted(windows.items()):
        span = f"{w * 5:>3}-{w * 5 + 5:<3}"
        print(f"  minutes {span}: p50 {pct(values, 50):.2f} s, p95 {pct(values, 95):.2f} s ({len(values)} utterances)")
    print(f"real-time factor (transcription busy time / audio time): {engine.busy_s / (len(audio) / 16_000):.3f}")
    print(f"peak RSS: {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
