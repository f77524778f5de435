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
STEM_LENGTH = 5  # "ratify", "ratified", "ratification" share "ratif": crude, but robust to ASR endings


@dataclass(frozen=True)
class Rules:
    framing: tuple[re.Pattern[str], ...]
    ordinals: re.Pattern[str]
    phrases: re.Pattern[str]
    phrase_map: dict[str, str]
    rewrites: tuple[tuple[re.Pattern[str], str], ...]
    variants: dict[str, str]
    synonyms: dict[str, str]
    stopwords: frozenset[str]


@cache
def rules() -> Rules:
    """The compiled normalisation table."""
    raw = json.loads(DATA.read_text(encoding="utf-8"))
    # one alternation, longest phrase first, so a single pass replaces every name with its short form
    keys = sorted(raw["phrases"], key=len, reverse=True)
    return Rules(
        framing=tuple(re.compile(p) for p in raw["framing"]),
        ordinals=re.compile(r"^(" + "|".join(raw["ordinals"]) + r")\b,?\s*"),
        phrases=re.compile(r"\b(" + "|".join(re.escape(k) for k in keys) + r")\b"),
        phrase_map=raw["phrases"],
        rewrites=tuple((re.compile(p), r) for p, r in raw["rewrites"]),
        variants=raw["variants"],
        synonyms=raw["synonyms"],
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
    text = r.phrases.sub(lambda m: r.phrase_map[m.group(1)], text)
    for pattern, repl in r.rewrites:
        text = pattern.sub(repl, text)
    text = r.ordinals.sub("", text)
    for pattern in r.framing:
        text = pattern.sub(" ", text)
    words = (r.synonyms.get(w, w) for w in text.replace("'", "").split())
    return " ".join(w for w in words if w not in r.stopwords)


def stem_text(normalised: str) -> str:
    """Each word cut to its first letters, so that inflections and ASR-mangled endings still meet."""
    return " ".join(w[:STEM_LENGTH] for w in normalised.split())


def stems(normalised: str) -> set[str]:
    """Retrieval keys of a normalised text."""
    return {w for w in stem_text(normalised).split() if len(w) > 1}
