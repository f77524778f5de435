"""Runs one session: transcription → floor tracking → matching → events to every sink."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from uprwatch.bot.events import Event, EventFactory
from uprwatch.config.errors import UserError
from uprwatch.config.session_file import SessionFile
from uprwatch.matching.corpus import Corpus
from uprwatch.matching.floor_tracker import FloorTracker
from uprwatch.matching.keywords import KeywordWatch
from uprwatch.matching.matcher import Matcher, windows
from uprwatch.transcribe.pipeline import CatchUp, transcribe_source
from uprwatch.transcribe.sources import Source
from uprwatch.transcribe.types import StreamGap
from uprwatch.transcribe.whisper_engine import WhisperEngine

LAG_EVERY_S = 30.0  # stream seconds between lag reports in real-time runs


class Sink(Protocol):
    def emit(self, event: Event) -> None: ...


@dataclass
class RunSummary:
    utterances: int = 0
    turns: int = 0
    matches: int = 0
    error: str | None = None


class SessionRunner:
    """Wires one session's pipeline; construct it (loading model and corpus), then `await run()`."""

    def __init__(
        self,
        settings: SessionFile,
        source: Source,
        engine: WhisperEngine,
        corpus: Corpus,
        sinks: Sequence[Sink],
        realtime: bool = False,
        catch_up: CatchUp | None = None,
        origin: datetime | None = None,
    ):
        self.catch_up = catch_up
        self.settings = settings
        self.source = source
        self.engine = engine
        self.sinks = list(sinks)
        self.realtime = realtime
        s = settings.session
        # A recording replays on the session's own clock; a live stream's time 0 is when it was first opened
        # (`origin`, when a restarted service resumes it).
        origin = origin or (None if source.live else s.start) or datetime.now(ZoneInfo(s.timezone))
        self.events = EventFactory(s.id, s.timezone, origin)
        self.floor = FloorTracker(s.state_under_review, settings.speakers)
        self.matcher = Matcher(corpus.items, settings.min_score)
        self.keywords = KeywordWatch(settings.keywords)

    def emit(self, event: Event) -> None:
        """Send one event to every sink (the service also records its own: a downtime gap, a forced end)."""
        for sink in self.sinks:
            sink.emit(event)

    async def run(self) -> RunSummary:
        """Process the whole source; a source failure ends the session cleanly and is reported in the summary."""
        s = self.settings.session
        summary = RunSummary()
        self.emit(self.events.session_started(s.title, s.state_under_review, self.source.description))
        opened = time.monotonic()
        next_lag_report = 0.0
        interrupted = False
        carry = ""  # last sentence of the previous utterance in this turn
        alerted: set[str] = set()  # refs already alerted in this turn
        try:
            async for heard in transcribe_source(self.source, self.engine, catch_up=self.catch_up):
                if isinstance(heard, StreamGap):
                    self.emit(self.events.stream_gap(heard.start, heard.end, heard.reason))
                    continue
                for said in self.floor.attribute(heard.text, heard.start, heard.end):
                    utterance = replace(heard, text=said.text, start=said.start, end=said.end)
                    if said.new_turn:
                        summary.turns += 1
                        carry, alerted = "", set()
                        self.emit(self.events.turn(said.new_turn))
                    summary.utterances += 1
                    self.emit(self.events.utterance(utterance, said.speaker, said.role, said.confirmed))
                    if said.role == "chair":
                        continue
                    answering = said.role == "state_under_review"
                    for match in self.matcher.match_text(
                        utterance.text, utterance.start, utterance.end, carry, answering
                    ):
                        if match.ref not in alerted:
                            alerted.update({match.ref, *match.group})
                            summary.matches += 1
                            self.emit(self.events.match(match, said.speaker, utterance.translated_from, said.confirmed))
                    for hit in self.keywords.find(utterance.text):
                        if hit.term not in alerted:
                            alerted.add(hit.term)
                            summary.matches += 1
                            self.emit(
                                self.events.keyword(
                                    hit,
                                    said.speaker,
                                    utterance.start,
                                    utterance.end,
                                    utterance.translated_from,
                                    said.confirmed,
                                )
                            )
                    pieces = windows(utterance.text)
                    carry = pieces[-1].text if pieces else ""
                if (self.source.live or self.realtime) and heard.end >= next_lag_report:
                    # behind what a live source has received, or behind the clock of a paced replay
                    now = self.source.stream_time if self.source.live else time.monotonic() - opened
                    self.emit(self.events.lag(max(0.0, now - heard.end)))
                    next_lag_report = heard.end + LAG_EVERY_S
        except UserError as exc:
            summary.error = str(exc)
        except asyncio.CancelledError:
            # stopped from outside (the service shutting down, or the session's time up): whoever
            # stopped it knows whether the session has ended
            interrupted = True
            raise
        finally:
            if not interrupted:
                self.emit(self.events.session_ended(s.title, s.state_under_review, self.source.description))
        return summary
