"""Importer for the OHCHR "thematic list of recommendations" matrix (.docx), read with python-docx."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import docx
from docx.opc.exceptions import PackageNotFoundError
from uprwatch.config.errors import UserError
from uprwatch.matching.corpus import POSITIONS, Corpus, CorpusItem, session_years
from uprwatch.matching.gazetteer import gazetteer

_PARA_ID = re.compile(r"^\s*(\d{1,3}\.\d{1,3})\.?\s+")
_TRAILING_PAREN = re.compile(r"\(((?:[^()]|\([^()]*\))*)\)\s*[;.]?\s*$")
_PART_BREAK = re.compile(r"(?<=\))\s*;\s*(?=\S)")
_HEADER = re.compile(
    r"UPR of (?P<state>.+?)\s*\((?P<cycle>\d+)\s*\w*\s*Cycle\s*[–-]\s*(?P<session>\d+)\s*\w*\s*session\)"
)
_DOCUMENT = re.compile(r"Source of position:\s*(A/HRC/[\d/]+?)(?:/Add\.\d+)?\s*-", re.IGNORECASE)


def split_states(part: str) -> tuple[str, list[str]]:
    """Peel the trailing "(State) (State)" run off one recommendation; return its text and the States."""
    states: list[str] = []
    text = part.strip()
    while m := _TRAILING_PAREN.search(text):
        state = gazetteer().lookup(m.group(1), cutoff=92)
        if state is None:
            break
        states.insert(0, state.name)
        text = text[: m.start()].rstrip()
    return text.rstrip(" ;,"), states


def _themes(cell: str) -> tuple[list[str], list[str]]:
    themes, persons, in_persons = [], [], False
    for line in (ln.strip() for ln in cell.splitlines()):
        if not line:
            continue
        if line.lower().startswith("affected persons"):
            in_persons = True
        elif in_persons:
            persons.append(line.lstrip("- ").strip())
        else:
            themes.append(line)
    return themes, persons


def _header_text(document: docx.document.Document) -> str:
    return " ".join(p.text for section in document.sections for p in section.header.paragraphs)


def load_ohchr_matrix(path: Path) -> Corpus:
    """Read every recommendation paragraph, split joined recommendations, and keep position and themes."""
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError):
        raise UserError(f"{path}: not a readable .docx file; give an OHCHR UPR matrix saved as .docx") from None
    table = next(
        (
            t
            for t in document.tables
            if t.rows and "recommendation" in " ".join(c.text for c in t.rows[0].cells).lower()
        ),
        None,
    )
    if table is None or "position" not in " ".join(c.text for c in table.rows[0].cells).lower():
        raise UserError(
            f"{path}: not an OHCHR UPR recommendation matrix (no table with Recommendation and Position columns)"
        )
    header = _HEADER.search(" ".join(_header_text(document).split()))
    sur = cycle = year = None
    if header:
        found = gazetteer().lookup(header["state"])
        sur = found.name if found else header["state"]
        cycle = int(header["cycle"])
        year = session_years().get(int(header["session"]))

    corpus = Corpus([], [])
    seen: set[str] = set()
    for row_no, row in enumerate(table.rows[1:], start=2):
        cells = [c.text for c in row.cells]
        if not cells[0].strip() or cells[0].lstrip().startswith("Theme:"):
            continue
        m = _PARA_ID.match(cells[0])
        if not m:
            corpus.problems.append(f"{path}: table row {row_no}: no paragraph number at the start; row skipped")
            continue
        para = m.group(1)
        if para in seen:
            continue  # the matrix repeats a paragraph under each of its themes
        seen.add(para)
        body = cells[0][m.end() :].split("Source of position", 1)[0].strip()
        doc = _DOCUMENT.search(cells[0])
        position = cells[1].strip().split()[0].capitalize() if len(cells) > 1 and cells[1].strip() else None
        if position not in POSITIONS:
            corpus.problems.append(f"{path}: paragraph {para}: position {cells[1].strip()!r} is not Supported/Noted")
            position = None
        themes, persons = _themes(cells[2] if len(cells) > 2 else "")
        for part in _PART_BREAK.split(body):
            text, states = split_states(part)
            if not text:
                continue
            if not states:
                corpus.problems.append(f"{path}: paragraph {para}: no recommending State found in {part[-60:]!r}")
            corpus.items.append(
                CorpusItem(
                    id=para,
                    kind="recommendation",
                    text=text,
                    recommending_states=tuple(states),
                    position=position,
                    state_under_review=sur,
                    year=year,
                    cycle=cycle,
                    document=doc.group(1) if doc else None,
                    themes=tuple(themes),
                    affected_persons=tuple(persons),
                    source=str(path),
                )
            )
    if not corpus.items:
        raise UserError(f"{path}: the matrix table holds no numbered recommendations")
    return corpus
