"""A live or on-demand HLS (.m3u8) audio source that follows the live edge and never gives up.

Playlists are parsed with `m3u8` and fetched with httpx; each segment is decoded in-process with PyAV.
Written as a loop of our own rather than handing the URL to FFmpeg's HLS demuxer, because the session
needs to know exactly what was lost and why: every outage (network error, HTTP status, stalled playlist,
truncated segment, early end of stream) becomes a StreamGap with stream-time bounds; the moment an
outage begins is reported at once (SourceStall) so that the words before it are not held; and stream
time follows the stream's own timeline (program date time, media sequence numbers) across outages.
"""

from __future__ import annotations

import asyncio
import io
import logging
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import av
import httpx
import m3u8
import numpy as np
from uprwatch.config.defaults import SAMPLE_RATE
from uprwatch.config.errors import UserError
from uprwatch.transcribe.types import AudioChunk, SourceStall, StreamGap
from uprwatch.transcribe.unwebtv import ResolveFault

Resolver = Callable[[httpx.AsyncClient], Awaitable[str]]

log = logging.getLogger(__name__)

FLOOR_LANGUAGES = ("ia", "interlingua", "zxx", "und", "mul", "floor", "original")
# Players start three segments behind the live edge; a monitor would rather not lose what was said just
# before it connected, and it transcribes faster than real time, so it takes up to this much backlog.
LIVE_BACKLOG_S = 30.0
# A segment placed this far after the end of what was read leaves a gap; less is rounding in EXTINF values.
PLACEMENT_TOLERANCE_S = 0.25


@dataclass(frozen=True)
class Outage:
    """An outage in progress: the stream time and the monotonic time it began, and why."""

    at: float
    since: float
    reason: str


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter, and when a silent playlist counts as stalled."""

    first_delay_s: float = 1.0
    # A player reloads a live playlist every target duration anyway; waiting much longer than that after an
    # outage loses the audio that was published meanwhile and has left the live window.
    max_delay_s: float = 4.0
    stall_target_durations: float = 2.0
    request_timeout_s: float = 10.0

    def delay(self, attempt: int, rng: random.Random) -> float:
        """Seconds to wait before reconnect attempt number `attempt` (1-based)."""
        return rng.uniform(0, min(self.max_delay_s, self.first_delay_s * 2 ** (attempt - 1)))


class StreamFault(Exception):
    """Something went wrong with the stream that a reconnect may cure; the message is the gap's reason."""


class SegmentLost(StreamFault):
    """One segment is gone or damaged (404, truncated, undecodable) while the stream goes on: a gap of its length."""


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


