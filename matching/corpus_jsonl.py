"""Our own corpus format: one JSON object per line (or the same as CSV columns), for any list.

Required keys: "id", "text". Optional: "kind" (recommendation | advance_question), "recommending_states"
(list), "position" (Supported | Noted), "state_under_review", "year", "cycle", "document", "themes" (list).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from uprwatch.config.errors import UserError
from uprwatch.matching.corpus import KINDS, POSITIONS, Corpus, CorpusItem


def _int(row: dict[str, Any], key: str) -> int | None:
    value = row.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f'"{key}" must be a whole number, not {value!r}')
    return value


def item_from_mapping(row: dict[str, Any], path: Path) -> CorpusItem:
    """Validate one row of our schema; raises ValueError naming the problem."""
    if not isinstance(row.get("id"), str | int) or not isinstance(row.get("text"), str) or not row["text"].strip():
        raise ValueError('needs "id" and a non-empty "text"')
    kind = row.get("kind", "recommendation")
    if kind not in KINDS:
        raise ValueError(f'"kind" must be one of {", ".join(KINDS)}')
    position = row.get("position")
    if position is not None and position not in POSITIONS:
        raise ValueError(f'"position" must be Supported, Noted or absent, not {position!r}')
    states = row.get("recommending_states", [])
    if not isinstance(states, list) or not all(isinstance(s, str) for s in states):
        raise ValueError('"recommending_states" must be a list of names')
    return CorpusItem(
        id=str(row["id"]),
        kind=kind,
        text=row["text"].strip(),
        recommending_states=tuple(states),
        position=position,
        state_under_review=row.get("state_under_review"),
        year=_int(row, "year"),
        cycle=_int(row, "cycle"),
        document=row.get("document"),
        themes=tuple(row.get("themes", [])),
        source=str(path),
    )


def load_corpus_jsonl(path: Path) -> Corpus:
    """Read items line by line; bad lines are reported with their number and skipped."""
    corpus = Corpus([], [])
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        raise UserError(f"{path}: not UTF-8 text; save the corpus as UTF-8 JSON lines") from None
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if not isinstance(row, dict):
                raise ValueError("each line must be a JSON object")
            item = item_from_mapping(row, path)
        except (json.JSONDecodeError, ValueError) as exc:
            corpus.problems.append(f"{path}: line {n}: {exc}; line skipped")
            continue
        if not item.recommending_states and item.kind == "recommendation":
            corpus.problems.append(f"{path}: line {n}: recommendation {item.id} names no recommending State")
        corpus.items.append(item)
    return corpus
