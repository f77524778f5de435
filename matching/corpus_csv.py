"""Our own CSV corpus format: the JSONL schema as columns, lists separated by ";"."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from uprwatch.config.errors import UserError
from uprwatch.matching.corpus import Corpus
from uprwatch.matching.corpus_jsonl import item_from_mapping

LIST_COLUMNS = ("recommending_states", "themes")
INT_COLUMNS = ("year", "cycle")


def load_corpus_csv(text: str, path: Path) -> Corpus:
    """Read rows with at least `id` and `text` columns; bad rows are reported with their number and skipped."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in ("id", "text") if c not in (reader.fieldnames or [])]
    if missing:
        raise UserError(
            f"{path}: CSV corpus is missing column(s) {', '.join(missing)}; "
            "use the columns id,text,kind,recommending_states,position,state_under_review,year,cycle,document,themes"
        )
    corpus = Corpus([], [])
    for row_no, raw in enumerate(reader, start=2):
        row: dict[str, object] = {k: v for k, v in raw.items() if k and v not in (None, "")}
        for col in LIST_COLUMNS:
            if isinstance(row.get(col), str):
                row[col] = [v.strip() for v in str(row[col]).split(";") if v.strip()]
        try:
            for col in INT_COLUMNS:
                if col in row:
                    row[col] = int(str(row[col]))
            corpus.items.append(item_from_mapping(row, path))
        except ValueError as exc:
            corpus.problems.append(f"{path}: row {row_no}: {exc}; row skipped")
    return corpus
