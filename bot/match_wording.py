"""How a match is put into words for people: "echoes 2018 rec 28.40 (Ireland) — Noted (score 91)"."""

from __future__ import annotations

from uprwatch.bot.events import Event
from uprwatch.matching.corpus import CorpusItem
from uprwatch.matching.gazetteer import gazetteer

MAX_STATES_SHOWN = 3


def _states(names: list[str]) -> str:
    if len(names) <= MAX_STATES_SHOWN:
        return ", ".join(names)
    return ", ".join(names[:MAX_STATES_SHOWN]) + f" +{len(names) - MAX_STATES_SHOWN} more"


def describe_match(event: Event, item: CorpusItem | None, answering: bool | None = None) -> str:
    """ "echoes 2018 rec 28.40 (Ireland) — Noted (score 91)" and its variants; `answering` says whether the
    speaker is the State under review when the corpus item is not at hand."""
    year_given = event.get("year") or (item.year if item else None)
    year = f"{year_given} " if year_given else ""
    states = [_display(s) for s in event["recommending_states"]]
    if event["kind"] == "keyword":
        return f"keyword “{event['ref']}” (score {event['score']:.0f})"
    if event["kind"] == "advance_question":
        if answering is None:
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
