"""What one session needs before its pipeline runs: its corpus, its Whisper engines and catch-up policy,
and the alert router that turns its events into Telegram messages. Shared by `replay` and `serve`."""

from __future__ import annotations

import logging

from uprwatch.bot.alert_format import AlertFormatter
from uprwatch.bot.events import EventFactory
from uprwatch.bot.telegram.outbox import Outbox
from uprwatch.bot.telegram.router import AlertRouter
from uprwatch.bot.telegram.subscribers import SubscriberStore
from uprwatch.config.errors import UserError
from uprwatch.config.session_file import SessionFile
from uprwatch.matching.corpus import Corpus
from uprwatch.matching.corpus_loader import load_corpus
from uprwatch.transcribe.pipeline import CatchUp
from uprwatch.transcribe.whisper_engine import WhisperEngine

log = logging.getLogger("uprwatch")


def session_corpus(settings: SessionFile) -> Corpus:
    """The session's recommendations and advance questions; the first problems found are logged."""
    s = settings.session
    corpus = load_corpus(settings.corpus.recommendations, settings.corpus.advance_questions, s.state_under_review)
    for problem in corpus.problems[:5]:
        log.warning("%s: corpus: %s", settings.path.name, problem)
    return corpus


def session_hotwords(settings: SessionFile) -> str | None:
    """The session's vocabulary for the decoder: the State under review and the speakers list in its order.
    Measured with `bench/name_bias.py` on English transcription: State names heard right 58 % → 83 % for listed
    States, 40 % → 52 % for others, no more wrong names, 9 % more decoding time. Whisper keeps the first ~220 tokens.
    Only where it was measured: not for translation or the floor channel's other languages (None there)."""
    if settings.translate or settings.whisper_language != "en":
        return None
    vocabulary = f"Universal Periodic Review of {settings.session.state_under_review}."
    if settings.speakers:
        vocabulary += " Speakers: " + ", ".join(settings.speakers) + "."
    return vocabulary


def session_engines(settings: SessionFile, model: str | None = None) -> tuple[WhisperEngine, CatchUp]:
    """The Whisper engine (`model` overrides the file's) and the catch-up policy with its fallback engine."""
    hotwords = session_hotwords(settings)
    try:
        engine = WhisperEngine(model or settings.model, settings.whisper_language, translate=settings.translate,
                               floor_languages=settings.floor_languages, hotwords=hotwords)  # fmt: skip
    except UserError as exc:
        raise UserError(f"{settings.path}: [transcription]: {exc}") from None
    fallback = None
    if settings.catch_up == "smaller_model":
        try:
            fallback = WhisperEngine(settings.fallback_model, settings.whisper_language, translate=settings.translate,
                                     floor_languages=settings.floor_languages, hotwords=hotwords)  # fmt: skip
        except UserError as exc:  # the engine knows what a model can do; say which setting named it
            raise UserError(f"{settings.path}: [transcription] fallback_model: {exc}") from None
    return engine, CatchUp(settings.catch_up, settings.max_lag_s, fallback)


def session_router(
    settings: SessionFile, events: EventFactory, corpus: Corpus, subscribers: SubscriberStore, outbox: Outbox
) -> AlertRouter:
    """The router that writes this session's alerts to the outbox, formatted with its corpus."""
    s = settings.session
    formatter = AlertFormatter(events.wall, s.timezone, {i.id: i for i in corpus.items})
    return AlertRouter(subscribers, outbox, formatter, events, settings.telegram.digest_minutes * 60)
