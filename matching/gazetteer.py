"""UN Member and observer States: their names, the forms people say, and ASR-tolerant lookup."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jellyfish
from rapidfuzz import fuzz, process
from uprwatch.matching.normalise import fold_text

DATA = Path(__file__).resolve().parent / "data" / "states.tsv"
FUZZY_CUTOFF = 88.0
# A name heard by the ASR as other words ("Porch ugal", "Cutter", "grease") sounds like the name even where the
# spelling is far off; a Metaphone key of the words run together finds it. Short keys collide with ordinary words,
# so sound is trusted only where the caller expects a name (a hand-over) and the spelling is not far off too.
MIN_SOUND_KEY = 3
SHORT_NAME = 8  # letters below which a translated name is matched exactly only
SOUND_CUTOFF = 80.0  # mean of the sound-key and spelling ratios (0–100); below, ordinary words pass for names
# A State's adjective ("Finnish", "Polish", "Maltese") as one word: taken only as spelt, since its near misses are
# ordinary words ("may I just finish").
ADJECTIVE = re.compile(r"^[a-z]+(?:ish|ian|ean|ese|an|i|ic|ch|ss|ine|ot)$")
_DESCRIBED = re.compile(r"([a-z]+) (?:delegation|delegate|government|representative|authorities)s?")


# Words of formal State names that say what kind of State, not which: "the republic of cue bah" shares "republic of"
# with "Republic of Korea", and a misheard name must not be taken for another State on those words alone.
# "Democratic" and "people's" stay: they tell the two Koreas and the two Congos apart.
FORM_WORDS = frozenset({
    "the", "of", "and", "republic", "kingdom", "state", "states", "islamic", "federal", "federated", "united",
    "plurinational", "bolivarian", "socialist", "arab", "principality", "grand", "duchy", "sultanate", "commonwealth",
    "independent",
})  # fmt: skip


def own_words(key: str) -> str:
    """A folded name without the words that only say what kind of State it is (empty for "United Kingdom")."""
    return " ".join(w for w in key.split() if w not in FORM_WORDS)


def distinctive(key: str) -> str:
    """The words of a folded name that say which State; the whole name where none are left ("United States")."""
    return own_words(key) or key


def sound_key(text: str) -> str:
    """Metaphone of the folded words run together."""
    return jellyfish.metaphone(fold(text).replace(" ", ""))


@dataclass(frozen=True)
class State:
    name: str  # UN short name as documents print it
    display: str  # the form alerts show
    aliases: tuple[str, ...]
    translations: tuple[str, ...] = ()  # French and Spanish names: found by spelling, never by sound


def fold(text: str) -> str:
    """The key every name is compared on: folded text without apostrophes, "&" as "and", no leading "the"; French
    elided articles stand apart ("à l'Espagne" is "a l espagne", "Côte d'Ivoire" is "cote d ivoire")."""
    text = re.sub(r"\b([ld])'(?=[a-z])", r"\1 ", fold_text(text.replace("&", " and "))).replace("'", "")
    return re.sub(r"^the ", "", text)


class Gazetteer:
    """Name lookup over all States: exact on folded forms, then fuzzy for misheard names."""

    def __init__(self, states: list[State]):
        self.states = states
        self._by_key: dict[str, State] = {}
        heard_forms: set[str] = set()  # English forms: the recogniser's mishearings of them are found by sound
        for state in states:
            for form in (state.name, state.display, *state.aliases):
                self._by_key.setdefault(fold(form), state)
                if not form.isupper():  # "DPRK" is said letter by letter: its spelling does not sound like "park"
                    heard_forms.add(fold(form))
        for state in states:
            for form in state.translations:
                self._by_key.setdefault(fold(form), state)
        self._keys = list(self._by_key)
        # a short French or Spanish name is taken only as spelt: near misses are ordinary words ("série", Serbie)
        self._exact_only = {k for k in self._keys if k not in heard_forms and len(k.replace(" ", "")) < SHORT_NAME}
        name_words = {w for state in states for form in (state.name, state.display) for w in fold(form).split()}
        self._adjectives = [
            fold(a) for state in states for a in state.aliases if ADJECTIVE.match(fold(a)) and fold(a) not in name_words
        ]
        self._exact_only |= set(self._adjectives)
        self._by_sound: dict[str, list[str]] = {}
        # By sound only the English forms: with the French and Spanish ones too, ordinary words sound like names
        # ("please" like "Palaos").
        for key in self._keys:
            if key in heard_forms and distinctive(key):
                self._by_sound.setdefault(sound_key(distinctive(key)), []).append(key)
        self._sound_keys = list(self._by_sound)
        self._distinct = {key: distinctive(key).replace(" ", "") for key in self._keys}
        # States whose name opens another's: "guinea be sow" spells Guinea and sounds like Guinea-Bissau
        self._opens: dict[State, set[State]] = {}
        folded = {state: fold(state.name) for state in states}
        for state in states:
            for other in states:
                if folded[other].startswith(folded[state] + " "):
                    self._opens.setdefault(state, set()).add(other)

    def exact(self, text: str) -> State | None:
        """The State whose name or alias folds to exactly `text`."""
        return self._by_key.get(fold(text))

    def lookup(self, text: str, cutoff: float = FUZZY_CUTOFF) -> State | None:
        """Exact match first, then the closest name above `cutoff` (0–100)."""
        key = fold(text)
        if not key:
            return None
        # as spelt, or heard in pieces and spelt once joined ("es paña")
        spelt = self._by_key.get(key) or self._by_key.get(key.replace(" ", ""))
        if spelt is not None:
            return spelt
        described = _DESCRIBED.fullmatch(key)  # "the finish delegation": an adjective misheard where one is expected
        if described:
            near = process.extractOne(described[1], self._adjectives, scorer=fuzz.ratio, score_cutoff=cutoff)
            return self._by_key[near[0]] if near else None
        if len(key) < 4:
            return None
        best = process.extractOne(key, self._keys, scorer=fuzz.ratio, score_cutoff=cutoff)
        if best is None or best[0] in self._exact_only:
            return None
        own = own_words(best[0])  # the words of the name that say which State, when it has any
        if own and fuzz.ratio(own_words(key), own) < cutoff:
            return None
        return self._by_key[best[0]]

    def sounds_like(self, text: str) -> State | None:
        """The State whose name sounds most like `text`: mean of Metaphone-key and spelling similarity, on the
        words that say which State (FORM_WORDS aside)."""
        heard = own_words(fold(text))  # "bolivarian" alone says which kind of State, not which
        key, heard = sound_key(heard), heard.replace(" ", "")
        if len(key) < MIN_SOUND_KEY:
            return None
        best, best_score = None, SOUND_CUTOFF
        for name_key, sound, _ in process.extract(
            key, self._sound_keys, scorer=fuzz.ratio, score_cutoff=SOUND_CUTOFF, limit=None
        ):
            for name in self._by_sound[name_key]:
                score = (sound + fuzz.ratio(heard, self._distinct[name])) / 2
                if score > best_score or (score == best_score and best is None):
                    best, best_score = self._by_key[name], score
        return best

    def states_in(self, text: str, max_words: int = 5, sound_words: int = 3) -> list[State]:
        """Every State a short phrase names, in order: by spelling, else by sound (runs of up to `sound_words`
        heard words), for phrases where a name is expected and the ASR mishears names ("Porch ugal")."""
        words = fold(text).split()
        for lookup, longest in ((self.lookup, max_words), (self.sounds_like, sound_words)):
            found: list[State] = []
            i = 0
            while i < len(words):
                for n in range(min(longest, len(words) - i), 0, -1):
                    state = lookup(" ".join(words[i : i + n]))
                    if state is not None:
                        found.append(state)
                        i += n
                        break
                else:
                    i += 1
            if found:
                return found
        return []

    def closest(self, text: str, limit: int = 3) -> list[str]:
        """Display names nearest to `text`, for "did you mean" messages."""
        found = process.extract(fold(text), self._keys, scorer=fuzz.WRatio, limit=limit * 3)
        names: list[str] = []
        for key, _, _ in found:
            display = self._by_key[key].display
            if display not in names:
                names.append(display)
        return names[:limit]

    def find_in(self, text: str, max_words: int = 9) -> State | None:
        """The State named by the longest run of words at the start of `text`, or the longer name that run opens
        when the words after it sound like the rest ("guinea be sow": Guinea-Bissau)."""
        words = fold(text).split()
        for n in range(min(max_words, len(words)), 0, -1):
            state = self.lookup(" ".join(words[:n]))
            if state:
                longer = self._opens.get(state, set())
                heard = (self.sounds_like(" ".join(words[: n + k])) for k in (2, 1) if longer and n + k <= len(words))
                return next((h for h in heard if h in longer), state)
        return None

    def find_at_end(self, text: str, max_words: int = 9) -> State | None:
        """The State named by the longest run of words at the end of `text`."""
        words = fold(text).split()
        for n in range(min(max_words, len(words)), 0, -1):
            state = self.lookup(" ".join(words[-n:]))
            if state:
                return state
        return None


@cache
def gazetteer() -> Gazetteer:
    """The bundled list of 193 Member States and 2 observer States."""
    states: list[State] = []
    with DATA.open(encoding="utf-8") as fh:
        rows = csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t")
        for row in rows:
            aliases = tuple(a.strip() for a in (row["aliases"] or "").split(";") if a.strip())
            translations = tuple(a.strip() for a in (row.get("fr_es") or "").split(";") if a.strip())
            states.append(State(row["name"], row["display"], aliases, translations))
    return Gazetteer(states)
