"""The items that flow out of transcribe/: decoded audio, speech chunks and utterances."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Samples = npt.NDArray[np.float32]


@dataclass(frozen=True)
class AudioChunk:
    """16 kHz mono float32 audio; `start` is stream time in seconds."""

    samples: Samples
    start: float

    @property
    def end(self) -> float:
        return self.start + len(self.samples) / 16_000


@dataclass(frozen=True)
class SpeechChunk:
    """One stretch of speech found by the segmenter, in stream time."""

    samples: Samples
    start: float
    end: float


@dataclass(frozen=True)
class Utterance:
    """What Whisper heard in one speech chunk."""

    text: str
    start: float
    end: float
    confidence: float
    language: str | None
    translated_from: str | None = None  # set when `text` is Whisper's English translation of this language


@dataclass(frozen=True)
class StreamGap:
    """Stream time during which no audio arrived, and why (an outage, a lost or damaged segment)."""

    start: float
    end: float
    reason: str


@dataclass(frozen=True)
class SourceStall:
    """The source stopped delivering at stream time `at` (an HTTP error, a stalled playlist, a reconnect).

    Whatever speech is open should be closed and sent now: the outage may last minutes. The StreamGap
    with the outage's true length follows when the stream is back.
    """

    at: float
    reason: str
