"""Keyword watchlists: ASR-tolerant fuzzy spotting of names and terms ("Cao Shunli", "Xinjiang").

Each term is compared with every run of words of about its length, spaces removed, so that a name
transcribed as "Cao Shun Li" or "Shinjang" is still found.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz
from uprwatch.matching.normalise import fold_text

DEFAULT_KEYWORD_SCORE = 82.0


@dataclass(frozen=True)
class KeywordHit:
    term: str
    score: float
    quote: str  # the words that matched, as spoken
    offset: int  # character offset in the utterance


class KeywordWatch:
    """A list of terms; `find` returns the terms heard in a text, each once, best first."""

    def __init__(self, terms: list[str], min_score: float = DEFAULT_KEYWORD_SCORE):
        self.terms = [(t, fold_text(t).replace(" ", ""), len(fold_text(t).split())) for t in terms if fold_text(t)]
        self.min_score = min_score

    def find(self, text: str) -> list[KeywordHit]:
        """Terms that occur in `text` within the fuzzy tolerance."""
        spans: list[tuple[str, int]] = []  # (folded word, offset in text)
        pos = 0
        for raw in text.split():
            at = text.find(raw, pos)
            pos = at + len(raw)
            word = fold_text(raw).replace(" ", "").replace("'", "")
            if word:
                spans.append((word, at))
        hits: list[KeywordHit] = []
        for term, key, n_words in self.terms:
            best: KeywordHit | None = None
            for size in range(max(1, n_words - 1), n_words + 3):
                for i in range(len(spans) - size + 1):
                    candidate = "".join(w for w, _ in spans[i : i + size])
                    if abs(len(candidate) - len(key)) > max(3, len(key) // 3):
                        continue
                    score = fuzz.ratio(key, candidate)
                    if score >= self.min_score and (best is None or score > best.score):
                        start = spans[i][1]
                        _, last_at = spans[i + size - 1]
                        end = text.find(" ", last_at)
                        best = KeywordHit(term, round(score, 1), text[start : end if end > 0 else len(text)], start)
            if best:
                hits.append(best)
        return sorted(hits, key=lambda h: -h.score)
