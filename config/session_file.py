"""Session file (TOML): schema, validation with errors that name file, key and problem, and loading."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from uprwatch.config import defaults
from uprwatch.config.errors import UserError

LANGUAGES = ("en", "fr", "es", "ru", "zh", "ar", "floor")
CATCH_UP_POLICIES = ("queue", "skip_to_live", "smaller_model")
T = TypeVar("T")


@dataclass(frozen=True)
class SessionSettings:
    id: str
    title: str
    state_under_review: str
    start: datetime | None
    end: datetime | None
    timezone: str
    source: str | None
    language: str


@dataclass(frozen=True)
class CorpusSettings:
    recommendations: list[Path] = field(default_factory=list)
    advance_questions: list[Path] = field(default_factory=list)


@dataclass(frozen=True)
class TelegramSettings:
    token_file: Path | None = None  # read when UPRWATCH_TELEGRAM_TOKEN is not set
    admins: tuple[int, ...] = ()  # Telegram user ids allowed to run /sessions, /broadcast, /stats
    channels: tuple[int, ...] = ()  # channel chat ids the bot posts matches and turns to
    digest_minutes: float = 10.0
    drain_s: float = 120.0  # after the session ends, how long to keep sending what is still queued


@dataclass(frozen=True)
class ScheduleSettings:
    """When `uprwatch serve` acts around the session's start and end."""

    reminders: tuple[timedelta, ...] = (timedelta(hours=24), timedelta(minutes=30))  # before the start
    pre_roll: timedelta = timedelta(minutes=5)  # open the source this long before the start
    overrun: timedelta = timedelta(minutes=60)  # keep listening this long past the scheduled end


@dataclass(frozen=True)
class SessionFile:
    path: Path
    session: SessionSettings
    corpus: CorpusSettings
    speakers: list[str]
    model: str
    whisper_language: str | None
    min_score: float
    translate: bool = False  # Whisper's English translation instead of the words as spoken
    floor_languages: tuple[str, ...] = defaults.FLOOR_LANGUAGES  # what language = "floor" detects among
    catch_up: str = "queue"
    max_lag_s: float = 30.0
    fallback_model: str = "embedded:tiny.en"
    keywords: list[str] = field(default_factory=list)
    telegram: TelegramSettings = field(default_factory=TelegramSettings)
    schedule: ScheduleSettings = field(default_factory=ScheduleSettings)


_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(s|m|h|d)")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def parse_duration(text: str) -> timedelta | None:
    """ "90s", "30m", "1.5h", "2d" as a timedelta; None if it is not one."""
    found = _DURATION.fullmatch(text.strip().lower())
    return timedelta(**{_UNITS[found.group(2)]: float(found.group(1))}) if found else None


class SessionFileError(UserError):
    """A session file with problems: `problems` lists every one (file, table, key, what is wrong); the message
    is the first, with how many more there are, so a command that stops on it still prints one line."""

    def __init__(self, problems: list[str], settings: SessionFile):
        self.problems = problems
        self.settings = settings  # what could be read, the defaults standing in for what could not
        more = f" (and {len(problems) - 1} more: uprwatch sessions check FILE lists them)" if len(problems) > 1 else ""
        super().__init__(problems[0] + more)


_SCHEMA: dict[str, set[str]] = {
    "session": {"id", "title", "state_under_review", "start", "end", "timezone", "source", "language"},
    "corpus": {"recommendations", "advance_questions"},
    "floor": {"speakers"},
    "transcription": {"model", "language", "floor_languages", "translate", "catch_up", "max_lag_s", "fallback_model"},
    "alerts": {"min_score", "keywords"},
    "telegram": {"token_file", "admins", "channels", "digest_minutes", "drain_s"},
    "schedule": {"reminders", "pre_roll", "overrun"},
}


