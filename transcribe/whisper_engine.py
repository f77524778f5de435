"""faster-whisper on the CPU (int8), with guards against Whisper's loops and invented text."""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable, Sequence

from faster_whisper import WhisperModel
from uprwatch.config import defaults
from uprwatch.config.errors import UserError
from uprwatch.transcribe.model_resolver import ResolvedModel, resolve_model
from uprwatch.transcribe.types import Samples, SpeechChunk, Utterance

# Phrases Whisper is known to invent on silence, music or applause (its training data's captions).
# A whole utterance consisting of one of these is dropped; the same words inside real speech are kept.
HALLUCINATIONS = frozenset(
    {
        "thanks for watching",
        "thank you for watching",
        "please subscribe",
        "subtitles by the amara org community",
        "transcription by castingwords",
        "you",
    }
)

_REPEAT = re.compile(r"\b((?:\S+\s+){0,7}?\S+)(?:[\s,.]+\1\b){2,}", re.IGNORECASE)


def collapse_repeats(text: str) -> str:
    """Reduce a phrase repeated three or more times in a row (a decoding loop) to one occurrence."""
    previous = None
    while previous != text:
        previous, text = text, _REPEAT.sub(r"\1", text)
    return text


def _is_hallucination(text: str) -> bool:
    words = re.sub(r"[^a-z ]+", " ", text.lower()).split()
    return not words or " ".join(words) in HALLUCINATIONS


def floor_language(probabilities: Iterable[tuple[str, float]], allowed: Sequence[str]) -> tuple[str, float]:
    """The most probable of the allowed languages, and its share of their total probability (0–1)."""
    probs = {lang: p for lang, p in probabilities if lang in allowed}
    if not probs:
        return allowed[0], 0.0
    best = max(probs, key=probs.__getitem__)
    total = sum(probs.values())
    return best, probs[best] / total if total > 0 else 0.0


class FloorLanguage:
    """The language of the floor, chunk by chunk: detected among the allowed languages, and kept through chunks
    too short or unclear to tell (a name, a "thank you"), which in nearly all cases belong to the same turn."""

    def __init__(self, allowed: Sequence[str], min_share: float = defaults.FLOOR_LANGUAGE_MIN_SHARE):
        self.allowed = tuple(allowed)
        self.min_share = min_share
        self.current: str | None = None

    def update(self, probabilities: Iterable[tuple[str, float]]) -> str:
        """The language of the chunk whose detection gave these probabilities."""
        language, share = floor_language(probabilities, self.allowed)
        if share >= self.min_share or self.current is None:
            self.current = language
        return self.current


class WhisperEngine:
    """Loads one model and turns speech chunks into utterances; call `transcribe` off the event loop.

    `language` None means the floor channel: each chunk's language is detected among `floor_languages`.
    """

    def __init__(
        self,
        model: str = defaults.DEFAULT_MODEL,
        language: str | None = "en",
        cpu_threads: int = 0,
        translate: bool = False,
        floor_languages: Sequence[str] = defaults.FLOOR_LANGUAGES,
        hotwords: str | None = None,
    ):
        self.resolved: ResolvedModel = resolve_model(model)
        if language and language != "en" and not self.resolved.multilingual:
            raise UserError(f"model {model} understands only English; use embedded:base for language {language!r}")
        if translate and not self.resolved.multilingual:
            raise UserError(f"model {model} understands only English and cannot translate; use embedded:base")
        self.language = language if language or self.resolved.multilingual else "en"
        self.translate = translate
        self.hotwords = hotwords  # words the decoder is biased towards (the session's State names)
        threads = cpu_threads or os.cpu_count() or 2
        try:
            self.model = WhisperModel(self.resolved.path, device="cpu", compute_type="int8", cpu_threads=threads)
        except (RuntimeError, ValueError, OSError) as exc:
            raise UserError(f"cannot load Whisper model from {self.resolved.path} ({exc})") from None
        unknown = [code for code in floor_languages if code not in self.model.supported_languages]
        if self.resolved.multilingual and (unknown or not floor_languages):
            raise UserError(
                f"floor languages {', '.join(map(repr, unknown)) or '(none)'}: not languages Whisper knows; "
                f"use codes such as {', '.join(defaults.FLOOR_LANGUAGES)}"
            )
        self.floor = FloorLanguage(floor_languages)

    def detect_floor_language(self, samples: Samples) -> str:
        """The chunk's language among the floor languages; an uncertain chunk keeps the one before it."""
        if len(self.floor.allowed) == 1:
            return self.floor.allowed[0]
        _, _, probabilities = self.model.detect_language(samples)
        return self.floor.update(probabilities)

    def transcribe_samples(self, samples: Samples) -> tuple[str, float, str | None]:
        """Text, confidence (0–1) and language of one speech chunk; empty text when nothing trustworthy was heard."""
        language = self.language or self.detect_floor_language(samples)
        segments, _ = self.model.transcribe(
            samples,
            language=language,
            task="translate" if self.translate else "transcribe",
            beam_size=defaults.BEAM_SIZE,
            vad_filter=False,
            condition_on_previous_text=False,
            no_speech_threshold=defaults.NO_SPEECH_THRESHOLD,
            log_prob_threshold=defaults.LOG_PROB_THRESHOLD,
            compression_ratio_threshold=defaults.COMPRESSION_RATIO_THRESHOLD,
            without_timestamps=True,
            hotwords=self.hotwords,
        )
        texts: list[str] = []
        logprobs: list[float] = []
        for seg in segments:
            if seg.compression_ratio > defaults.COMPRESSION_RATIO_THRESHOLD:
                continue  # still looping after temperature fallback
            if seg.no_speech_prob > defaults.NO_SPEECH_THRESHOLD and seg.avg_logprob < defaults.LOG_PROB_THRESHOLD:
                continue
            text = collapse_repeats(seg.text.strip())
            if text and not _is_hallucination(text):
                texts.append(text)
                logprobs.append(seg.avg_logprob)
        text = " ".join(texts).strip()
        confidence = math.exp(sum(logprobs) / len(logprobs)) if logprobs else 0.0
        return text, round(confidence, 3), language

    def transcribe(self, chunk: SpeechChunk) -> Utterance | None:
        """One utterance per speech chunk, or None when the chunk held no trustworthy speech."""
        text, confidence, language = self.transcribe_samples(chunk.samples)
        if not text:
            return None
        return Utterance(
            text=text,
            start=round(chunk.start, 2),
            end=round(chunk.end, 2),
            confidence=confidence,
            language=language,
            translated_from=language if self.translate and language != "en" else None,
        )
