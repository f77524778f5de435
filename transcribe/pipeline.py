"""Source → segmenter → Whisper as async stages joined by bounded queues; yields utterances in order."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

from uprwatch.transcribe.segmenter import StreamingSegmenter
from uprwatch.transcribe.sources import Source
from uprwatch.transcribe.types import AudioChunk, SourceStall, SpeechChunk, StreamGap, Utterance
from uprwatch.transcribe.whisper_engine import WhisperEngine

AUDIO_QUEUE = 64  # 0.5 s chunks: 32 s of audio waiting for the segmenter at most
SPEECH_QUEUE = 16  # speech chunks waiting for Whisper

_END = object()


@dataclass(frozen=True)
class CatchUp:
    """What to do when transcription falls more than `max_lag_s` behind a live source.

    queue: transcribe everything, late (memory stays bounded: a full queue stops reading, and a live
    source then records what it missed as a gap); skip_to_live: drop the speech that is too old, as a
    gap, and carry on at the live edge; smaller_model: transcribe with `fallback` until the lag has
    halved.
    """

    policy: str = "queue"
    max_lag_s: float = 30.0
    fallback: WhisperEngine | None = None


async def _close(queue: asyncio.Queue[object]) -> None:
    """Tell the next stage this one is done; when cancelled, never wait on a full queue nobody drains."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        with contextlib.suppress(asyncio.QueueFull):
            queue.put_nowait(_END)
    else:
        await queue.put(_END)


async def _drain(queue: asyncio.Queue[object]) -> AsyncIterator[object]:
    while (item := await queue.get()) is not _END:
        yield item


async def transcribe_source(
    source: Source, engine: WhisperEngine, segmenter: StreamingSegmenter | None = None, catch_up: CatchUp | None = None
) -> AsyncIterator[Utterance | StreamGap]:
    """Utterances, and the gaps the source reported, in stream order.

    A source failure is raised after everything before it was transcribed.
    """
    segmenter = segmenter or StreamingSegmenter()
    catch_up = catch_up or CatchUp()
    hurrying = False  # smaller_model: the fallback engine is in use
    audio: asyncio.Queue[object] = asyncio.Queue(AUDIO_QUEUE)
    speech: asyncio.Queue[object] = asyncio.Queue(SPEECH_QUEUE)

    async def read() -> None:
        try:
            async for chunk in source.chunks():
                await audio.put(chunk)
        finally:
            await _close(audio)

    async def segment() -> None:
        try:
            async for chunk in _drain(audio):
                if isinstance(chunk, StreamGap | SourceStall):
                    # speech cannot run across lost audio, and the words before a stall must not wait for its end
                    for piece in segmenter.flush():
                        await speech.put(piece)
                    if isinstance(chunk, StreamGap):
                        await speech.put(chunk)
                    continue
                assert isinstance(chunk, AudioChunk)
                for piece in await asyncio.to_thread(segmenter.feed, chunk):
                    await speech.put(piece)
            for piece in segmenter.flush():
                await speech.put(piece)
        finally:
            await _close(speech)

    reader = asyncio.create_task(read())
    segmenting = asyncio.create_task(segment())
    try:
        skipped: StreamGap | None = None
        async for piece in _drain(speech):
            if isinstance(piece, StreamGap):
                if skipped is not None:  # keep stream order: what was skipped came first
                    yield skipped
                    skipped = None
                yield piece
                continue
            assert isinstance(piece, SpeechChunk)
            lag = source.stream_time - piece.end if source.live else 0.0  # a file is never "behind"
            if catch_up.policy == "skip_to_live" and lag > catch_up.max_lag_s:
                start = skipped.start if skipped else piece.start
                skipped = StreamGap(start, piece.end, f"skipped to live: transcription was {lag:.0f} s behind")
                continue
            if skipped is not None:
                yield skipped
                skipped = None
            if catch_up.policy == "smaller_model" and catch_up.fallback is not None:
                hurrying = lag > catch_up.max_lag_s or (hurrying and lag > catch_up.max_lag_s / 2)
            current = catch_up.fallback if hurrying and catch_up.fallback is not None else engine
            utterance = await asyncio.to_thread(current.transcribe, piece)
            if utterance is not None:
                yield utterance
        if skipped is not None:
            yield skipped
        await segmenting
        await reader  # re-raises a source failure, now that earlier audio is done
    finally:
        for task in (reader, segmenting):
            task.cancel()
        await asyncio.gather(reader, segmenting, return_exceptions=True)
