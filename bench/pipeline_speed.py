"""Replay the demo session through the whole pipeline and report speed and memory.

.venv/bin/python bench/pipeline_speed.py [--model embedded:base]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from machine import describe, peak_rss_mb
from uprwatch.bot.session_runner import SessionRunner
from uprwatch.config.samples import DEMO_SESSION
from uprwatch.config.session_file import load_session_file
from uprwatch.matching.corpus_loader import load_corpus
from uprwatch.transcribe.file_source import FileSource, decode_file
from uprwatch.transcribe.whisper_engine import WhisperEngine


class Count:
    def __init__(self) -> None:
        self.by_type: dict[str, int] = {}

    def emit(self, event: dict) -> None:
        self.by_type[event["type"]] = self.by_type.get(event["type"], 0) + 1


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="embedded:base")
    args = parser.parse_args()
    settings = load_session_file(DEMO_SESSION)
    audio_s = sum(len(c.samples) for c in decode_file(Path(settings.session.source or ""))) / 16_000
    t0 = time.perf_counter()
    engine = WhisperEngine(args.model, "en")
    load_s = time.perf_counter() - t0
    s = settings.session
    corpus = load_corpus(settings.corpus.recommendations, settings.corpus.advance_questions, s.state_under_review)
    counter = Count()
    runner = SessionRunner(settings, FileSource(settings.session.source or ""), engine, corpus, [counter])
    t1 = time.perf_counter()
    asyncio.run(runner.run())
    run_s = time.perf_counter() - t1
    print(f"machine: {describe()}")
    print(f"model: {args.model} (int8, CPU), load {load_s:.1f} s")
    print(f"audio: {audio_s:.1f} s; pipeline: {run_s:.1f} s; real-time factor {run_s / audio_s:.3f}")
    print(f"events: {counter.by_type}")
    print(f"peak RSS: {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
