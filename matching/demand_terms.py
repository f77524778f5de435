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
    stance: frozenset[str] = frozenset()  # request, question, observation, own_practice, to_others

    @property
    def asks_nothing(self) -> bool:
        """A question, an observation or the speaker's own practice with no request in it, or a request made of
        someone else: whatever its topic, such a sentence restates no demand."""
        told = self.stance & {"question", "observation", "own_practice"}
        return "to_others" in self.stance or (bool(told) and "request" not in self.stance)

    def names_other_instruments_than(self, other: DemandTerms) -> bool:
        """Whether both name instruments and none in common: "ratify the CAT" against "ratify the CRPD"."""
        return bool(self.instruments) and bool(other.instruments) and not self.instruments & other.instruments


_LITERAL_START = re.compile(r"[a-z0-9' ]{3,}")


def _literal_start(form: str) -> str | None:
    """The plain characters every match of `form` begins with (three at least), if it has them."""
    depth = 0
    for char in form:  # "a|b" at the top level has two beginnings
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "|" and depth == 0:
            return None
    found = _LITERAL_START.match(form)
    if found is None:
        return None
    start = found.group(0)
    if form[found.end() : found.end() + 1] in ("?", "*", "{"):  # "labou?r": the "u" may be absent
        start = start[:-1]
    return start if len(start) >= 3 else None


def _literal_starts(forms: list[str]) -> tuple[str, ...] | None:
    """What each form begins with, or None when one begins with a pattern: a concept none of whose beginnings is in
    a text cannot match it, and a substring test costs a hundredth of a regex search."""
    starts = [_literal_start(form) for form in forms]
    return None if None in starts else tuple(s for s in starts if s)


@cache
def _patterns() -> dict[str, list[tuple[str, re.Pattern[str], tuple[str, ...] | None]]]:
    raw = json.loads(DATA.read_text(encoding="utf-8"))
    # stance forms are whole words (the others start a word and match any ending: "ratif" in "ratification")
    return {
        category: [
            (
                concept,
                re.compile(r"\b(?:" + "|".join(forms) + ")" + (r"\b" if category == "stance" else "")),
                _literal_starts(forms),
            )
            for concept, forms in concepts.items()
        ]
        for category, concepts in raw.items()
        if not category.startswith("_")
    }


def _names(text: str, pattern: re.Pattern[str], starts: tuple[str, ...] | None) -> bool:
    return (starts is None or any(start in text for start in starts)) and pattern.search(text) is not None


# Treaties whose optional protocols or amendments are demands of their own: ratifying the Optional Protocol to the
# CRPD, or the Kampala amendments to the Rome Statute, is not ratifying the treaty. Read on the normalised text,
# where "Optional Protocol to the Convention on the Rights of Persons with Disabilities" is "crpd op".
_TREATIES = ("iccpr", "icescr", "cat", "cedaw", "crc", "crpd", "cped", "cerd", "icrmw", "rome statute")
_TREATY = "(" + "|".join(_TREATIES) + ")"
_PROTOCOL_ONLY = (  # a protocol or amendments asked for alone
    (re.compile(rf"\b{_TREATY} op2\b"), "op2"),
    (re.compile(rf"\b{_TREATY} op\b|\bop {_TREATY}\b|\boptional protocols? {_TREATY}\b"), "op"),
    (re.compile(rf"\bamendments? (?:to )?(?:the )?{_TREATY}\b"), "amendment"),
)
# "<treaty> optional protocol" once normalised: the treaty and its protocol when the words said were "and its
# optional protocol", the protocol alone when they were "the ICESCR Optional Protocol"
_TREATY_OPTIONAL_PROTOCOL = re.compile(rf"\b{_TREATY} optional protocols?\b")
_AND_ITS_PROTOCOL = re.compile(r"\band (?:its|the|their) optional protocols?\b")
_OWN_NAME = {"cat op": "opcat", "crc op": "crc_op", "iccpr op2": "iccpr_op2"}  # the vocabulary's names for them


