"""What the pipeline does when transcription falls behind a live stream (served too fast to keep up)."""

import asyncio

import numpy as np
import pytest
from uprwatch.transcribe.file_source import decode_file
from uprwatch.transcribe.hls_source import HlsSource, RetryPolicy
from uprwatch.transcribe.pipeline import CatchUp, transcribe_source
from uprwatch.transcribe.types import SpeechChunk, StreamGap, Utterance
from uprwatch.transcribe.whisper_engine import WhisperEngine

from tests.conftest import SAMPLES
from tests.hls_server import LiveOrigin


class CountingEngine(WhisperEngine):
    """The real engine, counting the chunks it transcribed."""

    calls = 0

    def transcribe(self, chunk: SpeechChunk) -> Utterance | None:
        self.calls += 1
        return super().transcribe(chunk)


@pytest.fixture(scope="module")
def engines():
    return CountingEngine("embedded:base", "en"), CountingEngine("embedded:tiny.en", "en")


def run(policy: str, engines, max_lag: float = 4.0) -> list:
    audio = np.concatenate([c.samples for c in decode_file(SAMPLES / "demo-session.ogg")])[: 48 * 16_000]
    # served at 12x: 48 s arrive in four seconds, far faster than base transcribes on two cores
    origin = LiveOrigin({"en": audio}, speed=12.0, window=60)
    origin.start()
    main, fallback = engines
    source = HlsSource(origin.url, "en", retry=RetryPolicy(first_delay_s=0.1, max_delay_s=0.5))

    async def go() -> list:
        catch_up = CatchUp(policy, max_lag, fallback if policy == "smaller_model" else None)
        return [item async for item in transcribe_source(source, main, catch_up=catch_up)]

    try:
        return asyncio.run(asyncio.wait_for(go(), 240))
    finally:
        origin.stop()


def test_skip_to_live_drops_old_speech_as_a_gap_and_keeps_up(engines):
    items = run("skip_to_live", engines)
    skipped = [i for i in items if isinstance(i, StreamGap) and i.reason.startswith("skipped to live")]
    assert skipped, "nothing was skipped although the stream came 12x faster than real time"
    utterances = [i for i in items if isinstance(i, Utterance)]
    assert utterances and utterances[-1].end > 40  # still transcribing near the end of the stream
    starts = [i.start for i in items]
    assert starts == sorted(starts)


def test_smaller_model_takes_over_while_behind(engines):
    main, fallback = engines
    before_main, before_fallback = main.calls, fallback.calls
    items = run("smaller_model", engines)
    assert fallback.calls > before_fallback and main.calls > before_main
    assert not any(isinstance(i, StreamGap) and i.reason.startswith("skipped") for i in items)
