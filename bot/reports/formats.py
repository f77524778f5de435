"""One entry point for every report format: a session of the log, rendered as bytes to write or send."""

from __future__ import annotations

from dataclasses import dataclass

from uprwatch.bot.reports.captions import render_srt, render_vtt
from uprwatch.bot.reports.csv_report import render_csv
from uprwatch.bot.reports.html_report import render_html
from uprwatch.bot.reports.json_export import render_json
from uprwatch.bot.reports.markdown_report import render_markdown
from uprwatch.bot.reports.model import SessionReport, build_report, last_run
from uprwatch.bot.session_store import SessionStore
from uprwatch.config.defaults import REPORT_FORMATS as FORMATS
from uprwatch.config.errors import UserError

SHOWN_KNOWN = 10


def known_sessions(store: SessionStore) -> str:
    """The sessions a log holds, most recent first, for an error message."""
    known = [sid for sid, _ in store.sessions()]
    if not known:
        return "the log holds no session"
    more = f" (+{len(known) - SHOWN_KNOWN} more; see uprwatch report --list)" if len(known) > SHOWN_KNOWN else ""
    return "known: " + ", ".join(known[:SHOWN_KNOWN]) + more


def render(store: SessionStore, session: str, fmt: str) -> tuple[SessionReport, bytes]:
    """One session's report in one format; an unknown session or format is a UserError naming the known ones."""
    if fmt not in FORMATS:
        raise UserError(f"unknown report format {fmt!r}; choose one of {', '.join(FORMATS)}")
    events = last_run(store.events(session))
    if not events:  # nothing, or only the record of alerts sent
        raise UserError(f"no session {session!r} in the log; {known_sessions(store)}")
    report = build_report(session, events)
    if fmt == "json":
        return report, render_json(report, events).encode("utf-8")
    if fmt == "csv":
        return report, render_csv(report).encode("utf-8-sig")  # the BOM tells spreadsheets it is UTF-8
    text = {"html": render_html, "md": render_markdown, "srt": render_srt, "vtt": render_vtt}[fmt](report)
    return report, text.encode("utf-8")


@dataclass(frozen=True)
class ReportFile:
    """The HTML report as a file to send."""

    name: str
    data: bytes
    final: bool  # the session had ended: the same file serves every chat from now on


def html_report_file(store: SessionStore, session: str) -> ReportFile:
    """The HTML report of a session as a file to send."""
    report, data = render(store, session, "html")
    return ReportFile(f"{session}{'-in-progress' if report.in_progress else ''}.html", data, not report.in_progress)
