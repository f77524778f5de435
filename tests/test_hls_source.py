"""The HLS source against a real HTTP origin on 127.0.0.1 that injects faults."""

import asyncio
import time
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from uprwatch.config.errors import UserError
from uprwatch.transcribe.file_source import decode_file
from uprwatch.transcribe.hls_source import HlsSource, RetryPolicy
from uprwatch.transcribe.types import AudioChunk, SourceStall, StreamGap

from tests.conftest import SAMPLES
from tests.hls_server import LiveOrigin

FAST = RetryPolicy(first_delay_s=0.2, max_delay_s=1.0, stall_target_durations=3.0, request_timeout_s=2.0)


@pytest.fixture(scope="module")
def audio() -> np.ndarray:
    return np.concatenate([c.samples for c in decode_file(SAMPLES / "demo-session.ogg")])


def origin_for(audio: np.ndarray, seconds: int = 24, speed: float = 8.0, **kw) -> LiveOrigin:
    n = seconds * 16_000
    return LiveOrigin(
        {"en": audio[:n], "fr": audio[n : 2 * n], "ia": audio[2 * n : 3 * n]}, speed=speed, names={"ia": "Floor"}, **kw
    )


def collect(source: HlsSource, timeout: float = 60) -> list:
    async def run() -> list:
        return [item async for item in source.chunks()]

    return asyncio.run(asyncio.wait_for(run(), timeout))


def audio_of(items: list) -> np.ndarray:
    return np.concatenate([i.samples for i in items if isinstance(i, AudioChunk)])


def gaps(items: list) -> list[StreamGap]:
    return [i for i in items if isinstance(i, StreamGap)]


def assert_monotonic(items: list) -> None:
    t = -1.0
    for item in items:
        if isinstance(item, SourceStall):  # reported where the audio read so far ends
            assert item.at == pytest.approx(t), (item, t)
            continue
        assert item.start >= t - 1e-6, (item.start, t)
        t = item.end


def envelope(x: np.ndarray, window: int = 6400) -> np.ndarray:
    """Loudness per 0.4 s: compares speech content and ignores the codec's few-ms delay."""
    n = len(x) // window
    return np.sqrt((x[: n * window].reshape(n, window) ** 2).mean(axis=1))


def similar(a: np.ndarray, b: np.ndarray) -> float:
    ea, eb = envelope(a), envelope(b)
    n = min(len(ea), len(eb))
    return float(np.corrcoef(ea[:n], eb[:n])[0, 1])


@pytest.fixture
def origin(audio):
    made: list[LiveOrigin] = []

    def make(**kw) -> LiveOrigin:
        o = origin_for(audio, **kw)
        o.start()
        made.append(o)
        return o

    yield make
    for o in made:
        o.stop()


def test_live_stream_arrives_whole_and_in_order(origin, audio):
    # every segment stays listed (12 × 2 s): on a busy machine a reader of an 8× stream can fall behind a shorter
    # window, which is a real loss and another test's subject
    o = origin(window=12)
    items = collect(HlsSource(o.url, "en", retry=FAST))
    got = audio_of(items)
    assert gaps(items) == []
    assert abs(len(got) / 16_000 - 24) < 0.5
    assert_monotonic(items)
    assert similar(got, audio[: 24 * 16_000]) > 0.9


@pytest.mark.parametrize(("language", "offset"), [("fr", 1), ("floor", 2)])
def test_language_picks_the_audio_rendition(origin, audio, language, offset):
    o = origin()
    got = audio_of(collect(HlsSource(o.url, language, retry=FAST)))
    n = 24 * 16_000
    assert similar(got, audio[offset * n : (offset + 1) * n]) > 0.9
    assert similar(got, audio[:n]) < 0.5


def test_missing_language_lists_what_the_stream_offers(origin):
    o = origin()
    with pytest.raises(UserError, match=r"no 'ru' audio; it offers: en, floor, fr"):
        collect(HlsSource(o.url, "ru", retry=FAST))


@pytest.mark.parametrize(
    ("fault", "segment", "reason"), [("missing", 5, "HTTP 404 for segment"), ("truncated", 3, "truncated segment")]
)
def test_a_lost_segment_becomes_a_gap_of_its_length(origin, fault, segment, reason):
    o = origin()
    getattr(o.faults, fault).add(segment)
    items = collect(HlsSource(o.url, "en", retry=FAST))
    [gap] = gaps(items)
    assert gap.reason == reason and (gap.start, gap.end) == (segment * 2.0, segment * 2.0 + 2.0)
    assert abs(len(audio_of(items)) / 16_000 - 22) < 0.5
    assert_monotonic(items)


def test_discontinuity_is_followed_without_loss(origin):
    o = origin()
    o.faults.discontinuity.update({4, 8})
    items = collect(HlsSource(o.url, "en", retry=FAST))
    assert gaps(items) == [] and abs(len(audio_of(items)) / 16_000 - 24) < 0.5


def test_outage_is_one_gap_and_the_stream_resumes(origin):
    # real time, and a live window of two segments, so that an 8 s outage loses audio
    o = origin(seconds=20, speed=1.0, window=2)
    source = HlsSource(o.url, "en", retry=FAST)

    async def run() -> list:
        items = []
        async for item in source.chunks():
            items.append(item)
            if isinstance(item, AudioChunk) and 3.5 <= item.start < 4 and not o.faults.down_until:
                o.faults.down_until = time.monotonic() + 8
        return items

    items = asyncio.run(asyncio.wait_for(run(), 60))
    [gap] = gaps(items)
    assert gap.reason.startswith("HTTP 503")
    assert 2 <= gap.end - gap.start <= 10
    assert_monotonic(items)
    assert audio_of(items).size / 16_000 >= 8  # audio before and after the outage


def test_stalled_playlist_is_detected_and_recovered(origin):
    o = origin(seconds=24, speed=4.0)
    o.faults.frozen_at, o.faults.frozen_until = 3, time.monotonic() + 9
    items = collect(HlsSource(o.url, "en", retry=FAST), timeout=90)
    stalls = [g for g in gaps(items) if g.reason.startswith("playlist stalled")]
    assert len(stalls) == 1
    assert_monotonic(items)


def test_origin_restart_with_new_sequence_numbers(origin):
    o = origin(seconds=32, speed=4.0)
    source = HlsSource(o.url, "en", retry=FAST)

    async def run() -> list:
        items, restarted = [], False
        async for item in source.chunks():
            items.append(item)
            if isinstance(item, AudioChunk) and item.start >= 6 and not restarted:
                restarted = True
                o.restart(down_s=3)
        return items

    items = asyncio.run(asyncio.wait_for(run(), 60))
    [gap] = gaps(items)
    assert gap.reason.startswith(("network error", "HTTP"))
    assert 0 <= gap.end - gap.start <= 12
    assert_monotonic(items)
    assert audio_of(items).size / 16_000 > 18


def test_early_end_of_stream_is_an_outage_until_the_scheduled_end(origin):
    o = origin(seconds=12)
    until = datetime.now(UTC) + timedelta(seconds=8)
    started = time.monotonic()
    items = collect(HlsSource(o.url, "en", until=until, retry=FAST))
    assert time.monotonic() - started >= 7.5  # kept trying until the session's end
    [gap] = gaps(items)
    assert gap.reason == "stream ended before the session's scheduled end"
    assert gap.start == pytest.approx(12.0, abs=0.1) and gap.end > gap.start
    assert any("/en/index.m3u8" in r for r in o.requests[-3:])
