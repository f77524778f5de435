"""The calendar of session files: schedule settings, every problem at once with file and key, and the
`uprwatch sessions` commands."""

import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from uprwatch.bot.session_calendar import ENDED, LIVE, SCHEDULED, WAITING, check_sessions
from uprwatch.bot.session_store import SessionStore
from uprwatch.config.errors import UserError
from uprwatch.config.session_file import load_session_file, parse_duration

from tests.conftest import SAMPLES, run_main

GOOD = f"""[session]
id = "{{id}}"
state_under_review = "China"
start = "{{start}}"
end = "{{end}}"
timezone = "{{tz}}"
source = "{SAMPLES / "demo-session.ogg"}"

[corpus]
recommendations = ["{SAMPLES / "sample-corpus.jsonl"}"]

[floor]
speakers = {{speakers}}

[schedule]
reminders = {{reminders}}
pre_roll = "2m"
overrun = "15m"
"""


def write(folder: Path, name: str, **values: str) -> Path:
    fields = {
        "id": name,
        "start": "2031-03-04T09:00:00",
        "end": "2031-03-04T12:30:00",
        "tz": "Europe/Zurich",
        "speakers": '["Germany", "France"]',
        "reminders": '["30m", "24h"]',
    } | values
    path = folder / f"{name}.toml"
    path.write_text(GOOD.format(**fields), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "expected"),
    [("90s", timedelta(seconds=90)), ("30m", timedelta(minutes=30)), ("1.5h", timedelta(minutes=90)),
     ("2d", timedelta(days=2)), ("30", None), ("half an hour", None), ("-5m", None)],
)  # fmt: skip
def test_durations(text, expected):
    assert parse_duration(text) == expected


def test_schedule_is_read_and_gives_the_moments_the_service_acts_on(tmp_path):
    settings = load_session_file(write(tmp_path, "a"))
    assert settings.schedule.reminders == (timedelta(hours=24), timedelta(minutes=30))
    [booking] = check_sessions([settings.path]).bookings
    geneva = ZoneInfo("Europe/Zurich")
    assert booking.opens == datetime(2031, 3, 4, 8, 58, tzinfo=geneva)
    assert booking.closes == datetime(2031, 3, 4, 12, 45, tzinfo=geneva)
    assert booking.reminders() == [
        datetime(2031, 3, 3, 9, 0, tzinfo=geneva),
        datetime(2031, 3, 4, 8, 30, tzinfo=geneva),
    ]
    assert booking.state(booking.opens - timedelta(seconds=1)) == SCHEDULED
    assert booking.state(booking.opens) == LIVE and booking.state(booking.closes) == ENDED
    # what the service logged tells waiting for the stream, live and an early end apart
    assert booking.observed_state(booking.opens, {"session_started"}) == WAITING
    assert booking.observed_state(booking.opens, {"session_started", "utterance"}) == LIVE
    assert booking.observed_state(booking.opens, {"session_started", "utterance", "session_ended"}) == ENDED
    assert booking.observed_state(booking.opens - timedelta(seconds=1), set()) == SCHEDULED


def test_a_reminder_that_is_not_a_duration_names_file_and_key(tmp_path):
    path = write(tmp_path, "a", reminders='["30m", "soon"]')
    with pytest.raises(UserError, match=r"a\.toml: \[schedule\] reminders: not a duration like .*'soon'"):
        load_session_file(path)


def test_check_reports_every_problem_at_once_and_books_the_sound_files(tmp_path):
    paths = [
        write(tmp_path, "good"),
        write(tmp_path, "backwards", end="2031-03-04T08:00:00"),
        write(tmp_path, "nowhere", tz="Europe/Genf"),
        write(tmp_path, "twin1", id="same"),
        write(tmp_path, "twin2", id="same"),
        write(tmp_path, "strangers", speakers='["Germany", "Atlantis"]'),
    ]
    unreadable = write(tmp_path, "unreadable")
    unreadable.write_text(unreadable.read_text().replace(str(SAMPLES / "demo-session.ogg"), "rtmp://example/live"))
    calendar = check_sessions([*paths, unreadable])
    assert [b.id for b in calendar.bookings] == ["good"]
    problems = "\n".join(calendar.problems)
    assert len(calendar.problems) == 6, problems
    assert "backwards.toml: [session] end: must be after start" in problems
    assert "nowhere.toml: [session] timezone: unknown time zone 'Europe/Genf'" in problems
    assert "twin1.toml: [session] id: 'same' is also the id in twin2.toml" in problems
    assert "twin2.toml: [session] id: 'same' is also the id in twin1.toml" in problems
    assert "strangers.toml: [floor] speakers: unknown State 'Atlantis'" in problems
    assert "unreadable.toml: [session] source: unsupported source rtmp://example/live" in problems


