"""Whether a sentence echoes a corpus item: boosted decision trees over meaning, wording and demand terms.

Neither cosine nor word overlap decides alone: a restated demand can share few words (low lexical score, high
cosine), and two demands on one theme can be close in meaning (high cosine) yet name a different instrument or
ask for a different kind of action (`demand_terms`). The evidence interacts — a high cosine means more when the
instrument named is the same — which a weighted sum cannot express and a few shallow trees can.
`bench/generalisation.py --fit` grows the trees on the dev split of our labelled sets, picks the threshold for
the precision we promise on out-of-fold predictions, and writes `data/echo_model.json`; only NumPy reads it here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
from uprwatch.matching.demand_terms import DemandTerms

MODEL_FILE = Path(__file__).resolve().parent / "data" / "echo_model.json"
FEATURES = (
    "cosine",  # cosine of the item's best key (text or clause) to the sentence
    "lexical",  # rapidfuzz similarity of the stemmed texts, 0–1
    "coverage",  # share of the item's rare stems said
    "said_covered",  # share of the sentence's stems the item has
    "margin",  # cosine lead over the best item outside its group
    "topics_said",  # share of the item's instruments, bodies, groups and subjects the sentence names; -1: it has none
    "topics_extra",  # share of the sentence's topics the item does not name
    "instrument_conflict",  # both name instruments, none in common
    "instrument_missed",  # the item names instruments, none of which the sentence names
    "action_agree",  # both ask for the same kind of action
    "action_conflict",  # both ask for action, of different kinds only
    "asks_nothing",  # the sentence asks nothing of the State: a question, an observation, its own practice
)


@dataclass(frozen=True)
class Evidence:
    """What is known about one (sentence, corpus item) pair, in the order of FEATURES."""

    cosine: float
    lexical: float
    coverage: float
    said_covered: float
    margin: float
    topics_said: float
    topics_extra: float
    instrument_conflict: float
    instrument_missed: float
    action_agree: float
    action_conflict: float
    asks_nothing: float

    def vector(self) -> list[float]:
        return [getattr(self, name) for name in FEATURES]


def term_evidence(said: DemandTerms, item: DemandTerms) -> tuple[float, ...]:
    """The demand-term features (FEATURES from topics_said on) of a sentence's terms against an item's."""
    return (
        len(said.topics & item.topics) / len(item.topics) if item.topics else -1.0,
        len(said.topics - item.topics) / len(said.topics) if said.topics else 0.0,
        float(said.names_other_instruments_than(item)),
        float(bool(item.instruments) and not said.instruments & item.instruments),
        float(bool(said.actions & item.actions)),
        float(bool(said.actions) and bool(item.actions) and not said.actions & item.actions),
        float(said.asks_nothing),
    )


_NODE_FIELDS = {"feature": np.int64, "threshold": np.float64, "left": np.int64, "right": np.int64, "value": np.float64}


@dataclass(frozen=True)
class EchoModel:
    """Regression trees summed into a log-odds, and the alert threshold on the probability.

    Each tree is held as flat arrays (feature, threshold, left child, right child, leaf value, is leaf), the
    layout scikit-learn's histogram boosting uses; a node goes left when the feature is at most its threshold.
    """

    trees: tuple[dict[str, np.ndarray], ...]
    baseline: float
    threshold: float
    _stacked: dict[str, np.ndarray] = field(init=False, repr=False, compare=False)
    _depth: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # All trees side by side, padded to one width, with each leaf its own child: every candidate then walks
        # every tree at once, a fixed number of steps, in a few array operations (a loop per tree cost 2 ms).
        width = max((len(t["feature"]) for t in self.trees), default=1)
        stacked = {k: np.zeros((len(self.trees), width), dtype=dt) for k, dt in _NODE_FIELDS.items()}
        for n, tree in enumerate(self.trees):
            size, own = len(tree["feature"]), np.arange(len(tree["feature"]))
            for k in _NODE_FIELDS:
                stacked[k][n, :size] = tree[k]
            stacked["threshold"][n, :size][tree["leaf"]] = np.inf
            stacked["left"][n, :size] = np.where(tree["leaf"], own, tree["left"])
            stacked["right"][n, :size] = np.where(tree["leaf"], own, tree["right"])
        object.__setattr__(self, "_stacked", stacked)
        object.__setattr__(self, "_depth", max((_depth(t) for t in self.trees), default=0))

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        """Probability, per row of evidence vectors, that the sentence makes the item's demand."""
        s = self._stacked
        tree = np.arange(len(self.trees))[None, :]
        row = np.arange(len(rows))[:, None]
        node = np.zeros((len(rows), len(self.trees)), dtype=np.int64)
        for _ in range(self._depth):
            go_left = rows[row, s["feature"][tree, node]] <= s["threshold"][tree, node]
            node = np.where(go_left, s["left"][tree, node], s["right"][tree, node])
        raw = self.baseline + s["value"][tree, node].sum(axis=1)
        return 1.0 / (1.0 + np.exp(-raw))

    def to_json(self) -> dict:
        """The model as written to data/echo_model.json."""
        return {
            "features": list(FEATURES),
            "baseline": self.baseline,
            "threshold": self.threshold,
            "trees": [{k: v.tolist() for k, v in tree.items()} for tree in self.trees],
        }


def _depth(tree: dict[str, np.ndarray], node: int = 0) -> int:
    if tree["leaf"][node]:
        return 0
    return 1 + max(_depth(tree, int(tree["left"][node])), _depth(tree, int(tree["right"][node])))


def model_from_json(raw: dict, source: Path | str = MODEL_FILE) -> EchoModel:
    """An EchoModel from its JSON form; refused if it was grown on other features."""
    if tuple(raw.get("features", ())) != FEATURES or "trees" not in raw:
        raise ValueError(f"{source}: not grown on the features {FEATURES}; refit with bench/generalisation.py --fit")
    trees = tuple(
        {**{k: np.asarray(t[k], dtype=dt) for k, dt in _NODE_FIELDS.items()}, "leaf": np.asarray(t["leaf"], dtype=bool)}
        for t in raw["trees"]
    )
    return EchoModel(trees, float(raw["baseline"]), float(raw["threshold"]))


@cache
def echo_model(path: Path = MODEL_FILE) -> EchoModel:
    """The fitted model shipped with the package."""
    return model_from_json(json.loads(path.read_text()), path)
