"""The HTML report: one self-contained file (inline CSS and JS, no external assets) that opens offline, searches
and filters without a server, and is small enough to send through Telegram."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from uprwatch.bot.alert_format import CAVEAT_PLAIN, LANGUAGE_NAMES, ROLES, stream_offset
from uprwatch.bot.reports.model import ReportMatch, ReportUtterance, SessionReport

_TEMPLATES = Path(__file__).parent / "templates"
MIN_MARKED = 12  # characters: a shorter tail of a quote could sit anywhere
KIND_NAMES = {"recommendation": "prior recommendation", "advance_question": "advance question", "keyword": "keyword"}


@cache
def _environment() -> Environment:
    """The template environment, built and its template compiled once per process."""
    env = Environment(
        loader=FileSystemLoader(_TEMPLATES),
        autoescape=select_autoescape(["html", "j2"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["offset"] = stream_offset
    env.filters["minutes"] = lambda seconds: f"{seconds / 60:.1f}"
    return env


def _quote_at(text: str, quote: str) -> tuple[int, int] | None:
    """Where a matched quote lies in an utterance (case ignored, on the text itself: lowercasing can change a
    string's length); a quote that began with the previous utterance's last sentence is found by its tail."""
    words = quote.split()
    for k in range(len(words)):
        piece = " ".join(words[k:])
        if len(piece) < MIN_MARKED:
            return None
        found = re.search(re.escape(piece), text, re.IGNORECASE)
        if found:
            return found.start(), found.end()
    return None


def _segments(u: ReportUtterance) -> list[tuple[str, bool]]:
    """The utterance's text cut into (piece, part of a matched quote), so the template marks quotes and still
    escapes every piece."""
    spans = sorted(span for m in u.matches if (span := _quote_at(u.text, m.quote)))
    pieces: list[tuple[str, bool]] = []
    at = 0
    for start, end in spans:
        if start > at:
            pieces.append((u.text[at:start], False))
        if end > max(at, start):
            pieces.append((u.text[max(at, start) : end], True))
        at = max(at, end)
    if at < len(u.text):
        pieces.append((u.text[at:], False))
    return pieces


def _version() -> str:
    try:
        return version("uprwatch")
    except PackageNotFoundError:
        return "dev"


def render_html(report: SessionReport) -> str:
    """The report as one HTML document."""
    anchors: dict[int, str] = {}
    where: list[tuple[float, float, str]] = []
    for n, u in enumerate(report.utterances, start=1):
        anchors[id(u)] = f"u{n}"
        where.append((u.start, u.end, f"u{n}"))

    def anchor_at(t: float) -> str:
        """The utterance heard at stream time t, to link a scorecard entry to its quote."""
        return next((a for start, end, a in where if start <= t <= end), "")

    def describe(u: ReportUtterance, m: ReportMatch) -> str:
        return m.describe(u.speaker, u.role == "state_under_review")

    speakers = sorted({u.speaker for u in report.utterances})
    positions = sorted({m.position for _, m in report.matches if m.position})
    template = _environment().get_template("report.html.j2")
    return template.render(
        r=report,
        caveat=CAVEAT_PLAIN,
        roles=ROLES,
        languages=LANGUAGE_NAMES,
        kinds=KIND_NAMES,
        speakers=speakers,
        positions=positions,
        anchor=lambda u: anchors[id(u)],
        anchor_at=anchor_at,
        describe=describe,
        segments=_segments,
        source_link=report.shown_source if report.source.startswith(("https://", "http://")) else None,
        generated=datetime.now(UTC).astimezone(report.opened.tzinfo if report.opened else UTC),
        version=_version(),
    )