def test_one_file_with_many_problems_gets_them_all_in_one_pass(tmp_path):
    path = write(tmp_path, "many", tz="Europe/Genf", reminders='["30m", "soon"]', speakers='["Atlantis"]')
    path.write_text(
        path.read_text()
        .replace("overrun =", 'colour = "blue"\noverrun =')
        .replace(str(SAMPLES / "demo-session.ogg"), "rtmp://x/y"),
        encoding="utf-8",
    )
    problems = "\n".join(check_sessions([path]).problems)
    for expected in (
        "[session] timezone: unknown time zone 'Europe/Genf'",
        "[schedule] reminders: not a duration like",
        "[schedule] colour: unknown key",
        "[floor] speakers: unknown State 'Atlantis'",
        "[session] source: unsupported source rtmp://x/y",
    ):
        assert problems.count(expected) == 1, problems
    assert len(problems.splitlines()) == 5
    # a command that stops on the file still prints one line, saying how many more there are
    with pytest.raises(UserError, match=r"timezone: unknown time zone .* \(and 2 more: uprwatch sessions check FILE"):
        load_session_file(path)


def test_sessions_commands(tmp_path, capsys):
    soon = datetime.now(ZoneInfo("Europe/Zurich")) + timedelta(hours=2)
    write(
        tmp_path,
        "upcoming",
        start=soon.strftime("%Y-%m-%dT%H:%M:00"),
        end=(soon + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:00"),
    )
    write(tmp_path, "past", start="2020-01-01T09:00:00", end="2020-01-01T10:00:00")
    now = datetime.now(ZoneInfo("Europe/Zurich"))
    write(tmp_path, "opened", start=now.strftime("%Y-%m-%dT%H:%M:00"), end=soon.strftime("%Y-%m-%dT%H:%M:00"))
    db = f"sqlite:///{tmp_path / 'log.db'}"
    listed = run_main(capsys, "sessions", "list", "--sessions", str(tmp_path), "--db", db)
    assert listed.returncode == 0, listed.stderr
    assert (
        re.search(r"^upcoming +scheduled ", listed.stdout, re.M)
        and "Geneva" in listed.stdout
        and "past" not in listed.stdout
    )
    assert re.search(r"^opened +live ", listed.stdout, re.M)  # no log yet: the clock alone
    store = SessionStore(db)
    store.emit({"type": "session_started", "session": "opened", "at": now.isoformat(), "title": "t",
                "state_under_review": "China", "source": "x"})  # fmt: skip
    listed = run_main(capsys, "sessions", "list", "--sessions", str(tmp_path), "--db", db)
    assert re.search(r"^opened +waiting for stream ", listed.stdout, re.M)
    store.emit({"type": "session_ended", "session": "opened", "at": now.isoformat(), "title": "t",
                "state_under_review": "China", "source": "x"})  # fmt: skip
    store.close()
    assert "opened" not in run_main(capsys, "sessions", "list", "--sessions", str(tmp_path), "--db", db).stdout
    write(tmp_path, "broken", reminders='["tomorrow"]')
    checked = run_main(capsys, "sessions", "check", "--sessions", str(tmp_path))
    assert checked.returncode == 2
    assert checked.stderr.count("uprwatch: error:") == 1 and "broken.toml: [schedule] reminders" in checked.stderr
    assert "ok  upcoming.toml" in checked.stdout and "ok  past.toml" in checked.stdout
