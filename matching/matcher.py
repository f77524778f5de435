"""Fuzzy matching of spoken sentences against the corpus with rapidfuzz.

A statement is cut into sentence windows (and at "and that…" / "we also recommend" joins, where one
sentence carries two recommendations); each window is scored against every corpus text after domain
normalisation. The score is the mean of token-set and token-sort ratios: token-set alone rewards a short
recommendation contained in a long sentence, token-sort alone punishes extra diplomatic words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from uprwatch.config.defaults import DEFAULT_MIN_SCORE
from uprwatch.matching.corpus import CorpusItem
from uprwatch.matching.normalise import normalise

_WINDOW_BREAK = re.compile(
    r"(?<=[.!?;])\s+|,?\s+and that (?:it |they )?|\bwe also recommend\b|\bwe further recommend\b", re.I
)
MIN_WINDOW_WORDS = 2
GROUP_SIMILARITY = 90.0


def similarity(a: str, b: str, **_: object) -> float:
    """0–100 similarity of two normalised texts."""
    return (fuzz.token_set_ratio(a, b) + fuzz.token_sort_ratio(a, b)) / 2


@dataclass(frozen=True)
class Window:
    text: str  # as spoken
    offset: int  # character offset in the utterance


@dataclass(frozen=True)
class Match:
    """One corpus item echoed by one window of an utterance."""

    item: CorpusItem
    score: float
    quote: str
    start: float
    end: float
    group: tuple[str, ...] = field(default_factory=tuple)  # ids of near-identical items alerted together

    @property
    def ref(self) -> str:
        return self.item.id


def windows(text: str) -> list[Window]:
    """Sentence-sized pieces of an utterance, with where each starts."""
    out: list[Window] = []
    pos = 0
    for piece in _WINDOW_BREAK.split(text):
        if piece is None:
            continue
        at = text.find(piece, pos)
        if piece.strip():
            out.append(Window(piece.strip(), max(at, 0)))
        pos = max(pos, at + len(piece))
    return out


class Matcher:
    """An index over corpus items; `match` returns the alerts for one utterance, best first."""

    def __init__(self, items: list[CorpusItem], min_score: float = DEFAULT_MIN_SCORE):
        self.items = items
        self.min_score = min_score
        self._norm = [normalise(item.text) for item in items]

    def match_text(self, text: str, start: float = 0.0, end: float = 0.0, carry: str = "") -> list[Match]:
        """Matches at or above the threshold for one utterance spoken between start and end, in spoken order.

        `carry` is the last sentence of the same speaker's previous utterance: the segmenter cuts long
        speech at 15 s, so a sentence may straddle two utterances and is also tried joined.
        """
        found: dict[str, Match] = {}
        span = max(end - start, 0.0)
        pieces = windows(text)
        if carry and pieces:
            pieces.append(Window(f"{carry} {pieces[0].text}", 0))
        for window in pieces:
            query = normalise(window.text)
            if len(query.split()) < MIN_WINDOW_WORDS:
                continue
            ranked = process.extract(query, self._norm, scorer=similarity, limit=8, score_cutoff=self.min_score)
            if not ranked:
                continue
            _, best_score, best_i = ranked[0]
            best = self.items[best_i]
            group = tuple(
                dict.fromkeys(
                    self.items[i].id
                    for _, score, i in ranked[1:]
                    if self.items[i].id != best.id
                    and score >= best_score - 3
                    and similarity(self._norm[i], self._norm[best_i]) >= GROUP_SIMILARITY
                )
            )
            w_start = start + span * window.offset / max(len(text), 1)
            w_end = start + span * min(window.offset + len(window.text), len(text)) / max(len(text), 1)
            if best.id not in found or found[best.id].score < best_score:
                found[best.id] = Match(
                    item=best,
                    score=round(best_score, 1),
                    quote=window.text,
                    start=round(w_start, 2),
                    end=round(w_end, 2),
                    group=group,
                )
        return sorted(found.values(), key=lambda m: m.start)
