"""Turns one utterance into matches: sentence windows, role-aware corpus search, grouping, spans.

Delegations are matched against recommendations and advance questions (raising them); the State under
review against advance questions only (answering them), with a lower bar when it names the asking State,
because an answer paraphrases the question loosely ("on the question from Germany about access…").
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

from uprwatch.config.defaults import ANSWER_SCORE_DROP, DEFAULT_MIN_SCORE
from uprwatch.matching.corpus import CorpusItem
from uprwatch.matching.gazetteer import gazetteer
from uprwatch.matching.match_index import MatchIndex
from uprwatch.matching.normalise import normalise

_WINDOW_BREAK = re.compile(
    r"(?<=[.!?;])\s+|(?:^|,?\s+)and that (?:it |they )?|\bwe (?:also |further )recommend\b", re.IGNORECASE
)
# "the question from Germany on access to Xinjiang": who asked, and the topic as the answer restates it
_ASKER = re.compile(
    r"\bquestions? (?:raised |asked |posed )?(?:by|from)\W+(?:the )?(?:delegation of )?(?P<x>[\w' ()-]{3,60}?)"
    r"(?:\s+(?:on|about|regarding|concerning|relating to)\s+(?P<topic>[^,.;]+))?(?=[,.;]|$)",
    re.I,
)
MIN_WINDOW_WORDS = 2
DELEGATION_KINDS = ("recommendation", "advance_question")
ANSWER_KINDS = ("advance_question",)


@dataclass(frozen=True)
class Window:
    text: str  # as spoken
    offset: int  # character offset in the utterance


@dataclass(frozen=True)
class Match:
    """One corpus item (with its near-identical group) echoed by one window of an utterance."""

    item: CorpusItem
    score: float
    quote: str
    start: float
    end: float
    group: tuple[str, ...] = field(default_factory=tuple)  # ids of near-identical items alerted together
    states: tuple[str, ...] = field(default_factory=tuple)  # every State that made the item or its group

    @property
    def ref(self) -> str:
        return self.item.id


def windows(text: str) -> list[Window]:
    """Sentence-sized pieces of an utterance, with where each starts."""
    out: list[Window] = []
    pos = 0
    for piece in _WINDOW_BREAK.split(text):
        at = text.find(piece, pos)
        if piece.strip():
            out.append(Window(piece.strip(), max(at, 0)))
        pos = max(pos, at + len(piece))
    return out


class Matcher:
    """The index over a corpus plus the alert threshold; `match_text` gives the alerts for one utterance."""

    def __init__(self, items: list[CorpusItem], min_score: float = DEFAULT_MIN_SCORE):
        started = time.perf_counter()
        self.index = MatchIndex(items)
        self.build_seconds = time.perf_counter() - started
        self.items = items
        self.min_score = min_score
        self.query_ms: list[float] = []  # time per window searched, for --stats and benchmarks

    def _search(self, query: str, raw: str, answering: bool) -> list[tuple[int, float]]:
        started = time.perf_counter()
        asked = _ASKER.search(raw) if answering else None
        asker = gazetteer().find_in(asked.group("x")) if asked else None
        if not answering:
            found = self.index.search(query, self.min_score, DELEGATION_KINDS)
        elif asker is None:
            found = self.index.search(query, self.min_score, ANSWER_KINDS)
        else:
            topic = normalise(asked.group("topic") or "") or query  # type: ignore[union-attr]
            found = [
                (i, s)
                for i, s in self.index.search(topic, self.min_score - ANSWER_SCORE_DROP, ANSWER_KINDS, limit=50)
                if asker.name in self.items[i].recommending_states
            ]
        self.query_ms.append((time.perf_counter() - started) * 1000)
        return found

    def match_text(
        self, text: str, start: float = 0.0, end: float = 0.0, carry: str = "", answering: bool = False
    ) -> list[Match]:
        """Matches at or above the threshold for one utterance spoken between start and end, in spoken order.

        `carry` is the last sentence of the same speaker's previous utterance: the segmenter cuts long
        speech at 15 s, so a sentence may straddle two utterances and is also tried joined. `answering`
        is set for the State under review, whose statements answer questions rather than make recommendations.
        """
        found: dict[int, Match] = {}  # keyed by group, so one alert per group
        span = max(end - start, 0.0)
        pieces = windows(text)
        if carry and pieces:
            pieces.append(Window(f"{carry} {pieces[0].text}", 0))
        for window in pieces:
            query = normalise(window.text)
            if len(query.split()) < MIN_WINDOW_WORDS:
                continue
            ranked = self._search(query, window.text, answering)
            if not ranked:
                continue
            best_i, best_score = ranked[0]
            members = self.index.group_of[best_i]
            key = min(members)
            if key in found and found[key].score >= best_score:
                continue
            best = self.items[best_i]
            ids = dict.fromkeys(self.items[i].id for i in members)
            states = dict.fromkeys(s for i in members for s in self.items[i].recommending_states)
            w_start = start + span * window.offset / max(len(text), 1)
            w_end = start + span * min(window.offset + len(window.text), len(text)) / max(len(text), 1)
            found[key] = Match(
                item=best,
                score=round(best_score, 1),
                quote=window.text,
                start=round(w_start, 2),
                end=round(w_end, 2),
                group=tuple(i for i in ids if i != best.id),
                states=tuple(states),
            )
        return sorted(found.values(), key=lambda m: m.start)
