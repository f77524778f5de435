"""Turns one utterance into matches: sentence windows, role-aware corpus search, grouping, spans.

Delegations are matched against recommendations and advance questions (raising them); the State under
review against advance questions only (answering them), with a lower bar when it names the asking State,
because an answer paraphrases the question loosely ("on the question from Germany about access…").
"""

from __future__ import annotations

import re
import time
from collections import deque
from dataclasses import dataclass, field

import numpy as np
from uprwatch.config.defaults import ANSWER_SCORE_DROP, DEFAULT_MIN_SCORE
from uprwatch.matching.corpus import CorpusItem
from uprwatch.matching.demand_terms import DemandTerms, demand_terms
from uprwatch.matching.echo_decision import EchoModel, Evidence, echo_model, term_evidence
from uprwatch.matching.gazetteer import gazetteer
from uprwatch.matching.match_index import MatchIndex
from uprwatch.matching.normalise import normalise, stem_text, stems
from uprwatch.matching.semantic_index import SemanticIndex

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
SEMANTIC_CANDIDATES = 5  # nearest items by meaning weighed by the echo model, beside the best by wording
MARGIN_FIELD = 20  # items looked at to find the best one outside a candidate's group
LEXICAL_FLOOR = 40.0  # wording candidates below this similarity add nothing the meaning stage does not find
QUERY_TIMES_KEPT = 100_000  # window timings kept for statistics: a long session's worth, then the oldest go
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
    """The indexes over a corpus plus the alert thresholds; `match_text` gives the alerts for one utterance.

    A window alerts when its wording scores at least `min_score` against an item (rapidfuzz), or when the echo
    model, weighing meaning (sentence embeddings) and wording together, finds it makes an item's demand.
    """

    def __init__(
        self,
        items: list[CorpusItem],
        min_score: float = DEFAULT_MIN_SCORE,
        semantic: bool = True,
        model: EchoModel | None = None,
    ):
        started = time.perf_counter()
        self.index = MatchIndex(items)
        self.semantic = SemanticIndex(self.index) if semantic and items else None
        self.model = model or (echo_model() if self.semantic else None)
        self.build_seconds = time.perf_counter() - started
        self.items = items
        self.min_score = min_score
        # time per window searched, for --stats and benchmarks; the latest only, so a day-long session holds no more
        self.query_ms: deque[float] = deque(maxlen=QUERY_TIMES_KEPT)
        self._item_terms: dict[int, DemandTerms] = {}

    def candidates(
        self, query: str, raw: str, vector: np.ndarray, kinds: tuple[str, ...]
    ) -> list[tuple[int, Evidence]]:
        """Items near a window (normalised `query`, `raw` as said) by meaning or by wording, with their evidence."""
        assert self.semantic is not None
        cos = self.semantic.cosines(vector, kinds)
        field_size = min(MARGIN_FIELD, len(cos))
        near = np.argpartition(-cos, field_size - 1)[:field_size]
        near = near[np.argsort(-cos[near])]
        lexical = [i for i, _ in self.index.search(query, LEXICAL_FLOOR, kinds, limit=SEMANTIC_CANDIDATES)]
        stemmed, said, terms = stem_text(query), stems(query), demand_terms(raw)
        out = []
        for i in dict.fromkeys([*(int(j) for j in near[:SEMANTIC_CANDIDATES]), *lexical]):
            if cos[i] < -0.5:  # an item of another kind
                continue
            group = set(self.index.group_of[i])
            rival = next((float(cos[j]) for j in near if int(j) not in group), 0.0)
            evidence = Evidence(
                float(cos[i]),  # cosine
                self.index.similarity_to(stemmed, i) / 100,  # lexical
                self.index.coverage(said, i),
                self.index.said_coverage(said, i),
                float(cos[i]) - rival,  # margin
                *term_evidence(terms, self._terms_of(i)),
            )
            out.append((i, evidence))
        return out

    def _echo(self, query: str, raw: str, vector: np.ndarray) -> list[tuple[int, float]]:
        """The item the echo model finds this window restates, as (item, score 0–100), if any."""
        assert self.model is not None
        found = self.candidates(query, raw, vector, DELEGATION_KINDS)
        if not found:
            return []
        chance = self.model.probabilities(np.array([e.vector() for _, e in found]))
        best = int(np.argmax(chance))
        return [(found[best][0], float(chance[best]) * 100)] if chance[best] >= self.model.threshold else []

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
        # Treaty names share their template ("ratify the convention on the … of all persons"), so wording alone
        # scores two treaties alike; a sentence naming only other instruments than the item's is not its echo.
        said = demand_terms(raw)
        if said.instruments:
            found = [(i, s) for i, s in found if not said.names_other_instruments_than(self._terms_of(i))]
        # A question, an observation or the speaker's own practice restates no recommendation, however close its
        # words; it may still echo an advance question.
        if said.asks_nothing and not answering:
            found = [(i, s) for i, s in found if self.items[i].kind != "recommendation"]
        self.query_ms.append((time.perf_counter() - started) * 1000)
        return found

    def _terms_of(self, item: int) -> DemandTerms:
        """What an item is about and asks, read once per item: the same few items are candidates window after window."""
        if item not in self._item_terms:
            self._item_terms[item] = demand_terms(self.items[item].text)
        return self._item_terms[item]

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
        queries = [(w, normalise(w.text)) for w in pieces]
        queries = [(w, q) for w, q in queries if len(q.split()) >= MIN_WINDOW_WORDS]
        results = [self._search(query, window.text, answering) for window, query in queries]
        # Meaning is weighed only where wording found nothing, and never for answers of the State under review,
        # which are matched on wording and the asker's name; the windows left are embedded in one batch.
        unmatched = [n for n, ranked in enumerate(results) if not ranked]
        if self.semantic is not None and not answering and unmatched:
            started = time.perf_counter()
            vectors = self.semantic.embed([queries[n][0].text for n in unmatched])
            for n, vector in zip(unmatched, vectors, strict=True):
                results[n] = self._echo(queries[n][1], queries[n][0].text, vector)
            # each window's search time is among the last len(queries) entries; it pays its share of the batch
            extra = (time.perf_counter() - started) * 1000 / len(unmatched)
            first = len(self.query_ms) - len(queries)
            for n in unmatched:
                self.query_ms[first + n] += extra
        for (window, _), ranked in zip(queries, results, strict=True):
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
