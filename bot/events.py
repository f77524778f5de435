"""Events in DESIGN.md's vocabulary: each is a flat JSON object with `type`, `session`, `at` and its own keys."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from uprwatch.matching.floor_tracker import Turn
from uprwatch.matching.keywords import KeywordHit
from uprwatch.matching.matcher import Match
from uprwatch.transcribe.types import Utterance

Event = dict[str, Any]


def _translation(translated_from: str | None) -> dict[str, str]:
    """The `translated_from` key, present only when the text is Whisper's English translation."""
    return {"translated_from": translated_from} if translated_from else {}


def _language(language: str | None) -> dict[str, str]:
    """The `language` key, present only when the words were not English: the design's events are English."""
    return {"language": language} if language and language != "en" else {}


def _attribution(confirmed: bool) -> dict[str, bool]:
    """The `unconfirmed` key, present only when the speaker is the floor tracker's guess, not a name it heard."""
    return {} if confirmed else {"unconfirmed": True}


class EventFactory:
    """Builds events for one session; knows the session id and how stream time maps to wall time."""

    def __init__(self, session: str, timezone: str, wall_origin: datetime):
        self.session = session
        self.tz = ZoneInfo(timezone)
        self.wall_origin = wall_origin.astimezone(self.tz)

    def _event(self, type_: str, **keys: Any) -> Event:
        return {
            "type": type_,
            "session": self.session,
            "at": datetime.now(self.tz).isoformat(timespec="seconds"),
            **keys,
        }

    def wall(self, stream_time: float) -> datetime:
        """Wall-clock time (session time zone) of a stream time."""
        return self.wall_origin + timedelta(seconds=stream_time)

    def session_started(self, title: str, state_under_review: str, source: str) -> Event:
        return self._event("session_started", title=title, state_under_review=state_under_review, source=source)

    def session_ended(self, title: str, state_under_review: str, source: str) -> Event:
        return self._event("session_ended", title=title, state_under_review=state_under_review, source=source)

    def stream_gap(self, start: float, end: float, reason: str) -> Event:
        return self._event("stream_gap", start=round(start, 2), end=round(end, 2), reason=reason)

    def turn(self, turn: Turn) -> Event:
        corrects = {"corrects": turn.corrects} if turn.corrects else {}
        return self._event(
            "turn", speaker=turn.speaker, role=turn.role, start=turn.start, **_attribution(turn.confirmed), **corrects
        )

    def utterance(self, utterance: Utterance, speaker: str, role: str, confirmed: bool = True) -> Event:
        return self._event(
            "utterance",
            speaker=speaker,
            role=role,
            text=utterance.text,
            start=utterance.start,
            end=utterance.end,
            wall=self.wall(utterance.start).isoformat(timespec="seconds"),
            confidence=utterance.confidence,
            **_language(utterance.language),
            **_translation(utterance.translated_from),
            **_attribution(confirmed),
        )

    def match(self, match: Match, speaker: str, translated_from: str | None = None, confirmed: bool = True) -> Event:
        return self._event(
            "match",
            speaker=speaker,
            kind=match.item.kind,
            ref=match.item.id,
            score=match.score,
            quote=match.quote,
            start=match.start,
            end=match.end,
            position=match.item.position,
            recommending_states=list(match.states or match.item.recommending_states),
            group=list(match.group),
            # what was echoed travels with the match, so a report needs the session log and nothing else
            item_text=match.item.text,
            year=match.item.year,
            themes=list(match.item.themes),
            **_translation(translated_from),
            **_attribution(confirmed),
        )

    def keyword(
        self,
        hit: KeywordHit,
        speaker: str,
        start: float,
        end: float,
        translated_from: str | None = None,
        confirmed: bool = True,
    ) -> Event:
        return self._event(
            "match",
            speaker=speaker,
            kind="keyword",
            ref=hit.term,
            score=hit.score,
            quote=hit.quote,
            start=start,
            end=end,
            position=None,
            recommending_states=[],
            group=[],
            item_text=None,
            year=None,
            themes=[],
            **_translation(translated_from),
            **_attribution(confirmed),
        )

    def lag(self, behind: float) -> Event:
        return self._event("lag", behind=round(behind, 2))
