"""Load corpus files of any supported format by their extension."""

from __future__ import annotations

from pathlib import Path

from uprwatch.config.errors import UserError
from uprwatch.matching.advance_questions import load_advance_questions
from uprwatch.matching.corpus import Corpus
from uprwatch.matching.corpus_jsonl import load_corpus_jsonl
from uprwatch.matching.ohchr_matrix import load_ohchr_matrix


def load_recommendations(path: Path) -> Corpus:
    """An OHCHR matrix (.docx) or our JSON-lines format (.jsonl)."""
    if not path.is_file():
        raise UserError(f"corpus file not found: {path}")
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return load_ohchr_matrix(path)
    if suffix in (".jsonl", ".json"):
        return load_corpus_jsonl(path)
    raise UserError(f"{path}: unsupported corpus format {suffix!r}; use an OHCHR matrix .docx or a .jsonl file")


def load_corpus(
    recommendations: list[Path],
    advance_questions: list[Path] | None = None,
    state_under_review: str | None = None,
) -> Corpus:
    """All items from all files; an empty result is an error because nothing could ever match."""
    corpus = Corpus([], [])
    for path in recommendations:
        corpus.extend(load_recommendations(Path(path)))
    for path in advance_questions or []:
        if not Path(path).is_file():
            raise UserError(f"advance-question file not found: {path}")
        corpus.extend(load_advance_questions(Path(path), state_under_review))
    if not corpus.items:
        raise UserError("the corpus is empty; give at least one recommendations or advance-questions file")
    return corpus
