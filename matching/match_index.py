"""A corpus index for fast fuzzy matching: candidate retrieval by weighted word stems, then rapidfuzz.

A full rapidfuzz scan of 41,000 recommendations costs 100+ ms per sentence; retrieving the few hundred
items sharing the rarest stems with the sentence first keeps each query in milliseconds, and the
similarity that decides an alert is still the rapidfuzz score on the full normalised texts.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict

import numpy as np
from rapidfuzz import fuzz, process
from uprwatch.matching.corpus import CorpusItem
from uprwatch.matching.normalise import normalise, stem_text, stems

CANDIDATES = 150
NEAR_IDENTICAL = 90.0  # token-sort ratio above which two texts count as the same recommendation
_CLAUSE_BREAK = re.compile(r";\s*|(?<=[a-z])\.\s+(?=[A-Z])")
MIN_CLAUSE_WORDS = 2
SHORT_TOKEN = 5  # acronyms and qualifiers ("iccpr", "op2", "2030") must agree exactly for texts to be the same


def similarity(a: str, b: str, **_: object) -> float:
    """0–100 similarity of two normalised texts.

    Mean of token-set and token-sort ratios: token-set alone rewards a short recommendation contained
    in a long sentence, token-sort alone punishes the extra diplomatic words around it.
    """
    return (fuzz.token_set_ratio(a, b) + fuzz.token_sort_ratio(a, b)) / 2


def _short_tokens(text: str) -> set[str]:
    return {t for t in text.split() if len(t) <= SHORT_TOKEN}


def _clauses(text: str) -> list[str]:
    """The parts of a recommendation that joins several demands ("Guarantee fair trials; allow …")."""
    parts = [p for p in _CLAUSE_BREAK.split(text) if len(normalise(p).split()) >= MIN_CLAUSE_WORDS]
    return parts if len(parts) > 1 else []


class MatchIndex:
    """Normalised texts, stem postings and groups of near-identical items.

    Each item is searchable by its whole text and, when it joins several demands, by each clause: a
    delegation often repeats only one part of a long recommendation.
    """

    def __init__(self, items: list[CorpusItem]):
        self.items = items
        self.norm = [normalise(item.text) for item in items]
        self.kinds = np.array([item.kind for item in items])
        keys: list[str] = []  # stemmed texts that similarity is computed on
        owner: list[int] = []  # item of each key
        self.key_texts: list[str] = []  # each key as written, for the semantic index
        self.keys_of: list[list[int]] = [[] for _ in items]
        for i, item in enumerate(items):
            for raw in (item.text, *_clauses(item.text)):
                self.keys_of[i].append(len(keys))
                keys.append(stem_text(normalise(raw)))
                self.key_texts.append(raw)
                owner.append(i)
        self.keys = keys
        self.owner = np.array(owner, dtype=np.int32)
        self._key_kinds = self.kinds[self.owner] if len(owner) else np.array([], dtype=str)
        self._kind_masks: dict[tuple[str, ...], np.ndarray] = {}  # per kinds asked for, computed once
        postings: dict[str, list[int]] = defaultdict(list)
        for k, text in enumerate(keys):
            for stem in set(text.split()):
                if len(stem) > 1:
                    postings[stem].append(k)
        n = max(len(keys), 1)
        self._postings = {s: np.array(ix, dtype=np.int32) for s, ix in postings.items()}
        self._idf = {s: math.log(1 + n / len(ix)) for s, ix in postings.items()}
        self._distinct: dict[int, tuple[frozenset[str], float]] = {}
        self.group_of = self._groups()

    def _groups(self) -> list[tuple[int, ...]]:
        """Union of: parts of one matrix paragraph, and near-identical texts to the same State in the same year."""
        parent = list(range(len(self.items)))

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        buckets: dict[tuple, list[int]] = defaultdict(list)
        for i, item in enumerate(self.items):
            buckets[(item.kind, item.state_under_review, item.year)].append(i)
        for members in buckets.values():
            first_of_id: dict[str, int] = {}
            for i in members:
                parent[find(i)] = find(first_of_id.setdefault(self.items[i].id, i))
            if len(members) < 2:
                continue
            texts = [self.norm[i] for i in members]
            scores = process.cdist(texts, texts, scorer=fuzz.token_sort_ratio, score_cutoff=NEAR_IDENTICAL, workers=-1)
            for a, b in zip(*np.nonzero(np.triu(scores, k=1)), strict=True):
                if _short_tokens(texts[a]) == _short_tokens(texts[b]):
                    parent[find(members[a])] = find(members[b])
        groups: dict[int, list[int]] = defaultdict(list)
        for i in range(len(self.items)):
            groups[find(i)].append(i)
        return [tuple(groups[find(i)]) for i in range(len(self.items))]

    def kind_mask(self, kinds: tuple[str, ...]) -> np.ndarray:
        """Keys whose item is of none of `kinds`."""
        if kinds not in self._kind_masks:
            self._kind_masks[kinds] = ~np.isin(self._key_kinds, kinds)
        return self._kind_masks[kinds]

    def similarity_to(self, stemmed: str, item: int) -> float:
        """The lexical similarity of a stemmed query (`stem_text`) to an item, at its best key (text or clause)."""
        return max(similarity(stemmed, self.keys[k]) for k in self.keys_of[item])

    def coverage(self, said: set[str], item: int) -> float:
        """Share of the item's distinctive stems (weighted by rarity) among the query's stems, at its best key."""
        best = 0.0
        for k in self.keys_of[item]:
            own, total = self._distinctive(k)
            if total:
                best = max(best, sum(self._idf[s] for s in own & said) / total)
        return best

    def said_coverage(self, said: set[str], item: int) -> float:
        """Share of the query's stems (weighted by rarity; a stem no item uses weighs most) found in the item, at its
        best key: low when the sentence is about something the item does not mention."""
        rarest = math.log(1 + max(len(self.keys), 1))
        weights = {s: self._idf.get(s, rarest) for s in said}
        total = sum(weights.values())
        if not total:
            return 0.0
        return max(sum(weights[s] for s in said & self._distinctive(k)[0]) / total for k in self.keys_of[item])

    def _distinctive(self, key: int) -> tuple[frozenset[str], float]:
        # computed once per key, on first use: the echo model asks for the same few candidates window after window
        if key not in self._distinct:
            own = frozenset(s for s in self.keys[key].split() if s in self._idf)
            self._distinct[key] = (own, sum(self._idf[s] for s in own))
        return self._distinct[key]

    def search(self, query: str, cutoff: float, kinds: tuple[str, ...], limit: int = 5) -> list[tuple[int, float]]:
        """Items of the given kinds scoring at least `cutoff` against a normalised query, best first."""
        keys = [s for s in stems(query) if s in self._postings]
        if not keys:
            return []
        weight = np.zeros(len(self.keys), dtype=np.float32)
        for key in keys:
            weight[self._postings[key]] += self._idf[key]
        weight[self.kind_mask(kinds)] = 0
        hits = np.flatnonzero(weight)
        if len(hits) > CANDIDATES:
            hits = hits[np.argpartition(-weight[hits], CANDIDATES)[:CANDIDATES]]
        ranked = process.extract(
            stem_text(query), {int(k): self.keys[k] for k in hits}, scorer=similarity, score_cutoff=cutoff, limit=None
        )
        best: dict[int, float] = {}
        for _, score, k in ranked:  # best first, so the first key seen for an item is its best
            best.setdefault(int(self.owner[k]), float(score))
        return list(best.items())[:limit]
