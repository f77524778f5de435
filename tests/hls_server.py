"""A live HLS origin on 127.0.0.1 for tests: sliding-window playlists cut from fixture audio, several
audio renditions, optional program date times and a short last segment, and faults injected on command
(segment 404, outage, stall, discontinuity, truncated segment, restart)."""

from __future__ import annotations

import io
import math
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import av
import numpy as np

RATE = 16_000
SEGMENT_S = 2.0


def tones(segments: int, segment_s: float = SEGMENT_S) -> np.ndarray:
    """Segment i of a stream cut from this is a pure tone of its own pitch (up to 360 segments, below 7.5 kHz)."""
    t = np.arange(int(segment_s * RATE)) / RATE
    return np.concatenate([0.3 * np.sin(2 * np.pi * (300.0 + 20.0 * i) * t) for i in range(segments)]).astype(
        np.float32
    )


def published_index(samples: np.ndarray) -> int:
    """Which segment of `tones` a piece of decoded audio came from."""
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    pitch = np.argmax(spectrum) * RATE / len(samples)
    return round((pitch - 300.0) / 20.0)


def encode_ts(samples: np.ndarray) -> bytes:
    """A continuous MPEG-TS stream holding AAC audio, as a live encoder produces it."""
    buf = io.BytesIO()
    with av.open(buf, "w", format="mpegts") as out:
        stream = out.add_stream("aac", rate=RATE)
        stream.layout = "mono"
        frame = av.AudioFrame.from_ndarray((samples * 32767).astype(np.int16)[None, :], format="s16", layout="mono")
        frame.sample_rate = RATE
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return buf.getvalue()


