"""The CSV report: one row per utterance with speaker, times and matches, for a spreadsheet."""

from __future__ import annotations

import csv
import io

from uprwatch.bot.alert_format import stream_offset
from uprwatch.bot.reports.model import SessionReport

COLUMNS = [
    "session",
    "stream_start_s",
    "stream_end_s",
    "stream_time",
    "wall_time",
    "speaker",
    "role",
    "unconfirmed",
    "text",
    "translated_from",
    "match_refs",
    "matches",
]


def _cell(text: str) -> str:
    """A cell a spreadsheet shows as text: one opening like a formula (= + - @) is quoted."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


def render_csv(r: SessionReport) -> str:
    """The utterances as CSV text (write it as UTF-8 with a BOM, so spreadsheets keep non-ASCII names intact)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for u in r.utterances:
        writer.writerow(
            [
                r.session,
                f"{u.start:.2f}",
                f"{u.end:.2f}",
                stream_offset(u.start),
                u.wall.isoformat(timespec="seconds"),
                _cell(u.speaker),
                u.role,
                "yes" if u.unconfirmed else "",
                _cell(u.text),
                u.translated_from or "",
                " ".join(m.ref for m in u.matches),
                _cell("; ".join(m.describe(u.speaker, u.role == "state_under_review") for m in u.matches)),
            ]
        )
    return out.getvalue()