def _concept(treaty: str, suffix: str = "") -> str:
    name = f"{treaty} {suffix}".strip()
    return _OWN_NAME.get(name, name.replace(" ", "_"))


def _protocol_instruments(normalised: str, said: str, named: frozenset[str]) -> frozenset[str]:
    """The instruments named, with a treaty's protocol or amendments in place of the treaty where only they are."""
    added: set[str] = set()
    owners = {base.split()[0] for base, own in _OWN_NAME.items() if own in named}
    rest = normalised
    patterns = [*_PROTOCOL_ONLY, *(() if _AND_ITS_PROTOCOL.search(said) else ((_TREATY_OPTIONAL_PROTOCOL, "op"),))]
    for pattern, suffix in patterns:
        for match in pattern.finditer(normalised):
            treaty = next(g for g in match.groups() if g)
            added.add(_concept(treaty, suffix))
            owners.add(treaty)
        rest = pattern.sub(" ", rest)
    if _AND_ITS_PROTOCOL.search(said):
        added.update(_concept(m.group(1), "op") for m in _TREATY_OPTIONAL_PROTOCOL.finditer(normalised))
    dropped = {_concept(t) for t in owners if not re.search(rf"\b{t}\b", rest)}  # named only as an owner
    return (named - dropped) | added


# A State's own record told as a fact, not asked of anyone: "Mongolia abolished capital punishment in 2017", "In
# Canada, gender identity has been a protected ground since 2017". Any State's, the one under review included.
_DONE = (
    r"(?:has |have |had )?(?:(?:already|recently|also|successfully|finally) )*(?:abolished|adopted|ratified|acceded|"
    r"established|introduced|"
    r"enacted|passed|created|launched|set up|legali[sz]ed|decriminali[sz]ed|amended|signed|joined|lifted|reduced|"
    r"achieved|built|extended|expanded|ended|withdrawn|withdrew)\b"
)


@cache
def _told_as_done() -> re.Pattern[str]:
    from uprwatch.matching.gazetteer import gazetteer  # the States' names, read once

    # folded as the text is ("côte d'ivoire", "lao people's democratic republic")
    forms = (f for s in gazetteer().states for f in (s.name, s.display, *s.aliases) if not f.isupper())
    names = sorted({re.sub(r"^the ", "", fold_text(f)) for f in forms})
    state = "(?:the )?(?:" + "|".join(re.escape(n) for n in names if n) + ")"
    return re.compile(
        rf"^(?:in (?:19|20)\d\d,? )?(?:{state}|my country|our country) {_DONE}"
        rf"|^in {state},? [^.;]{{0,80}}\b(?:has|have|had) (?:been|[a-z]+ed)\b"
    )


@lru_cache(maxsize=1024)  # a sentence is read by the wording stage, then again by the meaning stage
def demand_terms(text: str) -> DemandTerms:
    """The concepts named in `text` (a corpus item's text or a spoken sentence)."""
    # folded for the words as said, normalised for the short forms of treaty and body names
    normalised = normalise(text)
    said = fold_text(text)
    folded = f"{said} | {normalised}"
    # the stance is read in the words as said: normalising drops the "which" and "that" its patterns look behind at
    found = {
        category: frozenset(
            concept
            for concept, pattern, starts in patterns
            if _names(said if category == "stance" else folded, pattern, starts)
        )
        for category, patterns in _patterns().items()
    }
    # a question mark is the plainest sign of a question, and folding drops it
    asked = {"question"} if text.rstrip().endswith("?") else set()
    if _told_as_done().search(said):
        asked.add("own_practice")
    return DemandTerms(
        topics=frozenset(f"{c}:{k}" for c in TOPICS for k in found[c]),
        instruments=_protocol_instruments(normalised, said, found["instrument"]),
        actions=found["action"],
        stance=found["stance"] | asked,
    )