class _Reader:
    """Typed access to one TOML table. A problem is recorded as `file: [table] key: problem` in the list the
    reader shares with the other tables, and the key's default is used, so one pass finds every problem."""

    def __init__(self, path: Path, table: str, data: dict[str, Any], problems: list[str]):
        self.path, self.table, self.data, self.problems = path, table, data, problems
        allowed = ", ".join(sorted(_SCHEMA[table]))
        for key in sorted(set(data) - _SCHEMA[table]):
            self.fail(key, f"unknown key (allowed: {allowed})", None)

    def fail(self, key: str, problem: str, fallback: T) -> T:
        """Record a problem with `key`; returns the value to go on with."""
        self.problems.append(f"{self.path}: [{self.table}] {key}: {problem}")
        return fallback

    def text(self, key: str, default: str | None = None, required: bool = False) -> str | None:
        value = self.data.get(key, default)
        if value is None:
            return self.fail(key, "missing; add it to the session file", None) if required else None
        if not isinstance(value, str) or not value.strip():
            return self.fail(key, f"must be a non-empty string, got {value!r}", default)
        return value.strip()

    def paths(self, key: str) -> list[Path]:
        value = self.data.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return self.fail(key, "must be a list of file paths", [])
        resolved = [(self.path.parent / v).resolve() for v in value]
        for p in resolved:
            if not p.is_file():
                self.fail(key, f"file not found: {p}", None)
        return [p for p in resolved if p.is_file()]

    def names(self, key: str) -> list[str]:
        value = self.data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            return self.fail(key, "must be a list of non-empty strings", [])
        return [v.strip() for v in value]

    def ids(self, key: str) -> tuple[int, ...]:
        value = self.data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
            example = "like [123456789, -1001234567890]"
            return self.fail(key, f"must be a list of numeric Telegram ids, {example}; got {value!r}", ())
        return tuple(value)

    def when(self, key: str, tz: ZoneInfo) -> datetime | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value)
            except ValueError:
                return self.fail(key, f"not an ISO date-time like 2024-01-23T09:00: {value!r}", None)
        if not isinstance(value, datetime):
            return self.fail(key, f"must be a date-time like 2024-01-23T09:00, got {value!r}", None)
        return value if value.tzinfo else value.replace(tzinfo=tz)

    def _as_duration(self, key: str, value: object) -> timedelta | None:
        found = parse_duration(value) if isinstance(value, str) else None
        if found is None:
            return self.fail(key, f'not a duration like "90s", "30m" or "24h": {value!r}', None)
        return found

    def duration(self, key: str, default: timedelta) -> timedelta:
        found = self._as_duration(key, self.data[key]) if key in self.data else None
        return default if found is None else found

    def durations(self, key: str, default: tuple[timedelta, ...]) -> tuple[timedelta, ...]:
        value = self.data.get(key)
        if value is None:
            return default
        if not isinstance(value, list):
            return self.fail(key, f'must be a list of durations like ["24h", "30m"], got {value!r}', default)
        found = [self._as_duration(key, v) for v in value]
        return tuple(sorted((d for d in found if d is not None), reverse=True))

    def flag(self, key: str) -> bool:
        value = self.data.get(key, False)
        if not isinstance(value, bool):
            return self.fail(key, f"must be true or false, got {value!r}", False)
        return value

    def number(self, key: str, default: float, low: float, high: float) -> float:
        value = self.data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
            return self.fail(key, f"must be a number from {low:g} to {high:g}, got {value!r}", default)
        return float(value)


def _resolve_source(path: Path, source: str | None) -> str | None:
    if source is None or "://" in source or source.startswith("kaltura:"):
        return source
    return str((path.parent / source).resolve())


