"""Load corpus files of any supported format, chosen by extension and, for CSV, by header."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from uprwatch.config.errors import UserError
from uprwatch.matching.advance_questions import load_advance_questions
from uprwatch.matching.corpus import Corpus
from uprwatch.matching.corpus_csv import load_corpus_csv
from uprwatch.matching.corpus_jsonl import load_corpus_jsonl
from uprwatch.matching.ohchr_matrix import load_ohchr_matrix
from uprwatch.matching.upr_info_csv import is_upr_info_header, load_upr_info_csv, read_text

FORMATS = "an OHCHR matrix (.docx), a UPR Info export (.csv), our .jsonl or .csv, or advance questions (.txt)"


def load_recommendations(path: Path, state_under_review: str | None = None, seen: set[tuple] | None = None) -> Corpus:
    """One recommendations file; UPR Info rows are limited to `state_under_review` when given."""
    if not path.is_file():
        raise UserError(f"corpus file not found: {path}")
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return load_ohchr_matrix(path)
    if suffix in (".jsonl", ".json"):
        return load_corpus_jsonl(path)
    if suffix == ".csv":
        text = read_text(path)
        header = next(csv.reader(io.StringIO(text, newline="")), [])
        if is_upr_info_header(header):
            return load_upr_info_csv(path, state_under_review, seen)
        return load_corpus_csv(text, path)
    if suffix == ".txt":
        return load_advance_questions(path, state_under_review)
    raise UserError(f"{path}: unsupported corpus format {suffix!r}; use {FORMATS}")


def load_corpus(
    recommendations: list[Path], advance_questions: list[Path] | None = None, state_under_review: str | None = None
) -> Corpus:
    """All items from all files; an empty result is an error because nothing could ever match."""
    corpus = Corpus([], [])
    seen: set[tuple] = set()
    for path in recommendations:
        corpus.extend(load_recommendations(Path(path), state_under_review, seen))
    for path in advance_questions or []:
        if not Path(path).is_file():
            raise UserError(f"advance-question file not found: {path}")
        corpus.extend(load_advance_questions(Path(path), state_under_review))
    if not corpus.items:
        raise UserError(f"the corpus is empty; give at least one file with recommendations or questions ({FORMATS})")
    return corpus
