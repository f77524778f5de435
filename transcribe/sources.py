"""Choose the audio source for a `--source` value: a local file or an HLS (.m3u8) URL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Protocol

from uprwatch.config.errors import UserError
from uprwatch.transcribe.file_source import FileSource
from uprwatch.transcribe.hls_source import HlsSource
from uprwatch.transcribe.types import AudioChunk, StreamGap


class Source(Protocol):
    """Anything that yields 16 kHz mono chunks with monotonic stream time, and the gaps between them."""

    description: str

    def chunks(self) -> AsyncIterator[AudioChunk | StreamGap]: ...


def open_source(spec: str, realtime: bool = False, language: str = "en", until: datetime | None = None) -> Source:
    """Build the source named by a path or URL."""
    if spec.startswith(("http://", "https://")) and ".m3u8" in spec:
        return HlsSource(spec, language=language, until=until)
    if "://" in spec or spec.startswith("kaltura:"):
        raise UserError(f"unsupported source {spec}; give a local audio/video file or an HLS .m3u8 URL")
    return FileSource(spec, realtime=realtime)
