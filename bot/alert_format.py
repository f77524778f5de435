"""Events as Telegram messages (HTML parse mode): who, when (Geneva time and stream offset), the quote, and
what it echoes, always labelled as a machine transcript."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from uprwatch.bot.events import Event
from uprwatch.bot.match_wording import describe_match
from uprwatch.config.defaults import DEFAULT_TIMEZONE
from uprwatch.matching.corpus import CorpusItem

CAVEAT_PLAIN = "machine transcript — check against the video"
CAVEAT = f"<i>{CAVEAT_PLAIN}</i>"
ROLES = {"chair": "chair", "delegation": "delegation", "state_under_review": "State under review"}
LANGUAGE_NAMES = {"en": "English", "fr": "French", "es": "Spanish", "ru": "Russian", "zh": "Chinese", "ar": "Arabic"}


def caveat(event: Event) -> str:
    """What the reader must know about the words quoted: a transcript, or a translation of one."""
    source = event.get("translated_from")
    if source:
        return f"<i>machine translation from {escape(LANGUAGE_NAMES.get(source, source))} — check against the video</i>"
    return CAVEAT


def translated_plain(event: Event) -> str:
    """The plain-text marker on words that are Whisper's English translation, not what was said."""
    return f" [translated from {event['translated_from']}]" if event.get("translated_from") else ""


def _translated(event: Event) -> str:
    """The marker on a line whose words are Whisper's English translation, not what was said."""
    return " <i>(translated)</i>" if event.get("translated_from") else ""


def speaker_plain(event: Event) -> str:
    """Who spoke, marked when the floor tracker guessed the State (speakers list, a name heard only by sound)."""
    return f"{event['speaker']} (unconfirmed)" if event.get("unconfirmed") else event["speaker"]


def turn_plain(event: Event) -> str:
    """A turn in words; a correction names the guess it replaces."""
    role = ROLES[event["role"]]
    if event.get("corrects"):
        return f"correction: {speaker_plain(event)} has the floor ({role}), not {event['corrects']}"
    return f"{speaker_plain(event)} has the floor ({role})"


def _speaker(event: Event) -> str:
    marked = " <i>(unconfirmed)</i>" if event.get("unconfirmed") else ""
    return f"<b>{escape(event['speaker'])}</b>{marked}"


REPORT_TITLE_CHARS = 300  # Telegram allows a document 1,024 characters of caption


def report_caption(title: str) -> str:
    """The caption of the end-of-session report."""
    return (
        f"📄 <b>Report: {escape(title[:REPORT_TITLE_CHARS])}</b> — turns, transcript, matches and scorecard; opens "
        f"offline in any browser, with search and filters.\n{CAVEAT}"
    )


def geneva_time(when: datetime) -> str:
    """A date and time as the UN in Geneva gives them: "23 January 2024, 09:00 Geneva time"."""
    return f"{when.astimezone(ZoneInfo(DEFAULT_TIMEZONE)):%d %B %Y, %H:%M} Geneva time"


def stream_offset(seconds: float) -> str:
    """Stream time as H:MM:SS."""
    s = int(seconds)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"


class AlertFormatter:
    """Knows the session's clock and corpus, and renders each kind of event."""

    def __init__(self, wall_of: Callable[[float], datetime], timezone: str, items: dict[str, CorpusItem]):
        self.wall_of = wall_of
        self.place = "Geneva" if timezone == "Europe/Zurich" else timezone
        self.items = items

    def when(self, start: float) -> str:
        return f"{self.wall_of(start):%H:%M:%S} {self.place} · stream {stream_offset(start)}"

    def session(self, event: Event) -> str:
        title, sur = escape(event["title"]), escape(event["state_under_review"])
        if event["type"] == "session_started":
            return f"🔴 <b>Live: {title}</b>\nReview of {sur}. Alerts follow as delegations speak."
        return f"⏹ <b>Ended: {title}</b> (review of {sur})."

    def turn(self, event: Event) -> str:
        role = ROLES[event["role"]]
        if event.get("corrects"):
            return (
                f"▶ Correction: {_speaker(event)} has the floor ({role}), not {escape(event['corrects'])} · "
                f"{self.when(event['start'])}"
            )
        return f"▶ {_speaker(event)} has the floor ({role}) · {self.when(event['start'])}"

    def utterance(self, event: Event) -> str:
        clock = f"{self.wall_of(event['start']):%H:%M:%S}"
        return f"{_speaker(event)} {clock}{_translated(event)}: {escape(event['text'])}"

    def match(self, event: Event, role: str, answered: bool) -> str:
        item = self.items.get(event["ref"])
        line = describe_match(event, item)
        if event["kind"] == "advance_question" and line.startswith("raises"):
            line += " — answered" if answered else " — not answered yet"
        return (
            f"{_speaker(event)} · {ROLES[role]}\n"
            f"{self.when(event['start'])}\n"
            f"<blockquote>{escape(event['quote'].strip())}</blockquote>\n"
            f"↳ {escape(line)}\n{caveat(event)}"
        )

    def gap(self, event: Event) -> str:
        return (
            f"⚠ Stream interrupted {stream_offset(event['start'])}–{stream_offset(event['end'])} "
            f"({escape(event['reason'])}); nothing was heard in between."
        )

    def digest(self, since: float, until: float, lines: Iterable[str]) -> str:
        head = f"🗒 <b>Digest</b> {self.wall_of(since):%H:%M}–{self.wall_of(until):%H:%M} {self.place}"
        body = "\n".join(lines) or "No matches and no new speakers."
        return f"{head}\n{body}\n{CAVEAT}"

    def digest_line(self, event: Event) -> str:
        clock = f"{self.wall_of(event['start']):%H:%M}"
        if event["type"] == "turn":
            return f"{clock} ▶ {_speaker(event)}"
        quote = escape(event["quote"].strip())
        line = escape(describe_match(event, self.items.get(event["ref"])))
        return f"{clock} {_speaker(event)}{_translated(event)}: “{quote}” ↳ {line}"
