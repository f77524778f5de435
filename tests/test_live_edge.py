"""The live edge: a stall sends the words before it at once, and stream time stays on the stream's own
timeline across outages and origin restarts; the end of a stream is an end, not a gap."""

import asyncio
import time
from datetime import UTC, datetime

import numpy as np
import pytest
from uprwatch.transcribe.file_source import decode_file
from uprwatch.transcribe.hls_source import HlsSource, RetryPolicy
from uprwatch.transcribe.pipeline import transcribe_source
from uprwatch.transcribe.types import AudioChunk, SourceStall, StreamGap, Utterance
from uprwatch.transcribe.whisper_engine import WhisperEngine

from tests.conftest import SAMPLES
from tests.hls_server import RATE, SEGMENT_S, LiveOrigin, published_index, tones

FAST = RetryPolicy(first_delay_s=0.2, max_delay_s=0.5, request_timeout_s=2.0)


def collect(source: HlsSource, during=None, timeout: float = 60) -> list:
    async def run() -> list:
        items = []
        async for item in source.chunks():
            items.append(item)
            if during:
                during(item)
        return items

    return asyncio.run(asyncio.wait_for(run(), timeout))


def assert_on_the_published_timeline(items: list) -> None:
    """Every half second of audio sits within the two seconds its segment was published for (±0.05 s),
    counted from the first segment read."""
    chunks = [i for i in items if isinstance(i, AudioChunk) and len(i.samples) == RATE // 2]
    assert chunks
    zero = published_index(chunks[0].samples) * SEGMENT_S - chunks[0].start
    for chunk in chunks:
        published = published_index(chunk.samples) * SEGMENT_S - zero
        assert published - 0.05 <= chunk.start <= published + SEGMENT_S - 0.5 + 0.05, (chunk.start, published)


def test_a_15_s_outage_is_logged_with_its_true_length_and_nothing_after_it_drifts():
    origin = LiveOrigin({"en": tones(20)}, speed=8.0, window=6)
    origin.faults.down_after, origin.faults.down_for = 8, 15.0 / 8.0  # 15 s of stream time
    origin.start()
    try:
        items = collect(HlsSource(origin.url, "en", retry=FAST))
    finally:
        origin.stop()
    assert_on_the_published_timeline(items)
    [stall] = [i for i in items if isinstance(i, SourceStall)]
    [gap] = [i for i in items if isinstance(i, StreamGap)]
    first = next(i for i in items if isinstance(i, AudioChunk))
    zero = published_index(first.samples) * SEGMENT_S
    assert stall.at == gap.start == 9 * SEGMENT_S - zero and stall.reason.startswith("HTTP 503")
    resumed = next(i for i in items if isinstance(i, AudioChunk) and i.start >= gap.end)
    assert gap.end == resumed.start == published_index(resumed.samples) * SEGMENT_S - zero  # exactly what was lost
    assert SEGMENT_S <= gap.end - gap.start <= 15.0


def test_program_date_time_keeps_the_timeline_across_an_origin_restart():
    origin = LiveOrigin({"en": tones(20)}, speed=8.0, window=6, program_date_time=datetime(2024, 1, 23, 8, tzinfo=UTC))
    origin.start()
    restarted = []

    def restart_once(item: object) -> None:
        if isinstance(item, AudioChunk) and item.start >= 12 and not restarted:
            restarted.append(item)
            origin.restart(down_s=1.5)  # back with sequence numbers from 0; the dates still say where it is

    try:
        items = collect(HlsSource(origin.url, "en", retry=FAST), during=restart_once)
    finally:
        origin.stop()
    assert_on_the_published_timeline(items)
    [gap] = [i for i in items if isinstance(i, StreamGap)]
    assert gap.end % SEGMENT_S == 0 and gap.end > gap.start


@pytest.mark.parametrize(
    ("kind", "seconds", "ends_at"),
    [("speech", 12.2, 12.2), ("noise", 8.02, 8.0)],  # the last 0.02 s of this noise is one AAC frame FFmpeg refuses
)
def test_the_end_of_a_stream_is_no_gap_and_its_short_last_segment_decodes_what_it_can(kind, seconds, ends_at):
    if kind == "speech":
        audio = np.concatenate([c.samples for c in decode_file(SAMPLES / "demo-session.ogg")])
    else:
        audio = (np.random.default_rng(0).standard_normal(16 * RATE) * 0.1).astype(np.float32)
    origin = LiveOrigin({"en": audio[: int(seconds * RATE)]}, speed=8.0, tail=True)
    origin.start()
    try:
        items = collect(HlsSource(origin.url, "en", retry=FAST))
    finally:
        origin.stop()
    assert not [i for i in items if isinstance(i, StreamGap | SourceStall)]
    assert items[-1].end == pytest.approx(ends_at, abs=0.05)


def test_a_stall_mid_sentence_sends_the_words_before_it_at_once():
    engine = WhisperEngine("embedded:tiny.en", "en")
    audio = np.concatenate([c.samples for c in decode_file(SAMPLES / "demo-session.ogg")])
    # from 8 s of the demo: a delegate speaks from 2.1 s to 11.3 s, and the stream stalls after segment 2 (4–6 s)
    origin = LiveOrigin({"en": audio[8 * RATE : 24 * RATE]}, speed=1.0, window=6)
    origin.faults.down_after, origin.faults.down_for = 2, 30.0
    origin.start()
    source = HlsSource(origin.url, "en", retry=FAST)

    async def until_the_words_before_the_stall() -> tuple[Utterance, float]:
        async for item in transcribe_source(source, engine):
            if isinstance(item, Utterance) and item.end >= 5.5:
                return item, time.monotonic()
        raise AssertionError("the stream ended without the stalled statement")

    try:
        heard, at = asyncio.run(asyncio.wait_for(until_the_words_before_the_stall(), 30))
    finally:
        origin.stop()
    published = origin.started + 3 * SEGMENT_S  # segment 2, holding the last words, went out at 6 s
    assert heard.start < 4.0 and heard.end == pytest.approx(6.0, abs=0.1) and heard.text.strip()
    # sent while the stream was still down, within a poll and a transcription (1.9 s alone, 3.1 s under the full
    # parallel suite); not when it came back 30 s later
    assert at - published < 6, f"the words before the stall came {at - published:.1f} s after they were published"
