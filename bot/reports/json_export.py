"""The JSON export: every event of a session (the schema is in the README) plus the report's scorecard, and its
import into another session log."""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from uprwatch.bot.events import Event
from uprwatch.bot.reports.model import SessionReport, shown_source
from uprwatch.bot.session_store import SessionStore
from uprwatch.config.errors import UserError

FORMAT = "uprwatch-session"
VERSION = 1
# The keys each event of an export must have (DESIGN.md's vocabulary); which chat got which alert (`alert_sent`)
# stays in the deployment's own log and is neither exported nor imported.
REQUIRED = {
    "session_started": {"title", "state_under_review", "source"},
    "session_ended": {"title", "state_under_review", "source"},
    "stream_gap": {"start", "end", "reason"},
    "turn": {"speaker", "role", "start"},
    "utterance": {"speaker", "role", "text", "start", "end", "wall"},
    "match": {"speaker", "kind", "ref", "score", "quote", "start", "end"},
    "lag": {"behind"},
}
SESSION_ID = re.compile(r"[\w.:-]{1,100}")


def render_json(r: SessionReport, events: list[Event]) -> str:
    """The session as one JSON document; `events` are its last run's (`last_run`)."""
    scorecard: dict[str, Any] = {
        "coverage": round(r.coverage, 4),
        "span_s": round(r.span, 2),
        "lost_s": round(r.lost, 2),
        "speakers": [asdict(s) for s in r.speakers],
        "recommendations_echoed": [asdict(e) for e in r.recommendations],
        "advance_questions": [asdict(e) for e in r.questions],
        "themes": [{"theme": t, "matches": n} for t, n in r.themes],
        "keywords": [{"keyword": k, "matches": n} for k, n in r.keywords],
    }
    document = {
        "format": FORMAT,
        "version": VERSION,
        "session": r.session,
        "title": r.title,
        "state_under_review": r.state_under_review,
        "in_progress": r.in_progress,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "scorecard": scorecard,
        # the events as the report shows them: a source keeps no credentials, query or server path
        "events": [{**e, "source": shown_source(e["source"])} if "source" in e else e for e in events],
    }
    return json.dumps(document, ensure_ascii=False, indent=1)


def _events_of(path: Path) -> tuple[str, list[Event]]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UserError(f"cannot read {path} ({exc.strerror})") from None
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise UserError(f"{path} is not JSON; give a file written by `uprwatch report ID --format json`") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise UserError(f'{path} is not an uprwatch session export (no "format": "{FORMAT}")')
    if document.get("version") != VERSION:
        raise UserError(f"{path} is export version {document.get('version')}; this uprwatch reads version {VERSION}")
    session, events = document.get("session"), document.get("events")
    if not isinstance(session, str) or not isinstance(events, list):
        raise UserError(f'{path}: "session" and "events" are missing or of the wrong type')
    if not SESSION_ID.fullmatch(session):
        raise UserError(f"{path}: session id {session[:40]!r} is not 1–100 letters, digits and . _ : -")
    for n, event in enumerate(events):
        if not (isinstance(event, dict) and event.get("session") == session and isinstance(event.get("at"), str)):
            raise UserError(f"{path}: event {n} is not an event of session {session} (type, session, at)")
        missing = REQUIRED.get(str(event.get("type")), {"(a known type)"}) - event.keys()
        if missing:
            raise UserError(f"{path}: event {n} ({event.get('type')}) lacks {', '.join(sorted(missing))}")
        try:
            datetime.fromisoformat(event["at"])
            if event["type"] == "utterance":
                datetime.fromisoformat(event["wall"])
            float(event.get("start") or 0.0), float(event.get("end") or 0.0)
        except (TypeError, ValueError):
            raise UserError(f"{path}: event {n} ({event['type']}) has a time that is not a time") from None
    return session, events


def import_session(path: Path, store: SessionStore) -> tuple[str, int]:
    """Add an exported session to a session log that does not hold it yet; returns (session, events added)."""
    session, events = _events_of(path)
    if store.holds(session):
        raise UserError(f"the log already holds session {session}; import into another database with --db URL")
    store.emit_all(events)
    return session, len(events)
