"""Choose the audio source for a `--source` value: a local file or an HLS (.m3u8) URL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from functools import partial
from typing import Protocol

from uprwatch.config.errors import UserError
from uprwatch.transcribe.file_source import FileSource
from uprwatch.transcribe.hls_source import HlsSource
from uprwatch.transcribe.types import AudioChunk, SourceStall, StreamGap
from uprwatch.transcribe.unwebtv import is_kaltura_spec, is_unwebtv_page, resolve_hls


class Source(Protocol):
    """Anything that yields 16 kHz mono chunks with monotonic stream time, the gaps between them, and stalls."""

    description: str
    live: bool  # a live stream: its clock is the wall clock, and it can be fallen behind
    stream_time: float  # stream time up to which audio has been read

    def chunks(self) -> AsyncIterator[AudioChunk | StreamGap | SourceStall]: ...


def open_source(spec: str, realtime: bool = False, language: str = "en", until: datetime | None = None) -> Source:
    """Build the source named by a path, an HLS URL, a UN Web TV page or `kaltura:PARTNER:ENTRY`."""
    if is_unwebtv_page(spec) or is_kaltura_spec(spec):
        return HlsSource(spec, language=language, until=until, resolver=partial(resolve_hls, spec))
    if spec.startswith(("http://", "https://")) and ".m3u8" in spec:
        return HlsSource(spec, language=language, until=until)
    if "://" in spec or spec.startswith("kaltura:"):
        raise UserError(
            f"unsupported source {spec}; give a local audio/video file, an HLS .m3u8 URL, a UN Web TV asset page "
            "(https://webtv.un.org/en/asset/…) or kaltura:PARTNER:ENTRY"
        )
    return FileSource(spec, realtime=realtime)