def segment_ts(stream_bytes: bytes, segment_s: float) -> list[bytes]:
    """Cut a continuous TS stream into segments at packet boundaries, the way a live packager does."""
    groups: list[list[av.Packet]] = []
    with av.open(io.BytesIO(stream_bytes), format="mpegts") as src:
        audio = src.streams.audio[0]
        first_pts = None
        for packet in src.demux(audio):
            if packet.pts is None:
                continue
            first_pts = packet.pts if first_pts is None else first_pts
            index = int(float((packet.pts - first_pts) * audio.time_base) // segment_s)
            while len(groups) <= index:
                groups.append([])
            groups[index].append(packet)
        segments = []
        for group in groups:
            buf = io.BytesIO()
            with av.open(buf, "w", format="mpegts") as out:
                stream = out.add_stream_from_template(audio)
                for packet in group:
                    packet.stream = stream
                    out.mux(packet)
            segments.append(buf.getvalue())
    return segments


@dataclass
class Faults:
    missing: set[int] = field(default_factory=set)  # segment numbers answered with 404
    truncated: set[int] = field(default_factory=set)  # segment numbers cut short mid-body
    discontinuity: set[int] = field(default_factory=set)  # EXT-X-DISCONTINUITY before these
    down_until: float = 0.0  # every request gets 503 until this monotonic time
    frozen_at: int | None = None  # playlist stops advancing at this many segments
    frozen_until: float = 0.0
    down_after: int | None = None  # once this segment has been served, every request gets 503 …
    down_for: float = 0.0  # … for this many seconds


class LiveOrigin:
    """Serves `renditions` (language → audio) as a live stream that started when `start()` was called."""

    def __init__(
        self,
        renditions: dict[str, np.ndarray],
        segment_s: float = 2.0,
        window: int = 6,
        speed: float = 1.0,
        names: dict[str, str] | None = None,
        program_date_time: datetime | None = None,
        tail: bool = False,
    ):
        self.segment_s, self.window, self.speed = segment_s, window, speed
        self.names = names or {}
        self.program_date_time = program_date_time  # the wall time of segment 0, as Kaltura playlists carry it
        seconds = min(len(audio) for audio in renditions.values()) / RATE
        # a packager cuts whole segments, and at the end of a stream a short last one (`tail`)
        self.count = math.ceil(seconds / segment_s) if tail else int(seconds / segment_s)
        self.last_s = seconds - (self.count - 1) * segment_s if tail else segment_s
        self.segments = {
            lang: segment_ts(encode_ts(audio), segment_s)[: self.count] for lang, audio in renditions.items()
        }
        self.faults = Faults()
        self.sequence_offset = 1000  # added to media sequence numbers; a restart starts them again at 0
        self.started = 0.0
        self.requests: list[str] = []
        self._server: ThreadingHTTPServer | None = None
        self.port = 0

    # -- clock and playlists ------------------------------------------------------------------------

    def available(self) -> int:
        """How many segments exist by now."""
        elapsed = (time.monotonic() - self.started) * self.speed
        ready = min(self.count, int(elapsed / self.segment_s))
        f = self.faults
        if f.frozen_at is not None and time.monotonic() < f.frozen_until:
            return min(ready, f.frozen_at)
        return ready

    def master(self) -> str:
        lines = ["#EXTM3U", "#EXT-X-VERSION:3"]
        for lang in self.segments:
            name = self.names.get(lang, lang)
            lines.append(
                f'#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",LANGUAGE="{lang}",NAME="{name}",URI="{lang}/index.m3u8"'
            )
        lines += [
            '#EXT-X-STREAM-INF:BANDWIDTH=64000,CODECS="mp4a.40.2",AUDIO="aud"',
            f"{next(iter(self.segments))}/index.m3u8",
        ]
        return "\n".join(lines) + "\n"

    def media(self, lang: str) -> str:
        ready = self.available()
        first = max(0, ready - self.window)
        lines = [
            "#EXTM3U",
            "#EXT-X-VERSION:3",
            f"#EXT-X-TARGETDURATION:{int(self.segment_s)}",
            f"#EXT-X-MEDIA-SEQUENCE:{first + self.sequence_offset}",
        ]
        for i in range(first, ready):
            if i in self.faults.discontinuity:
                lines.append("#EXT-X-DISCONTINUITY")
            if self.program_date_time and (i == first or i in self.faults.discontinuity):
                when = self.program_date_time + timedelta(seconds=i * self.segment_s)
                lines.append(f"#EXT-X-PROGRAM-DATE-TIME:{when.isoformat(timespec='milliseconds')}")
            duration = self.last_s if i == self.count - 1 else self.segment_s
            lines += [f"#EXTINF:{duration:.3f},", f"seg{i + self.sequence_offset}.ts"]
        if ready >= self.count:
            lines.append("#EXT-X-ENDLIST")
        return "\n".join(lines) + "\n"

    # -- HTTP ---------------------------------------------------------------------------------------

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        origin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _send(self, status: int, body: bytes, ctype: str, length: int | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body) if length is None else length))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                origin.requests.append(self.path)
                if time.monotonic() < origin.faults.down_until:
                    return self._send(503, b"down", "text/plain")
                parts = self.path.strip("/").split("/")
                if parts == ["master.m3u8"]:
                    return self._send(200, origin.master().encode(), "application/vnd.apple.mpegurl")
                if len(parts) == 2 and parts[0] in origin.segments:
                    lang, name = parts
                    if name == "index.m3u8":
                        return self._send(200, origin.media(lang).encode(), "application/vnd.apple.mpegurl")
                    if name.startswith("seg") and name.endswith(".ts"):
                        i = int(name[3:-3]) - origin.sequence_offset
                        if 0 <= i < origin.available() + 1 and i not in origin.faults.missing:
                            data = origin.segments[lang][i]
                            if i in origin.faults.truncated:
                                self._send(200, data[: len(data) // 3], "video/mp2t", length=len(data))
                                self.close_connection = True
                                return None
                            self._send(200, data, "video/mp2t")
                            if i == origin.faults.down_after:
                                origin.faults.down_until = time.monotonic() + origin.faults.down_for
                            return None
                return self._send(404, b"not found", "text/plain")

        return Handler

    def start(self, port: int = 0) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        if not self.started:
            self.started = time.monotonic()
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def restart(self, down_s: float) -> None:
        """Take the origin down for `down_s` seconds; it comes back on the same port with new sequence numbers."""
        port = self.port
        self.stop()

        def back() -> None:
            time.sleep(down_s)
            self.sequence_offset = 0
            self.start(port)

        threading.Thread(target=back, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/master.m3u8"
