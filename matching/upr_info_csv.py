"""Importer for the UPR Info database export (CSV): all States' recommendations, sessions 1–20 and on.

The export is Mac Roman text with bare CR line endings (csv handles those with newline=""), and
adjacent files overlap on one session, so rows are de-duplicated on (to, from, text, session).
"""

from __future__ import annotations

import csv
import html
import io
import re
from pathlib import Path

from uprwatch.config.errors import UserError
from uprwatch.matching.corpus import Corpus, CorpusItem, cycle_of, session_years
from uprwatch.matching.gazetteer import fold, gazetteer

REQUIRED = ("To", "From", "Text", "Response", "Session")
RESPONSES = {"accepted": "Supported", "supported": "Supported", "noted": "Noted"}


def is_upr_info_header(header: list[str]) -> bool:
    """True when a CSV header looks like the UPR Info export's."""
    return {"To", "From", "Text", "Response"} <= set(header)


def read_text(path: Path) -> str:
    """UTF-8 when it decodes, otherwise Mac Roman (what the export uses)."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("mac_roman")


def _state_name(raw: str) -> str | None:
    state = gazetteer().exact(html.unescape(raw))
    return state.name if state else None


def load_upr_info_csv(path: Path, state_under_review: str | None = None, seen: set[tuple] | None = None) -> Corpus:
    """Rows as recommendations; with `state_under_review`, only those made to that State.

    `seen` carries de-duplication keys across files of one export.
    """
    reader = csv.DictReader(io.StringIO(read_text(path), newline=""))
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise UserError(f"{path}: not a UPR Info export, missing column(s) {', '.join(missing)}")
    wanted = gazetteer().exact(state_under_review) if state_under_review else None
    seen = seen if seen is not None else set()
    corpus = Corpus([], [])
    counters: dict[tuple[int, str], int] = {}
    for row_no, row in enumerate(reader, start=2):
        to = _state_name(row["To"] or "")
        text = " ".join((row["Text"] or "").split())
        if not text:
            corpus.problems.append(f"{path}: row {row_no}: empty Text; row skipped")
            continue
        if to is None:
            corpus.problems.append(f"{path}: row {row_no}: unknown State under review {row['To']!r}; row skipped")
            continue
        if wanted and to != wanted.name:
            continue
        try:
            session = int(row["Session"])
        except ValueError:
            corpus.problems.append(f"{path}: row {row_no}: Session {row['Session']!r} is not a number; row skipped")
            continue
        key = (to, row["From"], fold(text), session)
        if key in seen:
            continue
        seen.add(key)
        n = counters[(session, to)] = counters.get((session, to), 0) + 1
        recommender = _state_name(row["From"] or "")
        if recommender is None:
            name = html.unescape(row["From"] or "")
            corpus.problems.append(f"{path}: row {row_no}: recommending State {name!r} unknown; kept without it")
        position = RESPONSES.get((row["Response"] or "").strip().lower())
        action = (row.get("Action") or "").strip()
        corpus.items.append(
            CorpusItem(
                id=f"S{session}-{re.sub(r'[^a-z]+', '', fold(to))[:12]}-{n}",
                kind="recommendation",
                text=text,
                recommending_states=(recommender,) if recommender else (),
                position=position,
                state_under_review=to,
                year=session_years().get(session),
                cycle=cycle_of(session),
                document=f"UPR Info database, session {session}",
                themes=tuple(t.strip() for t in (row.get("Issue") or "").split(",") if t.strip()),
                action=int(action) if action.isdigit() else None,
                source=str(path),
            )
        )
    return corpus
