"""The corpus model: recommendations and advance questions a session's statements are matched against."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

KINDS = ("recommendation", "advance_question")
POSITIONS = ("Supported", "Noted")


@dataclass(frozen=True)
class CorpusItem:
    """One matchable text. A matrix paragraph joining several recommendations yields one item per part."""

    id: str  # paragraph id ("28.177") or question id ("Q-Germany-1")
    kind: str  # one of KINDS
    text: str
    recommending_states: tuple[str, ...]  # for a question, the asking State
    position: str | None = None  # Supported / Noted for recommendations
    state_under_review: str | None = None
    year: int | None = None
    cycle: int | None = None
    document: str | None = None
    themes: tuple[str, ...] = ()
    affected_persons: tuple[str, ...] = ()
    action: int | None = None  # UPR Info action category, 1 (minimal) to 5 (specific)
    source: str = ""  # file it was read from


@dataclass
class Corpus:
    """Items plus the problems the importers found, so callers can report them."""

    items: list[CorpusItem]
    problems: list[str]  # one line each: file, paragraph or row, and what was wrong

    def extend(self, other: Corpus) -> None:
        self.items.extend(other.items)
        self.problems.extend(other.problems)


def cycle_of(session: int) -> int:
    """UPR cycle of a Working Group session (cycle 1: sessions 1–12, 2: 13–26, 3: 27–40, 4: 41–)."""
    return 1 if session <= 12 else 2 if session <= 26 else 3 if session <= 40 else 4


@cache
def session_years() -> dict[int, int]:
    """UPR Working Group session number → year held."""
    raw = json.loads((Path(__file__).resolve().parent / "data" / "upr_sessions.json").read_text())
    return {int(k): int(v) for k, v in raw.items() if not k.startswith("_")}
