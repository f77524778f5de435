"""Precision and recall of predicted matches against labelled statements.

The labelled files list, per statement, `targets` (each a demand, with the corpus ids that count as a correct
alert for it) and `neutral` ids (related, a different demand) that count neither way. Each target is credited
at most once; an alert on an id outside every accept set and outside `neutral` is a false alert.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field


@dataclass
class Score:
    """Counts over a labelled set, and one line per miss or false alert."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def score(labelled: Sequence[Mapping], predicted: Mapping[str, Sequence[str]]) -> Score:
    """Score predicted corpus ids per statement id (best first) against the labels."""
    result = Score()
    for item in labelled:
        targets = item["targets"]
        neutral = set(item.get("neutral", []))
        credited: set[int] = set()
        for ref in predicted.get(item["id"], []):
            if ref in neutral:
                continue
            open_targets = [i for i, t in enumerate(targets) if ref in t["accept"] and i not in credited]
            if open_targets:
                credited.add(open_targets[0])
                result.tp += 1
            elif not any(ref in t["accept"] for t in targets):
                result.fp += 1
                result.misses.append(f"{item['id']}: false alert {ref}")
        for i, target in enumerate(targets):
            if i not in credited:
                result.fn += 1
                result.misses.append(f"{item['id']}: missed {target['target']}")
    return result
