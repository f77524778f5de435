"""Reports from the session log: every format from the command line, text that must stay text, a session still
running, the JSON export's round trip, bad input, and the HTML page in a real browser."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import shutil
import sqlite3
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from uprwatch.bot.events import EventFactory
from uprwatch.bot.reports.formats import html_report_file, render
from uprwatch.bot.reports.html_report import render_html
from uprwatch.bot.reports.model import build_report
from uprwatch.bot.session_store import SessionStore
from uprwatch.matching.floor_tracker import Turn
from uprwatch.transcribe.types import Utterance

from tests.conftest import one_line_error, run_main
from tests.synthetic_log import HOSTILE, SESSION, SUR, session_events

CUE = re.compile(r"^(\d\d):(\d\d):(\d\d)[.,](\d{3}) --> (\d\d):(\d\d):(\d\d)[.,](\d{3})$", re.M)


@pytest.fixture
def log(tmp_path):
    """A session log holding one finished synthetic review; its URL."""
    url = f"sqlite:///{tmp_path / 'log.db'}"
    store = SessionStore(url)
    store.emit_all(session_events(delegations=12, utterances=60, matches=12, gaps=1))
    store.close()
    return url


def _seconds(h: str, m: str, s: str, ms: str) -> float:
    return int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000


def test_every_format_from_the_command_line(log, tmp_path, capsys):
    report = build_report(SESSION, SessionStore(log).events(SESSION))
    for fmt in ("html", "md", "json", "csv", "srt", "vtt"):
        result = run_main(capsys, "report", SESSION, "--db", log, "--format", fmt, "--out", str(tmp_path / f"r.{fmt}"))
        assert result.returncode == 0, result.stderr
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<link" not in html and "src=" not in html  # self-contained: no asset to fetch
    for speaker in {u.speaker for u in report.utterances}:
        assert f'data-speaker="{speaker}"' in html
    assert html.count('class="u"') == len(report.utterances) == 70
    assert html.count("<mark>") >= len(report.matches) - html.count('class="m keyword"')

    rows = list(csv.DictReader(io.StringIO((tmp_path / "r.csv").read_bytes().decode("utf-8-sig"))))
    assert len(rows) == len(report.utterances)
    assert {"Côte d’Ivoire", "Türkiye"} <= {r["speaker"] for r in rows}
    assert sum(bool(r["match_refs"]) for r in rows) == sum(bool(u.matches) for u in report.utterances)

    for fmt in ("srt", "vtt"):
        text = (tmp_path / f"r.{fmt}").read_text(encoding="utf-8")
        cues = [(_seconds(*c[:4]), _seconds(*c[4:])) for c in CUE.findall(text)]
        assert cues and all(start <= end for start, end in cues)
        assert [s for s, _ in cues] == sorted(s for s, _ in cues)  # in stream-time order, gaps included
        assert "no audio: stream interrupted" in text
    assert "[Germany] " in (tmp_path / "r.srt").read_text() and "<v Germany>" in (tmp_path / "r.vtt").read_text()

    markdown = (tmp_path / "r.md").read_text(encoding="utf-8")
    assert f"## Prior recommendations echoed ({len(report.recommendations)})" in markdown
    assert "| 28.177 | 2018 | United States of America | Noted |" in markdown
    exported = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert exported["format"] == "uprwatch-session" and not exported["in_progress"]
    assert exported["scorecard"]["speakers"][0]["name"] == SUR


def test_the_scorecard_counts_what_the_log_holds(log):
    report = build_report(SESSION, SessionStore(log).events(SESSION))
    matched = [m for _, m in report.matches if m.kind == "recommendation"]
    assert sorted(e.ref for e in report.recommendations) == sorted({m.ref for m in matched})
    assert sum(len(e.by) for e in report.recommendations) == len(matched)
    by_position = {e.ref: e.position for e in report.recommendations}
    assert by_position.get("28.177") in (None, "Noted") and by_position.get("28.1") in (None, "Supported")
    answered = {m.ref for u, m in report.matches if u.speaker == SUR and m.kind == "advance_question"}
    assert answered and {q.ref for q in report.questions if q.answered_at is not None} == answered
    assert all(s.name != "Chair" for s in report.speakers)
    spoken = {s.name: s.seconds for s in report.speakers}
    for turn in report.turns:
        if turn.role != "chair":
            assert spoken[turn.speaker] >= turn.end - turn.start > 0
    assert report.gaps and 0 < report.coverage < 1
    assert abs(report.lost - sum(g.end - g.start for g in report.gaps)) < 1e-9


def test_markup_quotes_and_non_latin_names_render_as_text(log, tmp_path, capsys):
    for fmt in ("html", "md", "vtt"):
        run_main(capsys, "report", SESSION, "--db", log, "--format", fmt, "--out", str(tmp_path / f"r.{fmt}"))
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "Côte d’Ivoire" in html and "中国" in html
    assert html.count("<script>") == 1  # the page's own
    assert "\\<script\\>" in (tmp_path / "r.md").read_text(encoding="utf-8")
    assert HOSTILE not in (tmp_path / "r.vtt").read_text(encoding="utf-8")


def test_a_statement_that_names_itself_corrects_the_guess_in_the_report():
    factory = EventFactory("s", "Europe/Zurich", datetime(2024, 1, 23, 9, 0, tzinfo=ZoneInfo("Europe/Zurich")))
    said = Utterance("My delegation recommends that China abolish the death penalty.", 10.0, 14.0, 0.9, "en")
    events = [
        factory.session_started("t", "China", "x"),
        factory.turn(Turn("Sweden", "delegation", 10.0, confirmed=False)),
        factory.utterance(said, "Sweden", "delegation", confirmed=False),
        factory.turn(Turn("Norway", "delegation", 14.0, corrects="Sweden")),
        factory.utterance(Utterance("Norway also welcomes the report.", 14.0, 17.0, 0.9, "en"), "Norway", "delegation"),
    ]
    report = build_report("s", events)
    (turn,) = report.turns
    assert (turn.speaker, turn.corrected_from, turn.unconfirmed) == ("Norway", "Sweden", False)
    assert [u.speaker for u in turn.utterances] == ["Norway", "Norway"]
    assert report.in_progress  # no session_ended yet


def test_a_running_session_gives_a_report_marked_in_progress(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'log.db'}"
    store = SessionStore(url)
    store.emit_all(session_events(ended=False))
    report = html_report_file(store, SESSION)
    assert report.name == f"{SESSION}-in-progress.html" and b'id="in-progress"' in report.data and not report.final
    result = run_main(capsys, "report", SESSION, "--db", url, "--format", "md", "--out", "-")
    assert "(in progress: up to the last event recorded)" in result.stdout


def test_the_json_export_re_imports_and_reports_the_same(log, tmp_path, capsys):
    exported = tmp_path / "export.json"
    assert run_main(capsys, "report", SESSION, "--db", log, "--format", "json", "--out", str(exported)).returncode == 0
    empty = f"sqlite:///{tmp_path / 'other.db'}"
    imported = run_main(capsys, "report", "import", str(exported), "--db", empty)
    assert imported.returncode == 0 and f"imported session {SESSION}" in imported.stderr
    for fmt in ("md", "csv", "srt"):
        before = run_main(capsys, "report", SESSION, "--db", log, "--format", fmt, "--out", "-").stdout
        after = run_main(capsys, "report", SESSION, "--db", empty, "--format", fmt, "--out", "-").stdout
        assert before == after and len(before) > 1000
    # the record of which chat got which alert is not exported
    store = SessionStore(log)
    store.emit({"type": "alert_sent", "session": SESSION, "at": "2024-01-23T10:00:00+01:00", "chat": 77, "event": "k"})
    run_main(capsys, "report", SESSION, "--db", log, "--format", "json", "--out", str(exported))
    assert '"chat"' not in exported.read_text(encoding="utf-8")
    assert "already holds session" in one_line_error(run_main(capsys, "report", "import", str(exported), "--db", empty))


def test_bad_input_is_one_line_each_and_changes_nothing(log, tmp_path, capsys):
    known = one_line_error(run_main(capsys, "report", "nope", "--db", log))
    assert "no session 'nope'" in known and SESSION in known
    assert "unknown report format 'pdf'" in one_line_error(
        run_main(capsys, "report", SESSION, "--db", log, "--format", "pdf")
    )
    unwritable = one_line_error(
        run_main(capsys, "report", SESSION, "--db", log, "--out", str(tmp_path / "no" / "r.html"))
    )
    assert "cannot write" in unwritable and "--out" in unwritable
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(b"\x00garbage" * 512)
    assert "damaged or not a SQLite database" in one_line_error(
        run_main(capsys, "report", "--list", "--db", f"sqlite:///{damaged}")
    )
    foreign = tmp_path / "foreign.db"
    with sqlite3.connect(foreign) as db:
        db.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, what TEXT)")
    assert "is not an uprwatch database" in one_line_error(
        run_main(capsys, "report", "--list", "--db", f"sqlite:///{foreign}")
    )
    with sqlite3.connect(foreign) as db:  # nothing was added to somebody else's database, nor its journal changed
        assert [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")] == ["events"]
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    imported = run_main(capsys, "report", "import", str(tmp_path / "x.json"), "--db", f"sqlite:///{other}")
    assert "another program's database" in one_line_error(imported)
    with sqlite3.connect(other) as db:
        assert [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")] == ["invoices"]
    assert "no session log at" in one_line_error(
        run_main(capsys, "report", "--list", "--db", f"sqlite:///{tmp_path / 'none.db'}")
    )
    not_json = tmp_path / "x.json"
    not_json.write_text('{"format": "something else"}')
    assert "not an uprwatch session export" in one_line_error(
        run_main(capsys, "report", "import", str(not_json), "--db", log)
    )
    assert "give one SESSION_ID" in one_line_error(run_main(capsys, "report", "--db", log))
    listed = run_main(capsys, "report", "--list", "--db", log)
    assert listed.returncode == 0 and listed.stdout.startswith(f"{SESSION}  ")


def _browser():
    """A real Chromium driven by Playwright: Debian's `chromium` (see the README), else Playwright's own."""
    playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (make install)")
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    manager = playwright.sync_playwright().start()
    try:
        return manager, manager.chromium.launch(executable_path=executable, args=["--no-sandbox"])
    except Exception as exc:  # no browser on this machine: say how to get one
        manager.stop()
        pytest.skip(f"no Chromium to open the report in ({exc.__class__.__name__}); apt-get install chromium")


def test_the_html_report_in_a_real_browser(log, tmp_path, capsys):
    page_file = tmp_path / "report.html"
    run_main(capsys, "report", SESSION, "--db", log, "--out", str(page_file))
    report = build_report(SESSION, SessionStore(log).events(SESSION))
    manager, browser = _browser()
    try:
        page = browser.new_page(viewport={"width": 1200, "height": 1600})
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(page_file.as_uri())
        total = len(report.utterances)
        visible = page.locator(".u:visible")
        assert visible.count() == total and page.locator("#shown").inner_text() == f"{total} of {total} utterances"
        assert page.locator(".turn h3 .who").all_inner_texts()[:3] == ["Chair", SUR, "Chair"]
        assert HOSTILE in page.locator("table.echoes").inner_text()  # the corpus text shown as the words it is
        assert not dialogs  # and its <script> never ran

        page.fill("#q", "cote d'ivoire")  # accents and the curly apostrophe need not be typed
        assert 0 < visible.count() < total
        page.fill("#q", "Côte d’Ivoire")
        assert 0 < visible.count() < total
        page.fill("#q", "")
        page.select_option("#f-speaker", "Germany")
        germany = sum(u.speaker == "Germany" for u in report.utterances)
        assert visible.count() == germany and set(visible.evaluate_all("e => e.map(x => x.dataset.speaker)")) == {
            "Germany"
        }
        page.select_option("#f-speaker", "")
        page.select_option("#f-kind", "recommendation")
        with_rec = sum(any(m.kind == "recommendation" for m in u.matches) for u in report.utterances)
        assert visible.count() == with_rec > 0
        page.select_option("#f-position", "Noted")
        noted = sum(
            any(m.kind == "recommendation" and m.position == "Noted" for m in u.matches) for u in report.utterances
        )
        assert visible.count() == noted and 0 < noted < with_rec
        assert page.locator(".u:visible mark").count() >= noted
        assert page.locator(".turn:visible").count() < len(report.turns)  # turns with nothing left are hidden
        page.screenshot(path=str(tmp_path / "report.png"), full_page=False)
        assert (tmp_path / "report.png").stat().st_size > 10_000
    finally:
        browser.close()
        manager.stop()


def test_a_replayed_session_reports_its_last_run_and_answers_go_by_role():
    first, second = session_events(delegations=2, utterances=8, matches=2), session_events(delegations=3, utterances=9)
    report = build_report(SESSION, first + second)
    assert len(report.utterances) == sum(e["type"] == "utterance" for e in second)
    # a State under review named in another form in the session file ("Turkey" for Türkiye) still answers
    events = [dict(e, state_under_review="PRC") if "state_under_review" in e else e for e in first]
    answered = [q for q in build_report(SESSION, events).questions if q.answered_at is not None]
    assert answered


def test_a_quote_is_marked_in_text_whose_lowercase_is_longer():
    events = session_events(delegations=1, utterances=4, matches=4)
    for e in events:
        if e["type"] == "utterance":
            e["text"] = "İİİİ " + e["text"]  # "İ".lower() is two characters
    page = render_html(build_report(SESSION, events))
    marked = [html.unescape(m) for m in re.findall(r"<mark>(.*?)</mark>", page)]
    quotes = {e["quote"].casefold() for e in events if e["type"] == "match"}
    assert marked and all(m.casefold() in quotes for m in marked)  # the quote itself, not a span shifted by "İ"


def test_no_format_shows_a_sources_credentials_query_or_server_path(tmp_path):
    secret_web = "https://viewer:hunter2@cdn.example:8443/live/x.m3u8?token=SECRET42"
    for source, shown in ((secret_web, "https://cdn.example:8443/live/x.m3u8"), ("/srv/private/day1.ogg", "day1.ogg")):
        events = session_events(delegations=2, utterances=6, matches=1, gaps=0)
        for event in events:
            if "source" in event:
                event["source"] = source
        url = f"sqlite:///{tmp_path / (shown + '.db')}"
        store = SessionStore(url)
        store.emit_all(events)
        for fmt in ("html", "md", "json"):
            _, data = render(store, SESSION, fmt)
            text = data.decode("utf-8")
            assert shown in text, fmt
            for hidden in ("hunter2", "viewer", "SECRET42", "/srv/private"):
                assert hidden not in text, (fmt, hidden)
        store.close()
