"""Choose the audio source for a `--source` value: a local file now; stream sources plug in here."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Protocol

from uprwatch.config.errors import UserError
from uprwatch.transcribe.file_source import FileSource
from uprwatch.transcribe.types import AudioChunk


class Source(Protocol):
    """Anything that yields 16 kHz mono chunks with monotonic stream time."""

    description: str

    def chunks(self) -> AsyncIterator[AudioChunk]: ...


def open_source(spec: str, realtime: bool = False) -> Source:
    """Build the source named by a path or URL."""
    if "://" in spec or spec.startswith("kaltura:"):
        raise UserError(f"stream sources are not supported yet: {spec}; give a local audio or video file")
    return FileSource(spec, realtime=realtime)