def decode_segment(data: bytes) -> np.ndarray:
    """16 kHz mono float32 samples of one media segment (MPEG-TS, AAC or any container FFmpeg reads).

    A segment that breaks off part-way gives the audio before the break; only one with none is a fault.
    Each segment gets its own resampler: an encoder that fails over may change rate or layout mid-stream.
    """
    resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
    pieces: list[np.ndarray] = []
    try:
        with av.open(io.BytesIO(data), mode="r") as container:
            if not container.streams.audio:
                raise SegmentLost("segment has no audio track")
            for frame in container.decode(container.streams.audio[0]):
                pieces.extend(out.to_ndarray().reshape(-1) for out in resampler.resample(frame))
            pieces.extend(out.to_ndarray().reshape(-1) for out in resampler.resample(None))  # what it holds back
    except (av.error.FFmpegError, ValueError) as exc:
        if not pieces:
            raise SegmentLost(f"segment could not be decoded ({exc.__class__.__name__})") from None
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
        self.stream_time = 0.0  # stream time of the next sample to be yielded
        self.backlog_s = LIVE_BACKLOG_S  # how much already published audio to take when first connecting
        self._last_seq: int | None = None
        self._pdt_zero: datetime | None = None  # program date time of stream time 0
        self._typical = 0.0  # mean segment duration so far: the length of a segment missed unseen
        self._seen = 0
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
            raise SegmentLost("truncated segment") from None
        except httpx.HTTPError as exc:
            raise StreamFault(f"network error: {exc.__class__.__name__}") from None
        if response.status_code in (404, 410):
            raise SegmentLost(f"HTTP {response.status_code} for segment")
        if response.status_code >= 400:  # the origin is failing: an outage, and the segment is tried again after it
            raise StreamFault(f"HTTP {response.status_code} for segment")
        # Content-Length counts the bytes as sent (compressed, if the server compressed them), not the body
        expected = response.headers.get("content-length", "")
        if expected.isdigit() and int(expected) != response.num_bytes_downloaded:
            raise SegmentLost("truncated segment")
        return response.content

    def _chunks(self, samples: np.ndarray) -> list[AudioChunk]:
        out = []
        for i in range(0, len(samples), SAMPLE_RATE // 2):
            piece = samples[i : i + SAMPLE_RATE // 2]
            out.append(AudioChunk(piece, self.stream_time))
            self.stream_time += len(piece) / SAMPLE_RATE
        return out

    def _place(
        self, seq: int, segment: m3u8.Segment, restarted: bool, outage: Outage | None, listed: float = 0.0
    ) -> float:
        """Stream time at which a segment starts, from the stream's own clock where it has one.

        The program date time places a segment exactly; without it, media sequence numbers count the
        segments missed since the last one read. Only an origin that restarted with new numbers and no
        date time leaves the wall clock as the best guess.
        """
        pdt: datetime | None = segment.current_program_date_time
        if pdt is not None:
            if self._pdt_zero is None or (pdt - self._pdt_zero).total_seconds() < self.stream_time - self._typical:
                # first date time seen, or a clock that went back (a new encoder): continue from here
                self._pdt_zero = pdt - timedelta(seconds=self.stream_time)
            return (pdt - self._pdt_zero).total_seconds()
        if self._last_seq is None:
            return self.stream_time
        if restarted:
            # the origin lists `listed` seconds it published since it came back; the rest of the outage is lost
            lost = time.monotonic() - outage.since - listed if outage else 0.0
            return self.stream_time + max(0.0, lost)
        return self.stream_time + max(0, seq - self._last_seq - 1) * self._typical

    def _live_start(self, numbered: list[tuple[int, m3u8.Segment]], target: float) -> list[tuple[int, m3u8.Segment]]:
        """The segments to read on first joining a live stream: the last `backlog_s` seconds of it."""
        backlog, start = 0.0, len(numbered)
        while start > 0 and backlog + float(numbered[start - 1][1].duration or target) <= self.backlog_s:
            start -= 1
            backlog += float(numbered[start][1].duration or target)
        if start == len(numbered) and numbered:
            self._last_seq = numbered[-1][0]  # no backlog wanted: begin with the next segment published
        return numbered[start:]

    def _note_duration(self, duration: float) -> None:
        self._seen += 1
        self._typical += (duration - self._typical) / self._seen

    async def chunks(self) -> AsyncIterator[AudioChunk | StreamGap | SourceStall]:
        """Follow the playlist; yield audio and gaps in stream order, and a stall as soon as one begins."""
        attempt = 0
        outage: Outage | None = None
        last_new = time.monotonic()
        async with httpx.AsyncClient(timeout=self.retry.request_timeout_s, follow_redirects=True) as client:
            while True:
                try:
                    playlist = await self._media_playlist(client)
                    target = float(playlist.target_duration or 6)
                    if not self._seen:
                        self._typical = target
                    first_seq = playlist.media_sequence or 0
                    numbered = list(enumerate(playlist.segments, start=first_seq))
                    restarted = False
                    if self._last_seq is None:
                        if not playlist.is_endlist:
                            numbered = self._live_start(numbered, target)
                    elif numbered and numbered[-1][0] < self._last_seq - len(numbered):
                        # the sequence went back by more than a playlist: the origin restarted, all it lists is new
                        self._last_seq, restarted = first_seq - 1, True
                    fresh = [(seq, seg) for seq, seg in numbered if self._last_seq is None or seq > self._last_seq]
                    listed = sum(float(s.duration or target) for _, s in fresh)
                    for index, (seq, segment) in enumerate(fresh):
                        duration = float(segment.duration or target)
                        at = self._place(seq, segment, restarted and index == 0, outage, listed)
                        if at > self.stream_time + PLACEMENT_TOLERANCE_S:
                            reason = outage.reason if outage else "fell behind the live window"
                            yield StreamGap(self.stream_time, at, reason)
                            self.stream_time = at
                        elif outage is not None:  # back with nothing lost: the outage is still on record
                            yield StreamGap(self.stream_time, self.stream_time, outage.reason)
                        skip = max(0.0, self.stream_time - at)  # audio already covered (a clock that ran back)
                        outage = None
                        last_segment = playlist.is_endlist and index == len(fresh) - 1
                        try:
                            data = await self._segment(client, segment.absolute_uri)
                            samples = await asyncio.to_thread(decode_segment, data)
                        except SegmentLost as lost:
                            self._last_seq = seq
                            if last_segment and self._session_over():
                                log.info("the last segment of the ended stream could not be read (%s)", lost)
                                continue
                            gap_start = self.stream_time
                            self.stream_time = max(self.stream_time, at + duration)
                            yield StreamGap(gap_start, self.stream_time, str(lost))
                            continue
                        self._last_seq = seq
                        self._note_duration(duration)
                        # the playlist's duration is authoritative: codec priming and padding must not let
                        # stream time drift from it; a stream's truncated last segment keeps what it has
                        want = round(duration * SAMPLE_RATE)
                        if not last_segment:
                            samples = np.pad(samples[:want], (0, max(0, want - len(samples))))
                        samples = samples[round(skip * SAMPLE_RATE) : want]
                        for chunk in self._chunks(samples):
                            yield chunk
                    if fresh:
                        last_new = time.monotonic()
                        attempt = 0
                    if playlist.is_endlist:
                        if self._session_over():
                            if outage is not None:  # the stream never came back before the session ended
                                yield StreamGap(outage.at, outage.at + time.monotonic() - outage.since, outage.reason)
                            return
                        raise StreamFault("stream ended before the session's scheduled end")
                    if time.monotonic() - last_new > self.retry.stall_target_durations * target:
                        raise StreamFault(f"playlist stalled (no new segment for {time.monotonic() - last_new:.0f} s)")
                    await asyncio.sleep(target / 2)
                except StreamFault as fault:
                    if outage is None:
                        outage = Outage(self.stream_time, time.monotonic(), str(fault))
                        log.warning("stream outage: %s; reconnecting", fault)
                        yield SourceStall(self.stream_time, str(fault))
                    attempt += 1
                    self._media_url = None  # re-resolve from the master playlist, which may have moved
                    last_new = time.monotonic()
                    await asyncio.sleep(self.retry.delay(attempt, self._rng))
