"""A session's transcript as plain text (time, stream offset, speaker, words), as sent to operators."""

from __future__ import annotations

from datetime import datetime

from uprwatch.bot.alert_format import CAVEAT_PLAIN, stream_offset, translated_plain, turn_plain
from uprwatch.bot.events import Event


def plain_transcript(events: list[Event]) -> str:
    """One line per utterance, with a header line per turn and the stream gaps marked."""
    lines: list[str] = []
    for event in events:
        kind = event["type"]
        if kind == "session_started":
            lines += [f"{event['title']} — review of {event['state_under_review']}", CAVEAT_PLAIN, ""]
        elif kind == "turn":
            lines += ["", f"[{stream_offset(event['start'])}] {turn_plain(event)}"]
        elif kind == "utterance":
            clock = datetime.fromisoformat(event["wall"]).strftime("%H:%M:%S")
            lines.append(f"{clock} [{stream_offset(event['start'])}] {event['text']}{translated_plain(event)}")
        elif kind == "stream_gap":
            span = f"{stream_offset(event['start'])}–{stream_offset(event['end'])}"
            lines.append(f"[{span}] (no audio: {event['reason']})")
    return "\n".join(lines).strip() + "\n"
