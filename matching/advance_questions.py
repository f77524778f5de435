"""Advance questions (.txt or .docx): a capitalised asking-State heading, numbered questions beneath."""

from __future__ import annotations

import re
from pathlib import Path

import docx
from uprwatch.config.errors import UserError
from uprwatch.matching.corpus import Corpus, CorpusItem
from uprwatch.matching.gazetteer import gazetteer

_NUMBERED = re.compile(r"^\s*(\d{1,3})[.)]\s+(.+)")


def _lines(path: Path) -> list[str]:
    if path.suffix.lower() == ".docx":
        try:
            return [p.text for p in docx.Document(str(path)).paragraphs]
        except Exception:
            raise UserError(f"{path}: not a readable .docx file") from None
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        raise UserError(f"{path}: not UTF-8 text") from None


def load_advance_questions(path: Path, state_under_review: str | None = None) -> Corpus:
    """One item per numbered question, attributed to the State heading above it."""
    corpus = Corpus([], [])
    asking = None
    for n, raw in enumerate(_lines(path), start=1):
        line = raw.strip()
        if line and line.upper() == line and any(c.isalpha() for c in line):
            state = gazetteer().lookup(line)
            if state:
                asking = state
            continue
        m = _NUMBERED.match(line)
        if not m:
            continue
        if asking is None:
            corpus.problems.append(f"{path}: line {n}: question before any asking-State heading; skipped")
            continue
        corpus.items.append(
            CorpusItem(
                id=f"AQ-{asking.display}-{m.group(1)}",
                kind="advance_question",
                text=m.group(2).strip(),
                recommending_states=(asking.name,),
                state_under_review=state_under_review,
                source=str(path),
            )
        )
    if not corpus.items:
        raise UserError(
            f"{path}: no numbered questions under a State heading; see the advance-question layout in the README"
        )
    return corpus
