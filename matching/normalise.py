"""Domain normalisation for matching: the same function prepares corpus texts and spoken statements.

The rules live in data/normalisation.json so that adding an acronym or a framing formula is a data change.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "normalisation.json"


@dataclass(frozen=True)
class Rules:
    framing: tuple[re.Pattern[str], ...]
    ordinals: re.Pattern[str]
    phrases: tuple[tuple[re.Pattern[str], str], ...]
    rewrites: tuple[tuple[re.Pattern[str], str], ...]
    variants: dict[str, str]
    stopwords: frozenset[str]


@cache
def rules() -> Rules:
    """The compiled normalisation table."""
    raw = json.loads(DATA.read_text(encoding="utf-8"))
    # longest phrase first, so "second optional protocol to the iccpr" wins over "iccpr"
    phrases = sorted(raw["phrases"].items(), key=lambda kv: -len(kv[0]))
    return Rules(
        framing=tuple(re.compile(p) for p in raw["framing"]),
        ordinals=re.compile(r"^(" + "|".join(raw["ordinals"]) + r")\b,?\s*"),
        phrases=tuple((re.compile(r"\b" + re.escape(k) + r"\b"), v) for k, v in phrases),
        rewrites=tuple((re.compile(p), r) for p, r in raw["rewrites"]),
        variants=raw["variants"],
        stopwords=frozenset(raw["stopwords"]),
    )


def fold_text(text: str) -> str:
    """Lower case, no accents, punctuation as spaces, single spaces."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"[’'`]", "'", text)
    text = re.sub(r"[^a-z0-9' ]+", " ", text)
    return " ".join(text.split())


def normalise(text: str) -> str:
    """Folded text with framing, ordinals and stopwords removed and names mapped to one form."""
    r = rules()
    text = fold_text(text)
    text = " ".join(r.variants.get(w, w) for w in text.split())
    for pattern, repl in (*r.phrases, *r.rewrites):
        text = pattern.sub(repl, text)
    text = r.ordinals.sub("", text)
    for pattern in r.framing:
        text = pattern.sub(" ", text)
    words = [w for w in text.replace("'", "").split() if w not in r.stopwords]
    return " ".join(words)
