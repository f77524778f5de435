"""A live or on-demand HLS (.m3u8) audio source that follows the live edge and never gives up.

Playlists are parsed with `m3u8` and fetched with httpx; each segment is decoded in-process with PyAV.
Written as a loop of our own rather than handing the URL to FFmpeg's HLS demuxer, because the session
needs to know exactly what was lost and why: every outage (network error, HTTP status, stalled playlist,
truncated segment, early end of stream) becomes a StreamGap with stream-time bounds, and stream time
stays monotonic across reconnects.
"""

from __future__ import annotations

import asyncio
import io
import logging
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import av
import httpx
import m3u8
import numpy as np
from uprwatch.config.defaults import SAMPLE_RATE
from uprwatch.config.errors import UserError
from uprwatch.transcribe.types import AudioChunk, StreamGap
from uprwatch.transcribe.unwebtv import ResolveFault

Resolver = Callable[[httpx.AsyncClient], Awaitable[str]]

log = logging.getLogger(__name__)

FLOOR_LANGUAGES = ("ia", "interlingua", "zxx", "und", "mul", "floor", "original")
# Players start three segments behind the live edge; a monitor would rather not lose what was said just
# before it connected, and it transcribes faster than real time, so it takes up to this much backlog.
LIVE_BACKLOG_S = 30.0


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter, and when a silent playlist counts as stalled."""

    first_delay_s: float = 1.0
    max_delay_s: float = 30.0
    stall_target_durations: float = 3.0
    request_timeout_s: float = 10.0

    def delay(self, attempt: int, rng: random.Random) -> float:
        """Seconds to wait before reconnect attempt number `attempt` (1-based)."""
        return rng.uniform(0, min(self.max_delay_s, self.first_delay_s * 2 ** (attempt - 1)))


class StreamFault(Exception):
    """Something went wrong with the stream that a reconnect may cure; the message is the gap's reason."""


def choose_rendition(master: m3u8.M3U8, language: str) -> str:
    """URI of the media playlist carrying `language` ("floor" for the untranslated floor audio)."""
    audio = [m for m in master.media if (m.type or "").upper() == "AUDIO" and m.uri]
    if not audio:
        if not master.playlists:
            raise UserError("the HLS master playlist lists no streams")
        return str(sorted(master.playlists, key=lambda p: p.stream_info.bandwidth or 0)[0].absolute_uri)

    def is_floor(m: m3u8.Media) -> bool:
        return (m.language or "").lower() in FLOOR_LANGUAGES or (m.name or "").lower() in FLOOR_LANGUAGES

    wanted = (
        [m for m in audio if is_floor(m)]
        if language == "floor"
        else [m for m in audio if (m.language or "").lower().split("-")[0] == language and not is_floor(m)]
    )
    if not wanted:
        offered = ", ".join(sorted({"floor" if is_floor(m) else (m.language or m.name or "?") for m in audio}))
        raise UserError(
            f"the stream has no {language!r} audio; it offers: {offered}. Set [session] language to one of them"
        )
    return str(wanted[0].absolute_uri)


def decode_segment(data: bytes, resampler: av.AudioResampler) -> np.ndarray:
    """16 kHz mono float32 samples of one media segment (MPEG-TS, AAC or any container FFmpeg reads)."""
    try:
        with av.open(io.BytesIO(data), mode="r") as container:
            if not container.streams.audio:
                raise StreamFault("segment has no audio track")
            pieces = [
                out.to_ndarray().reshape(-1)
                for frame in container.decode(container.streams.audio[0])
                for out in resampler.resample(frame)
            ]
    except av.error.FFmpegError as exc:
        raise StreamFault(f"segment could not be decoded ({exc.__class__.__name__})") from None
    return np.concatenate(pieces).astype(np.float32) if pieces else np.zeros(0, dtype=np.float32)