def load_session_file(path: str | Path) -> SessionFile:
    """Read and validate a session file; relative paths resolve against its folder."""
    path = Path(path).resolve()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"session file not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"{path}: not valid TOML ({exc}); fix the syntax at that line") from None
    except UnicodeDecodeError:
        raise UserError(f"{path}: not a UTF-8 text file; save it as UTF-8 TOML") from None

    problems: list[str] = []
    tables: dict[str, dict[str, Any]] = {}
    for table, value in raw.items():
        if table not in _SCHEMA:
            problems.append(f"{path}: unknown table [{table}] (allowed: {', '.join(_SCHEMA)})")
        elif not isinstance(value, dict):
            problems.append(f"{path}: {table} must be a table, written [{table}]")
        else:
            tables[table] = value
    if "session" not in raw:
        problems.append(f"{path}: missing [session] table with id and state_under_review")

    def reader(table: str) -> _Reader:
        return _Reader(path, table, tables.get(table, {}), problems)

    s = reader("session")
    tz_name = s.text("timezone", defaults.DEFAULT_TIMEZONE) or defaults.DEFAULT_TIMEZONE
    try:
        tz = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        tz = s.fail(
            "timezone", f"unknown time zone {tz_name!r}; use an IANA name such as Europe/Zurich", ZoneInfo("UTC")
        )
    language = s.text("language", "en") or "en"
    if language not in LANGUAGES:
        language = s.fail("language", f"must be one of {', '.join(LANGUAGES)}, got {language!r}", "en")
    session_id = s.text("id", required=True) or ""
    session = SessionSettings(
        id=session_id,
        title=s.text("title", session_id) or session_id,
        state_under_review=s.text("state_under_review", required=True) or "",
        start=s.when("start", tz),
        end=s.when("end", tz),
        timezone=tz_name,
        source=_resolve_source(path, s.text("source")),
        language=language,
    )
    if session.start and session.end and session.end <= session.start:
        s.fail("end", "must be after start", None)

    c = reader("corpus")
    corpus = CorpusSettings(recommendations=c.paths("recommendations"), advance_questions=c.paths("advance_questions"))
    f, t, a = reader("floor"), reader("transcription"), reader("alerts")
    whisper_language = t.text("language") or (None if language == "floor" else language)
    translate = t.flag("translate")
    if translate and whisper_language == "en":
        english = 'the audio is already English; set [session] language = "floor" (or fr, es, …) to translate'
        translate = t.fail("translate", english, False)
    floor_languages = tuple(t.names("floor_languages") or defaults.FLOOR_LANGUAGES)
    if bad := [code for code in floor_languages if not re.fullmatch(r"[a-z]{2,3}", code)]:
        codes = ", ".join(map(repr, bad))
        floor_languages = t.fail("floor_languages", f"{codes}: use Whisper's language codes, such as 'fr' or 'zh'", ())
    catch_up = t.text("catch_up", "queue") or "queue"
    if catch_up not in CATCH_UP_POLICIES:
        catch_up = t.fail("catch_up", f"must be one of {', '.join(CATCH_UP_POLICIES)}, got {catch_up!r}", "queue")
    tg = reader("telegram")
    token_files = tg.paths("token_file")
    telegram = TelegramSettings(
        token_file=token_files[0] if token_files else None,
        admins=tg.ids("admins"),
        channels=tg.ids("channels"),
        digest_minutes=tg.number("digest_minutes", 10, 1, 24 * 60),
        drain_s=tg.number("drain_s", 120, 0, 24 * 3600),
    )
    sch = reader("schedule")
    defaults_schedule = ScheduleSettings()
    schedule = ScheduleSettings(
        reminders=sch.durations("reminders", defaults_schedule.reminders),
        pre_roll=sch.duration("pre_roll", defaults_schedule.pre_roll),
        overrun=sch.duration("overrun", defaults_schedule.overrun),
    )
    speakers, keywords = f.names("speakers"), a.names("keywords")
    model = t.text("model", defaults.DEFAULT_MODEL) or defaults.DEFAULT_MODEL
    min_score = a.number("min_score", defaults.DEFAULT_MIN_SCORE, 0, 100)
    max_lag_s = t.number("max_lag_s", 30.0, 1, 3600)
    fallback_model = t.text("fallback_model", "embedded:tiny.en") or "embedded:tiny.en"
    settings = SessionFile(
        path=path,
        session=session,
        corpus=corpus,
        speakers=speakers,
        model=model,
        whisper_language=whisper_language,
        translate=translate,
        floor_languages=floor_languages,
        min_score=min_score,
        keywords=keywords,
        catch_up=catch_up,
        max_lag_s=max_lag_s,
        fallback_model=fallback_model,
        telegram=telegram,
        schedule=schedule,
    )
    if problems:
        raise SessionFileError(problems, settings)
    return settings
