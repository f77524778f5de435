"""A local audio or video file decoded in-process with PyAV to 16 kHz mono float32 chunks."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import av
import numpy as np
from uprwatch.config.defaults import SAMPLE_RATE
from uprwatch.config.errors import UserError
from uprwatch.transcribe.types import AudioChunk

CHUNK_SECONDS = 0.5


def _open(path: Path) -> av.container.InputContainer:
    if not path.is_file():
        raise UserError(f"audio file not found: {path}")
    try:
        container = av.open(str(path))
    except (av.error.InvalidDataError, av.error.FFmpegError, UnicodeDecodeError) as exc:
        raise UserError(
            f"cannot read {path} as audio ({exc}); give an audio or video file such as .ogg, .wav or .mp4"
        ) from None
    if not container.streams.audio:
        container.close()
        raise UserError(f"{path} has no audio track; give a file with sound")
    return container


def decode_file(path: Path, chunk_seconds: float = CHUNK_SECONDS) -> Iterator[AudioChunk]:
    """Yield the file's audio as chunks with stream time; a corrupt file raises UserError."""
    container = _open(path)
    resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
    chunk_len = int(chunk_seconds * SAMPLE_RATE)
    pending = np.zeros(0, dtype=np.float32)
    emitted = 0
    try:
        for frame in container.decode(container.streams.audio[0]):
            for out in resampler.resample(frame):
                pending = np.concatenate([pending, out.to_ndarray().reshape(-1).astype(np.float32)])
            while len(pending) >= chunk_len:
                yield AudioChunk(pending[:chunk_len], emitted / SAMPLE_RATE)
                emitted += chunk_len
                pending = pending[chunk_len:]
        for out in resampler.resample(None):
            pending = np.concatenate([pending, out.to_ndarray().reshape(-1).astype(np.float32)])
    except av.error.FFmpegError as exc:
        raise UserError(f"{path} is damaged after {emitted / SAMPLE_RATE:.1f} s of audio ({exc})") from None
    finally:
        container.close()
    if len(pending):
        yield AudioChunk(pending, emitted / SAMPLE_RATE)


class FileSource:
    """Async source over a local file; with `realtime`, chunks arrive no faster than the audio plays."""

    def __init__(self, path: str | Path, realtime: bool = False):
        self.path = Path(path)
        self.realtime = realtime
        self.description = str(self.path)
        self.live = False
        self.stream_time = 0.0
        _open(self.path).close()  # fail now, before the pipeline starts, on a missing or unreadable file

    async def chunks(self) -> AsyncIterator[AudioChunk]:
        """Decode off the event loop and yield chunks in order."""
        frames = decode_file(self.path)
        opened = time.monotonic()
        while True:
            chunk = await asyncio.to_thread(next, frames, None)
            if chunk is None:
                return
            if self.realtime:
                await asyncio.sleep(max(0.0, chunk.end - (time.monotonic() - opened)))
            self.stream_time = chunk.end
            yield chunk
