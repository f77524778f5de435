"""Whether a sentence echoes a corpus item: a logistic model over meaning and wording, fitted on dev pairs.

Neither cosine nor word overlap decides alone: a restated demand can share few words (low lexical score, high
cosine), and two demands on one theme can be close in meaning (high cosine, few of the item's distinctive
terms said). `bench/generalisation.py` fits the weights on the dev split of our labelled sets and picks the
threshold for the precision we promise; they are read from `data/echo_model.json`.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

MODEL_FILE = Path(__file__).resolve().parent / "data" / "echo_model.json"
# cosine of the best key; lexical similarity (0–1); share of the item's rare stems said; cosine lead over the
# best item outside its group
FEATURES = ("cosine", "lexical", "coverage", "margin")


@dataclass(frozen=True)
class Evidence:
    """What is known about one (sentence, corpus item) pair."""

    cosine: float
    lexical: float
    coverage: float
    margin: float

    def vector(self) -> list[float]:
        return [self.cosine, self.lexical, self.coverage, self.margin]


@dataclass(frozen=True)
class EchoModel:
    """Logistic weights and the alert threshold on the probability."""

    coef: tuple[float, ...]
    intercept: float
    threshold: float

    def probability(self, evidence: Evidence) -> float:
        """Probability that the sentence makes the item's demand."""
        z = self.intercept + sum(c * x for c, x in zip(self.coef, evidence.vector(), strict=True))
        return 1.0 / (1.0 + math.exp(-z))


@cache
def echo_model(path: Path = MODEL_FILE) -> EchoModel:
    """The fitted model shipped with the package."""
    raw = json.loads(path.read_text())
    if tuple(raw["features"]) != FEATURES:
        raise ValueError(
            f"{path}: features {raw['features']} differ from {FEATURES}; refit with bench/generalisation.py"
        )
    return EchoModel(tuple(raw["coef"]), float(raw["intercept"]), float(raw["threshold"]))
