"""Session file (TOML): schema, validation with errors that name file, key and problem, and loading."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, NoReturn
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from uprwatch.config import defaults
from uprwatch.config.errors import UserError

LANGUAGES = ("en", "fr", "es", "ru", "zh", "ar", "floor")
CATCH_UP_POLICIES = ("queue", "skip_to_live", "smaller_model")


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
    """Typed access to one TOML table that reports problems as `file: [table] key: problem`."""

    def __init__(self, path: Path, table: str, data: dict[str, Any]):
        self.path, self.table, self.data = path, table, data
        unknown = sorted(set(data) - _SCHEMA[table])
        if unknown:
            allowed = ", ".join(sorted(_SCHEMA[table]))
            self.fail(unknown[0], f"unknown key (allowed: {allowed})")

    def fail(self, key: str, problem: str) -> NoReturn:
        raise UserError(f"{self.path}: [{self.table}] {key}: {problem}")

    def text(self, key: str, default: str | None = None, required: bool = False) -> str | None:
        value = self.data.get(key, default)
        if value is None:
            if required:
                self.fail(key, "missing; add it to the session file")
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(key, f"must be a non-empty string, got {value!r}")
        return value.strip()

    def paths(self, key: str) -> list[Path]:
        value = self.data.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(key, "must be a list of file paths")
        resolved = [(self.path.parent / v).resolve() for v in value]
        for p in resolved:
            if not p.is_file():
                self.fail(key, f"file not found: {p}")
        return resolved

    def names(self, key: str) -> list[str]:
        value = self.data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(key, "must be a list of non-empty strings")
        return [v.strip() for v in value]

    def ids(self, key: str) -> tuple[int, ...]:
        value = self.data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
            self.fail(key, f"must be a list of numeric Telegram ids, like [123456789, -1001234567890]; got {value!r}")
        return tuple(value)

    def when(self, key: str, tz: ZoneInfo) -> datetime | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value)
            except ValueError:
                self.fail(key, f"not an ISO date-time like 2024-01-23T09:00: {value!r}")
        if not isinstance(value, datetime):
            self.fail(key, f"must be a date-time like 2024-01-23T09:00, got {value!r}")
        return value if value.tzinfo else value.replace(tzinfo=tz)

    def _as_duration(self, key: str, value: object) -> timedelta:
        found = parse_duration(value) if isinstance(value, str) else None
        if found is None:
            self.fail(key, f'not a duration like "90s", "30m" or "24h": {value!r}')
        return found

    def duration(self, key: str, default: timedelta) -> timedelta:
        value = self.data.get(key)
        return default if value is None else self._as_duration(key, value)

    def durations(self, key: str, default: tuple[timedelta, ...]) -> tuple[timedelta, ...]:
        value = self.data.get(key)
        if value is None:
            return default
        if not isinstance(value, list):
            self.fail(key, f'must be a list of durations like ["24h", "30m"], got {value!r}')
        return tuple(sorted((self._as_duration(key, v) for v in value), reverse=True))

    def flag(self, key: str) -> bool:
        value = self.data.get(key, False)
        if not isinstance(value, bool):
            self.fail(key, f"must be true or false, got {value!r}")
        return value

    def number(self, key: str, default: float, low: float, high: float) -> float:
        value = self.data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
            self.fail(key, f"must be a number from {low:g} to {high:g}, got {value!r}")
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

    for table, value in raw.items():
        if table not in _SCHEMA:
            raise UserError(f"{path}: unknown table [{table}] (allowed: {', '.join(_SCHEMA)})")
        if not isinstance(value, dict):
            raise UserError(f"{path}: {table} must be a table, written [{table}]")
    if "session" not in raw:
        raise UserError(f"{path}: missing [session] table with id and state_under_review")

    s = _Reader(path, "session", raw["session"])
    tz_name = s.text("timezone", defaults.DEFAULT_TIMEZONE) or defaults.DEFAULT_TIMEZONE
    try:
        tz = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        s.fail("timezone", f"unknown time zone {tz_name!r}; use an IANA name such as Europe/Zurich")
    language = s.text("language", "en") or "en"
    if language not in LANGUAGES:
        s.fail("language", f"must be one of {', '.join(LANGUAGES)}, got {language!r}")
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
        s.fail("end", "must be after start")

    c = _Reader(path, "corpus", raw.get("corpus", {}))
    corpus = CorpusSettings(recommendations=c.paths("recommendations"), advance_questions=c.paths("advance_questions"))
    f = _Reader(path, "floor", raw.get("floor", {}))
    t = _Reader(path, "transcription", raw.get("transcription", {}))
    a = _Reader(path, "alerts", raw.get("alerts", {}))
    whisper_language = t.text("language") or (None if language == "floor" else language)
    translate = t.flag("translate")
    if translate and whisper_language == "en":
        t.fail(
            "translate", 'the audio is already English; set [session] language = "floor" (or fr, es, …) to translate'
        )
    floor_languages = tuple(t.names("floor_languages") or defaults.FLOOR_LANGUAGES)
    if bad := [code for code in floor_languages if not re.fullmatch(r"[a-z]{2,3}", code)]:
        t.fail("floor_languages", f"{', '.join(map(repr, bad))}: use Whisper's language codes, such as 'fr' or 'zh'")
    catch_up = t.text("catch_up", "queue") or "queue"
    if catch_up not in CATCH_UP_POLICIES:
        t.fail("catch_up", f"must be one of {', '.join(CATCH_UP_POLICIES)}, got {catch_up!r}")
    tg = _Reader(path, "telegram", raw.get("telegram", {}))
    token_files = tg.paths("token_file")
    telegram = TelegramSettings(
        token_file=token_files[0] if token_files else None,
        admins=tg.ids("admins"),
        channels=tg.ids("channels"),
        digest_minutes=tg.number("digest_minutes", 10, 1, 24 * 60),
        drain_s=tg.number("drain_s", 120, 0, 24 * 3600),
    )
    sch = _Reader(path, "schedule", raw.get("schedule", {}))
    defaults_schedule = ScheduleSettings()
    schedule = ScheduleSettings(
        reminders=sch.durations("reminders", defaults_schedule.reminders),
        pre_roll=sch.duration("pre_roll", defaults_schedule.pre_roll),
        overrun=sch.duration("overrun", defaults_schedule.overrun),
    )
    return SessionFile(
        path=path,
        session=session,
        corpus=corpus,
        speakers=f.names("speakers"),
        model=t.text("model", defaults.DEFAULT_MODEL) or defaults.DEFAULT_MODEL,
        whisper_language=whisper_language,
        translate=translate,
        floor_languages=floor_languages,
        min_score=a.number("min_score", defaults.DEFAULT_MIN_SCORE, 0, 100),
        keywords=a.names("keywords"),
        catch_up=catch_up,
        max_lag_s=t.number("max_lag_s", 30.0, 1, 3600),
        fallback_model=t.text("fallback_model", "embedded:tiny.en") or "embedded:tiny.en",
        telegram=telegram,
        schedule=schedule,
    )
