"""Source → segmenter → Whisper as async stages joined by bounded queues; yields utterances in order."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from uprwatch.transcribe.segmenter import StreamingSegmenter
from uprwatch.transcribe.sources import Source
from uprwatch.transcribe.types import AudioChunk, SpeechChunk, StreamGap, Utterance
from uprwatch.transcribe.whisper_engine import WhisperEngine

AUDIO_QUEUE = 64  # 0.5 s chunks: 32 s of audio waiting for the segmenter at most
SPEECH_QUEUE = 16  # speech chunks waiting for Whisper

_END = object()


async def _drain(queue: asyncio.Queue[object]) -> AsyncIterator[object]:
    while (item := await queue.get()) is not _END:
        yield item


async def transcribe_source(
    source: Source, engine: WhisperEngine, segmenter: StreamingSegmenter | None = None
) -> AsyncIterator[Utterance | StreamGap]:
    """Utterances, and the gaps the source reported, in stream order.

    A source failure is raised after everything before it was transcribed.
    """
    segmenter = segmenter or StreamingSegmenter()
    audio: asyncio.Queue[object] = asyncio.Queue(AUDIO_QUEUE)
    speech: asyncio.Queue[object] = asyncio.Queue(SPEECH_QUEUE)

    async def read() -> None:
        try:
            async for chunk in source.chunks():
                await audio.put(chunk)
        finally:
            await audio.put(_END)

    async def segment() -> None:
        try:
            async for chunk in _drain(audio):
                if isinstance(chunk, StreamGap):  # speech cannot run across lost audio
                    for piece in segmenter.flush():
                        await speech.put(piece)
                    await speech.put(chunk)
                    continue
                assert isinstance(chunk, AudioChunk)
                for piece in await asyncio.to_thread(segmenter.feed, chunk):
                    await speech.put(piece)
            for piece in segmenter.flush():
                await speech.put(piece)
        finally:
            await speech.put(_END)

    reader = asyncio.create_task(read())
    segmenting = asyncio.create_task(segment())
    try:
        async for piece in _drain(speech):
            if isinstance(piece, StreamGap):
                yield piece
                continue
            assert isinstance(piece, SpeechChunk)
            utterance = await asyncio.to_thread(engine.transcribe, piece)
            if utterance is not None:
                yield utterance
        await segmenting
        await reader  # re-raises a source failure, now that earlier audio is done
    finally:
        for task in (reader, segmenting):
            task.cancel()
        await asyncio.gather(reader, segmenting, return_exceptions=True)
