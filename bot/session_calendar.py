"""The calendar `uprwatch serve` runs: session files read from a folder and checked together, and when
each session is reminded of, opened, live and over."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

from uprwatch.config.errors import UserError
from uprwatch.config.session_file import SessionFile, SessionFileError, load_session_file
from uprwatch.matching.corpus_loader import load_corpus
from uprwatch.matching.gazetteer import gazetteer
from uprwatch.transcribe.sources import open_source

# A UPR review is a 3.5-hour meeting; a session file without an end is given this long.
DEFAULT_LENGTH = timedelta(hours=3, minutes=30)
SCHEDULED, WAITING, LIVE, ENDED = "scheduled", "waiting for stream", "live", "ended"


@dataclass(frozen=True)
class Booking:
    """One session on the calendar, with the moments the service acts on."""

    settings: SessionFile

    @property
    def id(self) -> str:
        return self.settings.session.id

    @property
    def start(self) -> datetime:
        start = self.settings.session.start
        assert start is not None, "a booking always has a start (checked when it is made)"
        return start

    @property
    def end(self) -> datetime:
        return self.settings.session.end or self.start + DEFAULT_LENGTH

    @property
    def opens(self) -> datetime:
        """When the source is opened to wait for the stream."""
        return self.start - self.settings.schedule.pre_roll

    @property
    def closes(self) -> datetime:
        """When listening stops at the latest."""
        return self.end + self.settings.schedule.overrun

    def reminders(self) -> list[datetime]:
        """Reminder times before the start, earliest first."""
        return sorted(self.start - before for before in self.settings.schedule.reminders)

    def state(self, now: datetime) -> str:
        """scheduled, live (between opening and closing) or ended, by the clock alone."""
        if now < self.opens:
            return SCHEDULED
        return LIVE if now < self.closes else ENDED

    def observed_state(self, now: datetime, logged: set[str]) -> str:
        """The clock's state, corrected by the types of event the session log holds for the session: it has
        ended once `session_ended` is logged, and is only waiting for the stream until words are heard."""
        if "session_ended" in logged:
            return ENDED
        clock = self.state(now)
        return WAITING if clock == LIVE and "utterance" not in logged else clock


@dataclass(frozen=True)
class Calendar:
    """The sessions that can be scheduled, and every problem found in the files (each names file and key)."""

    bookings: list[Booking]
    problems: list[str]


def session_files(folder: Path) -> list[Path]:
    """The session files in a folder, by name."""
    if not folder.is_dir():
        raise UserError(f"no sessions folder at {folder}; create it or pass --sessions DIR")
    return sorted(folder.glob("*.toml"))


@lru_cache(maxsize=256)
def _corpus_problem(stamps: tuple[tuple[str, int, int], ...], recommendations: int, state: str) -> str | None:
    """Why a corpus cannot be loaded, or None. The service checks its calendar every minute: a corpus is read
    again only when one of its files changed (path, modification time and size are the key)."""
    files = [Path(name) for name, _, _ in stamps]
    try:
        load_corpus(files[:recommendations], files[recommendations:], state)
    except UserError as exc:
        return str(exc)
    return None


def _problems_beyond_the_file(settings: SessionFile) -> list[str]:
    """What loading the file alone does not check: start, corpus content, speakers list and source."""
    path, s = settings.path, settings.session
    found = []
    if s.start is None:
        found.append(f"{path}: [session] start: missing; a session on the calendar needs a start time")
    files = (*settings.corpus.recommendations, *settings.corpus.advance_questions)
    stamps = tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files)
    if problem := _corpus_problem(stamps, len(settings.corpus.recommendations), s.state_under_review):
        found.append(f"{path}: [corpus] {problem}")
    for name in settings.speakers:
        if gazetteer().lookup(name) is None:
            found.append(f"{path}: [floor] speakers: unknown State {name!r}; use the UN short name")
    if s.source is None:
        found.append(f"{path}: [session] source: missing; give a UN Web TV page, an HLS URL or kaltura:PARTNER:ENTRY")
    else:
        try:
            open_source(s.source, language=s.language)  # a local file is opened here, a URL only read
        except UserError as exc:
            found.append(f"{path}: [session] source: {exc}")
    return found


def check_sessions(paths: Sequence[Path]) -> Calendar:
    """Load every file and check them together: each problem is reported, and only sound files are booked."""
    problems: list[str] = []
    loaded: list[SessionFile] = []
    for path in paths:
        try:
            loaded.append(load_session_file(path))
        except SessionFileError as exc:
            problems += exc.problems
            # the checks beyond the file run too, on what could be read, so that one pass finds every problem; a key
            # already reported (a start that did not parse is also a "missing" start) is reported once
            said = {p.split(": ", 2)[1] for p in exc.problems if p.count(": ") >= 2}
            problems += [p for p in _problems_beyond_the_file(exc.settings) if p.split(": ", 2)[1] not in said]
        except UserError as exc:
            problems.append(str(exc))
    by_id: dict[str, list[SessionFile]] = {}
    for settings in loaded:
        by_id.setdefault(settings.session.id, []).append(settings)
    bookings = []
    for settings in loaded:
        own = _problems_beyond_the_file(settings)
        twins = [other.path.name for other in by_id[settings.session.id] if other is not settings]
        if twins:
            own.append(
                f"{settings.path}: [session] id: {settings.session.id!r} is also the id in {', '.join(twins)}; "
                "give each session its own id"
            )
        problems += own
        if not own:
            bookings.append(Booking(settings))
    return Calendar(sorted(bookings, key=lambda b: b.start), problems)
