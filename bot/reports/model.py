"""A session log read back as what a review team needs: turns, the transcript by speaker, matches, gaps and a
scorecard. Every report format renders this one model, so they cannot disagree."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from uprwatch.bot.events import Event
from uprwatch.bot.match_wording import describe_match

UNKNOWN_THEME = "(no theme in the corpus)"
UNRECORDED_THEME = "(not recorded: the log predates themes in match events)"
TOP_THEMES = 10


def shown_source(source: str) -> str:
    """A source as reports show it: a web address without its credentials or query (either may hold a secret), a
    file by its name (not the server's path)."""
    if source.startswith(("https://", "http://")):
        parts = urlsplit(source)
        host = parts.hostname or ""
        return parts._replace(netloc=f"{host}:{parts.port}" if parts.port else host, query="", fragment="").geturl()
    return Path(source).name if source else ""


@dataclass
class ReportMatch:
    """One thing an utterance echoed: a prior recommendation, an advance question or a watched keyword."""

    kind: str
    ref: str
    score: float
    quote: str
    start: float
    end: float
    position: str | None
    recommending_states: list[str]
    group: list[str]
    item_text: str | None
    year: int | None
    themes: list[str]

    def describe(self, speaker: str, answering: bool) -> str:
        """The match in the words the alerts use: "echoes 2018 rec 28.40 (Ireland) — Noted (score 91)"."""
        return describe_match({**asdict(self), "speaker": speaker}, None, answering)


@dataclass
class ReportUtterance:
    """What one speaker said between two pauses, with its matches."""

    speaker: str
    role: str
    text: str
    start: float
    end: float
    wall: datetime
    unconfirmed: bool
    translated_from: str | None
    matches: list[ReportMatch] = field(default_factory=list)


@dataclass
class ReportTurn:
    """One speaker holding the floor, from the hand-over to the end of their last utterance."""

    speaker: str
    role: str
    start: float
    wall: datetime
    unconfirmed: bool
    corrected_from: str | None = None  # the guess the statement's own words replaced
    utterances: list[ReportUtterance] = field(default_factory=list)

    @property
    def end(self) -> float:
        """The end of the turn's last utterance (its start when it has none)."""
        return max((u.end for u in self.utterances), default=self.start)


@dataclass
class Gap:
    """Stream time with no audio, and why."""

    start: float
    end: float
    reason: str


@dataclass
class Echo:
    """A prior recommendation (or advance question) and who brought it up in this session, when."""

    kind: str
    ref: str
    item_text: str | None
    year: int | None
    position: str | None
    recommending_states: list[str]
    by: list[tuple[str, float]] = field(default_factory=list)  # (speaker, stream time)
    answered_at: float | None = None  # an advance question the State under review answered


@dataclass
class Speaker:
    """A State that spoke: its turns and the time it held the floor."""

    name: str
    role: str
    turns: int
    seconds: float
    first: float


@dataclass
class SessionReport:
    """Everything a report shows, built from the events of one session."""

    session: str
    title: str
    state_under_review: str
    source: str
    ended: datetime | None  # None: the session was still running when the report was made
    turns: list[ReportTurn]
    gaps: list[Gap]
    recommendations: list[Echo]
    questions: list[Echo]
    speakers: list[Speaker]
    themes: list[tuple[str, int]]
    keywords: list[tuple[str, int]]
    last_event: datetime | None

    @property
    def in_progress(self) -> bool:
        """The session had not ended when the report was made."""
        return self.ended is None

    @property
    def shown_source(self) -> str:
        """The source as a report shows it (`shown_source`)."""
        return shown_source(self.source)

    @property
    def utterances(self) -> list[ReportUtterance]:
        """Every utterance, in order."""
        return [u for t in self.turns for u in t.utterances]

    @property
    def matches(self) -> list[tuple[ReportUtterance, ReportMatch]]:
        """Every match with the utterance it came from, in order."""
        return [(u, m) for u in self.utterances for m in u.matches]

    @property
    def span(self) -> float:
        """Stream seconds from the start to the last thing heard or lost."""
        ends = [u.end for u in self.utterances] + [g.end for g in self.gaps]
        return max(ends, default=0.0)

    @property
    def lost(self) -> float:
        """Stream seconds lost to gaps."""
        return sum(g.end - g.start for g in self.gaps)

    @property
    def coverage(self) -> float:
        """Share of the stream's span that was heard (not lost to a gap)."""
        return 1.0 - self.lost / self.span if self.span else 1.0

    @property
    def opened(self) -> datetime | None:
        """When the stream's time 0 was, on the session's clock (a replay's clock is the session's own)."""
        return self.wall(0.0)

    @property
    def closed(self) -> datetime | None:
        """The session's clock at the last thing heard or lost."""
        return self.wall(self.span)

    def wall(self, stream_time: float) -> datetime | None:
        """Wall-clock time of a stream time, from the first utterance's own pairing of the two."""
        first = next(iter(self.utterances), None)
        return first.wall + timedelta(seconds=stream_time - first.start) if first else None


def _match(event: Event) -> ReportMatch:
    return ReportMatch(
        kind=event["kind"],
        ref=str(event["ref"]),
        score=float(event["score"]),
        quote=event["quote"],
        start=float(event["start"]),
        end=float(event["end"]),
        position=event.get("position"),
        recommending_states=list(event.get("recommending_states") or []),
        group=list(event.get("group") or []),
        item_text=event.get("item_text"),
        year=event.get("year"),
        themes=list(event["themes"] or [UNKNOWN_THEME]) if "themes" in event else [UNRECORDED_THEME],
    )


def _turns(events: list[Event]) -> list[ReportTurn]:
    """Turns with their utterances and matches; a correction renames the guessed turn it corrects."""
    turns: list[ReportTurn] = []
    origin = _stream_origin(events)
    for event in events:
        kind = event["type"]
        if kind == "turn":
            last = turns[-1] if turns else None
            if event.get("corrects") and last and last.unconfirmed and last.speaker == event["corrects"]:
                last.corrected_from, last.speaker, last.role = last.speaker, event["speaker"], event["role"]
                last.unconfirmed = bool(event.get("unconfirmed"))
                for u in last.utterances:
                    u.speaker, u.role, u.unconfirmed = last.speaker, last.role, last.unconfirmed
                continue
            wall = origin + timedelta(seconds=float(event["start"]))
            turns.append(
                ReportTurn(event["speaker"], event["role"], float(event["start"]), wall, bool(event.get("unconfirmed")))
            )
        elif kind == "utterance":
            if not turns or turns[-1].speaker != event["speaker"]:  # a log that starts mid-turn (a resumed session)
                wall = datetime.fromisoformat(event["wall"])
                unconfirmed = bool(event.get("unconfirmed"))
                turns.append(ReportTurn(event["speaker"], event["role"], float(event["start"]), wall, unconfirmed))
            turns[-1].utterances.append(
                ReportUtterance(
                    speaker=turns[-1].speaker,
                    role=turns[-1].role,
                    text=event["text"],
                    start=float(event["start"]),
                    end=float(event["end"]),
                    wall=datetime.fromisoformat(event["wall"]),
                    unconfirmed=turns[-1].unconfirmed,
                    translated_from=event.get("translated_from"),
                )
            )
        elif kind == "match" and turns and turns[-1].utterances:
            turns[-1].utterances[-1].matches.append(_match(event))  # matches follow the utterance they come from
    return turns


def _stream_origin(events: list[Event]) -> datetime:
    """The wall time of stream time 0: a turn event carries no wall time, an utterance pairs the two."""
    for event in events:
        if event["type"] == "utterance":
            return datetime.fromisoformat(event["wall"]) - timedelta(seconds=float(event["start"]))
    return datetime.fromisoformat(events[0]["at"])


def _echoes(turns: list[ReportTurn]) -> tuple[list[Echo], list[Echo]]:
    found: dict[tuple[str, str], Echo] = {}
    for turn in turns:
        for u in turn.utterances:
            for m in u.matches:
                if m.kind == "keyword":
                    continue
                echo = found.setdefault(
                    (m.kind, m.ref),
                    Echo(m.kind, m.ref, m.item_text, m.year, m.position, m.recommending_states),
                )
                if m.kind == "advance_question" and u.role == "state_under_review":
                    echo.answered_at = echo.answered_at if echo.answered_at is not None else m.start
                else:
                    echo.by.append((u.speaker, m.start))
    ordered = sorted(found.values(), key=lambda e: min([t for _, t in e.by] + [e.answered_at or float("inf")]))
    return [e for e in ordered if e.kind == "recommendation"], [e for e in ordered if e.kind == "advance_question"]


def _speakers(turns: list[ReportTurn]) -> list[Speaker]:
    by_name: dict[str, Speaker] = {}
    for turn in turns:
        if turn.role == "chair":
            continue
        s = by_name.setdefault(turn.speaker, Speaker(turn.speaker, turn.role, 0, 0.0, turn.start))
        s.turns += 1
        s.seconds += turn.end - turn.start
    return sorted(by_name.values(), key=lambda s: s.first)


def last_run(events: list[Event]) -> list[Event]:
    """The events of a session's last run, without the record of chats: a session replayed again into the same log
    starts anew after its end (a resumed one, started twice and ended once, stays whole)."""
    kept = [e for e in events if e["type"] != "alert_sent"]
    start, ended = 0, False
    for i, event in enumerate(kept):
        if event["type"] == "session_started" and ended:
            start, ended = i, False
        elif event["type"] == "session_ended":
            ended = True
    return kept[start:]


def build_report(session: str, events: list[Event]) -> SessionReport:
    """The report of one session from its events, in the order they were recorded (its last run)."""
    events = last_run(events)
    marks = [e for e in events if e["type"] in ("session_started", "session_ended")]
    head = marks[0] if marks else {}
    ended = marks[-1] if marks and marks[-1]["type"] == "session_ended" else None
    sur = head.get("state_under_review", "")
    turns = _turns(events)
    recommendations, questions = _echoes(turns)
    matches = [m for t in turns for u in t.utterances for m in u.matches]
    themes = Counter(theme for m in matches if m.kind == "recommendation" for theme in m.themes)
    keywords = Counter(m.ref for m in matches if m.kind == "keyword")
    return SessionReport(
        session=session,
        title=head.get("title", session),
        state_under_review=sur,
        source=head.get("source", ""),
        ended=datetime.fromisoformat(ended["at"]) if ended else None,
        turns=turns,
        gaps=[Gap(float(e["start"]), float(e["end"]), e["reason"]) for e in events if e["type"] == "stream_gap"],
        recommendations=recommendations,
        questions=questions,
        speakers=_speakers(turns),
        themes=themes.most_common(TOP_THEMES),
        keywords=keywords.most_common(),
        last_event=datetime.fromisoformat(events[-1]["at"]) if events else None,
    )
