"""Live-style console output: who has the floor, what was said, and lines a journalist could paste."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from typing import TextIO

from uprwatch.bot.alert_format import speaker_plain, translated_plain, turn_plain
from uprwatch.bot.events import Event
from uprwatch.bot.match_wording import describe_match
from uprwatch.matching.corpus import CorpusItem


class ConsoleNotifier:
    """Prints turns and matches (and, if asked, every utterance) as they happen."""

    def __init__(
        self,
        wall_of: Callable[[float], datetime],
        items: dict[str, CorpusItem],
        show_utterances: bool = True,
        out: TextIO | None = None,
    ):
        self.wall_of = wall_of
        self.items = items
        self.show_utterances = show_utterances
        self.out = out or sys.stdout

    def _print(self, line: str) -> None:
        print(line, file=self.out, flush=True)

    def emit(self, event: Event) -> None:
        kind = event["type"]
        if kind in ("session_started", "session_ended"):
            verb = "started" if kind == "session_started" else "ended"
            self._print(f"== {event['title']} — review of {event['state_under_review']} {verb} ({event['source']})")
        elif kind == "turn":
            clock = self.wall_of(event["start"]).strftime("%H:%M:%S")
            self._print(f"\n{clock}  ▶ {turn_plain(event)}")
        elif kind == "utterance" and self.show_utterances:
            self._print(f"          {event['text']}{translated_plain(event)}")
        elif kind == "match":
            clock = self.wall_of(event["start"]).strftime("%H:%M:%S")
            quote = event["quote"].strip().rstrip(".")
            described = describe_match(event, self.items.get(event["ref"]))
            self._print(f'{clock}  {speaker_plain(event)}  "…{quote}…"{translated_plain(event)}  ↳ {described}')
        elif kind == "stream_gap":
            self._print(f"   ⚠ stream gap {event['start']:.1f}–{event['end']:.1f} s: {event['reason']}")
