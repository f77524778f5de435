"""Streaming voice-activity segmentation with the Silero VAD model that faster-whisper ships.

faster-whisper's own `get_speech_timestamps` needs the whole recording at once; live audio needs the
model's recurrent state carried from one 32 ms frame to the next, so the frame loop is written here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from faster_whisper.vad import get_vad_model
from uprwatch.config import defaults
from uprwatch.transcribe.types import AudioChunk, Samples, SpeechChunk

FRAME = 512  # samples per Silero frame at 16 kHz
CONTEXT = 64  # samples of the previous frame the v5+ models expect in front of each frame


@dataclass(frozen=True)
class SegmenterSettings:
    threshold: float = defaults.VAD_THRESHOLD
    min_silence_s: float = defaults.VAD_MIN_SILENCE_S
    max_utterance_s: float = defaults.VAD_MAX_UTTERANCE_S
    long_utterance_s: float = defaults.VAD_LONG_UTTERANCE_S
    long_min_silence_s: float = defaults.VAD_LONG_MIN_SILENCE_S
    min_speech_s: float = defaults.VAD_MIN_SPEECH_S
    pad_s: float = defaults.VAD_PAD_S


class StreamingSegmenter:
    """Feed audio chunks in order; get back speech chunks as soon as each one ends."""

    def __init__(self, settings: SegmenterSettings | None = None, sample_rate: int = defaults.SAMPLE_RATE):
        self.s = settings or SegmenterSettings()
        self.sr = sample_rate
        self._session = get_vad_model().session
        self._reset()

    def _reset(self) -> None:
        self._h = np.zeros((1, 1, 128), dtype=np.float32)
        self._c = np.zeros((1, 1, 128), dtype=np.float32)
        self._context = np.zeros(CONTEXT, dtype=np.float32)
        self._buf: Samples = np.zeros(0, dtype=np.float32)
        self._buf_at = 0  # absolute sample index of _buf[0]
        self._next_frame = 0  # absolute sample index of the next frame to score
        self._origin: float | None = None  # stream time of absolute sample 0
        self._speech_start: int | None = None
        self._last_voice = 0
        self._probs: list[tuple[int, float]] = []  # frames of the open segment, for choosing a cut

    def feed(self, chunk: AudioChunk) -> list[SpeechChunk]:
        """Score the new audio and return the speech chunks it completes."""
        if self._origin is None:
            self._origin = chunk.start
        self._buf = np.concatenate([self._buf, chunk.samples.astype(np.float32, copy=False)])
        out: list[SpeechChunk] = []
        while self._next_frame + FRAME <= self._buf_at + len(self._buf):
            at = self._next_frame
            frame = self._buf[at - self._buf_at : at - self._buf_at + FRAME]
            prob = self._score(frame)
            self._next_frame += FRAME
            out.extend(self._step(at, prob))
        self._trim()
        return out

    def flush(self) -> list[SpeechChunk]:
        """End of stream or a gap in it: close the open segment, if any, and start afresh."""
        chunk = None
        if self._speech_start is not None:
            chunk = self._cut(self._speech_start, self._buf_at + len(self._buf))
        self._reset()
        return [chunk] if chunk else []

    def _score(self, frame: Samples) -> float:
        x = np.concatenate([self._context, frame])[None, :]
        out, self._h, self._c = self._session.run(None, {"input": x, "h": self._h, "c": self._c})
        self._context = frame[-CONTEXT:]
        return float(np.asarray(out).reshape(-1)[0])

    def _step(self, at: int, prob: float) -> list[SpeechChunk]:
        thr, neg = self.s.threshold, max(self.s.threshold - 0.15, 0.01)
        pad = int(self.s.pad_s * self.sr)
        if self._speech_start is None:
            if prob >= thr:
                self._speech_start = max(self._buf_at, at - pad)
                self._last_voice = at + FRAME
                self._probs = [(at, prob)]
            return []
        self._probs.append((at, prob))
        # hysteresis: between the two thresholds, speech continues only if it had not already paused
        if prob >= thr or (prob >= neg and self._last_voice == at):
            self._last_voice = at + FRAME
        silence = self.s.min_silence_s
        if self._last_voice - self._speech_start >= self.s.long_utterance_s * self.sr:
            silence = self.s.long_min_silence_s
        if at + FRAME - self._last_voice >= silence * self.sr:
            chunk = self._cut(self._speech_start, self._last_voice + pad)
            self._speech_start = None
            return [chunk] if chunk else []
        if at + FRAME - self._speech_start >= self.s.max_utterance_s * self.sr:
            return self._split_long()
        return []

    def _split_long(self) -> list[SpeechChunk]:
        """Cut an over-long segment at its quietest frame in the last third, and carry on from there."""
        assert self._speech_start is not None
        tail = self._probs[len(self._probs) * 2 // 3 :]
        at, _ = min(tail, key=lambda fp: fp[1])
        split = at + FRAME // 2
        chunk = self._cut(self._speech_start, split)
        self._speech_start = split
        self._probs = [fp for fp in self._probs if fp[0] >= at]
        return [chunk] if chunk else []

    def _cut(self, start: int, end: int) -> SpeechChunk | None:
        end = min(end, self._buf_at + len(self._buf))
        if end - start < self.s.min_speech_s * self.sr:
            return None
        samples = self._buf[start - self._buf_at : end - self._buf_at].copy()
        origin = self._origin or 0.0
        return SpeechChunk(samples, origin + start / self.sr, origin + end / self.sr)

    def _trim(self) -> None:
        """Keep only what an open segment, or the padding before the next one, can still need."""
        keep_from = self._next_frame - int(self.s.pad_s * self.sr) - FRAME
        if self._speech_start is not None:
            keep_from = min(keep_from, self._speech_start)
        drop = keep_from - self._buf_at
        if drop > 0:
            self._buf = self._buf[drop:]
            self._buf_at += drop
