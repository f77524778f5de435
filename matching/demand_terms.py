"""What a demand is about and what it asks done: instruments, bodies, groups, subjects and the kind of action.

Cosine similarity puts two demands on one theme close together ("protect the rights of children" and "ratify the
optional protocol on communications"); the named instrument and the action asked for are what tell them apart.
The vocabulary lives in data/demand_terms.json, drawn from the general language of UN recommendations.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from uprwatch.matching.normalise import fold_text, normalise

DATA = Path(__file__).resolve().parent / "data" / "demand_terms.json"
TOPICS = ("instrument", "mechanism", "group", "subject")  # what a demand is about; "action" is what it asks


@dataclass(frozen=True)
class DemandTerms:
    """The concepts a text names, per category."""

    topics: frozenset[str]  # "category:concept" for the categories in TOPICS
    instruments: frozenset[str]
    actions: frozenset[str]

    def names_other_instruments_than(self, other: DemandTerms) -> bool:
        """Whether both name instruments and none in common: "ratify the CAT" against "ratify the CRPD"."""
        return bool(self.instruments) and bool(other.instruments) and not self.instruments & other.instruments


@cache
def _patterns() -> dict[str, list[tuple[str, re.Pattern[str]]]]:
    raw = json.loads(DATA.read_text(encoding="utf-8"))
    return {
        category: [(concept, re.compile(r"\b(?:" + "|".join(forms) + ")")) for concept, forms in concepts.items()]
        for category, concepts in raw.items()
        if not category.startswith("_")
    }


@lru_cache(maxsize=1024)  # a sentence is read by the wording stage, then again by the meaning stage
def demand_terms(text: str) -> DemandTerms:
    """The concepts named in `text` (a corpus item's text or a spoken sentence)."""
    # folded for the words as said, normalised for the short forms of treaty and body names
    folded = f"{fold_text(text)} | {normalise(text)}"
    found = {
        category: frozenset(concept for concept, pattern in patterns if pattern.search(folded))
        for category, patterns in _patterns().items()
    }
    return DemandTerms(
        topics=frozenset(f"{c}:{k}" for c in TOPICS for k in found[c]),
        instruments=found["instrument"],
        actions=found["action"],
    )