class HlsSource:
    """Yields audio chunks, and StreamGap items where audio was lost, until the stream ends for good.

    An end of stream counts as final only when no session end is given or that end has passed; before
    it, an ENDLIST is treated as an outage and the playlist is fetched again.
    """

    live = True

    def __init__(
        self,
        url: str,
        language: str = "en",
        until: datetime | None = None,
        retry: RetryPolicy | None = None,
        seed: int | None = None,
        resolver: Resolver | None = None,
    ):
        self.url = url
        self._resolver = resolver  # finds the master playlist again at each reconnect (pages, Kaltura)
        self.language = language
        self.until = until
        self.retry = retry or RetryPolicy()
        self.description = url
        self._rng = random.Random(seed)
        self._resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
        self.stream_time = 0.0  # stream time of the next sample to be yielded
        self._last_seq: int | None = None
        self._media_url: str | None = None

    def _session_over(self) -> bool:
        return self.until is None or datetime.now(UTC) >= self.until

    async def _get(self, client: httpx.AsyncClient, url: str) -> httpx.Response:
        try:
            response = await client.get(url)
        except httpx.HTTPError as exc:
            raise StreamFault(f"network error: {exc.__class__.__name__}") from None
        if response.status_code >= 400:
            raise StreamFault(f"HTTP {response.status_code} for {httpx.URL(url).path.rsplit('/', 1)[-1]}")
        return response

    async def _media_playlist(self, client: httpx.AsyncClient) -> m3u8.M3U8:
        if self._media_url is None:
            try:
                master_url = await self._resolver(client) if self._resolver else self.url
            except ResolveFault as fault:
                raise StreamFault(str(fault)) from None
            response = await self._get(client, master_url)
            base = str(response.url)  # after redirects: renditions are relative to where the playlist is
            first = m3u8.loads(response.text, uri=base)
            if not first.is_variant:
                self._media_url = base
                return first
            self._media_url = choose_rendition(first, self.language)
        response = await self._get(client, self._media_url)
        return m3u8.loads(response.text, uri=str(response.url))

    async def _segment(self, client: httpx.AsyncClient, url: str) -> bytes:
        try:
            response = await client.get(url)
        except httpx.RemoteProtocolError:
            raise StreamFault("truncated segment") from None
        except httpx.HTTPError as exc:
            raise StreamFault(f"network error: {exc.__class__.__name__}") from None
        if response.status_code >= 400:
            raise StreamFault(f"HTTP {response.status_code} for segment")
        expected = response.headers.get("content-length")
        if expected is not None and int(expected) != len(response.content):
            raise StreamFault("truncated segment")
        return response.content

    def _chunks(self, samples: np.ndarray) -> list[AudioChunk]:
        out = []
        for i in range(0, len(samples), SAMPLE_RATE // 2):
            piece = samples[i : i + SAMPLE_RATE // 2]
            out.append(AudioChunk(piece, self.stream_time))
            self.stream_time += len(piece) / SAMPLE_RATE
        return out

    async def chunks(self) -> AsyncIterator[AudioChunk | StreamGap]:
        """Follow the playlist; yield audio and gaps in stream order."""
        attempt = 0
        outage: tuple[float, float, str] | None = None  # stream time, monotonic time, reason
        last_new = time.monotonic()
        async with httpx.AsyncClient(timeout=self.retry.request_timeout_s, follow_redirects=True) as client:
            while True:
                try:
                    playlist = await self._media_playlist(client)
                    target = float(playlist.target_duration or 6)
                    first_seq = playlist.media_sequence or 0
                    numbered = list(enumerate(playlist.segments, start=first_seq))
                    restarted = False
                    if self._last_seq is None:
                        if not playlist.is_endlist:
                            backlog, start = 0.0, len(numbered)
                            while (
                                start > 0
                                and backlog + float(numbered[start - 1][1].duration or target) <= LIVE_BACKLOG_S
                            ):
                                start -= 1
                                backlog += float(numbered[start][1].duration or target)
                            numbered = numbered[start:]
                    elif numbered and numbered[-1][0] < self._last_seq:
                        # the sequence went backwards: the origin restarted, and all it lists is new
                        self._last_seq, restarted = first_seq - 1, True
                    fresh = [(seq, seg) for seq, seg in numbered if self._last_seq is None or seq > self._last_seq]
                    if fresh and outage is not None:
                        gap_start, since, reason = outage
                        if self._last_seq is None:  # nothing played yet: stream time starts with the audio
                            lost = 0.0
                        elif restarted:  # segment numbers say nothing about the time lost; the clock does
                            lost = max(0.0, time.monotonic() - since - target)
                        else:  # missed segments, but never more than the outage lasted
                            missed = max(0, fresh[0][0] - (self._last_seq or 0) - 1) * target
                            lost = min(missed, time.monotonic() - since + target)
                        self.stream_time = gap_start + lost
                        yield StreamGap(gap_start, self.stream_time, reason)
                        outage = None
                    elif fresh and self._last_seq is not None and fresh[0][0] > self._last_seq + 1:
                        missed = fresh[0][0] - self._last_seq - 1
                        gap_start = self.stream_time
                        self.stream_time += missed * target
                        yield StreamGap(gap_start, self.stream_time, "fell behind the live window")
                    for seq, segment in fresh:
                        self._last_seq = seq
                        duration = float(segment.duration or target)
                        try:
                            data = await self._segment(client, segment.absolute_uri)
                            samples = await asyncio.to_thread(decode_segment, data, self._resampler)
                        except StreamFault as fault:
                            gap_start = self.stream_time
                            self.stream_time += duration
                            yield StreamGap(gap_start, self.stream_time, str(fault))
                            continue
                        # the playlist's duration is authoritative: codec priming and padding must not
                        # let stream time drift from it, segment after segment
                        want = round(duration * SAMPLE_RATE)
                        samples = np.pad(samples[:want], (0, max(0, want - len(samples))))
                        for chunk in self._chunks(samples):
                            yield chunk
                    if fresh:
                        last_new = time.monotonic()
                        attempt = 0
                    if playlist.is_endlist:
                        if self._session_over():
                            if outage is not None:  # the stream never came back before the session ended
                                gap_start, since, reason = outage
                                yield StreamGap(gap_start, gap_start + time.monotonic() - since, reason)
                            return
                        raise StreamFault("stream ended before the session's scheduled end")
                    if time.monotonic() - last_new > self.retry.stall_target_durations * target:
                        raise StreamFault(f"playlist stalled (no new segment for {time.monotonic() - last_new:.0f} s)")
                    await asyncio.sleep(target / 2)
                except StreamFault as fault:
                    if outage is None:
                        outage = (self.stream_time, time.monotonic(), str(fault))
                        log.warning("stream outage: %s; reconnecting", fault)
                    attempt += 1
                    self._media_url = None  # re-resolve from the master playlist, which may have moved
                    last_new = time.monotonic()
                    await asyncio.sleep(self.retry.delay(attempt, self._rng))
