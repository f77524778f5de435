"""Live-style console output: who has the floor, what was said, and lines a journalist could paste."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from typing import TextIO

from uprwatch.bot.events import Event
from uprwatch.matching.corpus import CorpusItem
from uprwatch.matching.gazetteer import gazetteer

MAX_STATES_SHOWN = 3


def _states(names: list[str]) -> str:
    if len(names) <= MAX_STATES_SHOWN:
        return ", ".join(names)
    return ", ".join(names[:MAX_STATES_SHOWN]) + f" +{len(names) - MAX_STATES_SHOWN} more"


def describe_match(event: Event, item: CorpusItem | None) -> str:
    """ "echoes 2018 rec 28.40 (Ireland) — Noted (score 91)" and its variants."""
    year = f"{item.year} " if item and item.year else ""
    states = [_display(s) for s in event["recommending_states"]]
    if event["kind"] == "keyword":
        return f"keyword “{event['ref']}” (score {event['score']:.0f})"
    if event["kind"] == "advance_question":
        answering = item is not None and _display(item.state_under_review or "") == event["speaker"]
        verb = "answers" if answering else "raises"
        text = f"{verb} advance question {event['ref']} ({_states(states)})"
    else:
        own = event["speaker"] in states
        verb = "repeats its own" if own else "echoes"
        text = f"{verb} {year}rec {event['ref']} ({_states(states)})"
        if event.get("position"):
            text += f" — {event['position']}"
    if event.get("group"):
        text += f" [also {', '.join(event['group'])}]"
    return text + f" (score {event['score']:.0f})"


def _display(name: str) -> str:
    state = gazetteer().exact(name)
    return state.display if state else name


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
            role = {"chair": "chair", "delegation": "delegation", "state_under_review": "State under review"}[
                event["role"]
            ]
            self._print(f"\n{clock}  ▶ {event['speaker']} has the floor ({role})")
        elif kind == "utterance" and self.show_utterances:
            self._print(f"          {event['text']}")
        elif kind == "match":
            clock = self.wall_of(event["start"]).strftime("%H:%M:%S")
            quote = event["quote"].strip().rstrip(".")
            item = self.items.get(event["ref"])
            self._print(f'{clock}  {event["speaker"]}  "…{quote}…"  ↳ {describe_match(event, item)}')
        elif kind == "stream_gap":
            self._print(f"   ⚠ stream gap {event['start']:.1f}–{event['end']:.1f} s: {event['reason']}")
