"""Who holds the floor: turns chair announcements and self-references into speaker turns."""

from __future__ import annotations

import re
from dataclasses import dataclass

from uprwatch.config.errors import UserError
from uprwatch.matching.gazetteer import State, fold, gazetteer

CHAIR = "Chair"
ROLES = ("chair", "delegation", "state_under_review")

# Phrases the President uses to hand over the floor; `x` captures the words naming the next speaker.
_ANNOUNCE = [
    re.compile(p, re.I)
    for p in (
        r"\bgive the floor (?:back |now |again )*to (?P<x>[^.;!?]+)",
        r"\bfloor (?:is |now )*\S*(?:given|passed|goes) (?:back |now )*to (?P<x>[^.;!?]+)",
        r"\bnext speaker (?:on (?:the|my) list )?is (?P<x>[^.;!?]+)",
        r"\bi (?:now )?(?:invite|call (?:up)?on|recognize|recognise) (?P<x>[^.;!?]+)",
        r"(?:^|[.!?]\s+|thank you\.?,?\s+)(?P<x>[^.;!?]{2,80}?),? you have the floor",
    )
]
_FOLLOWED = re.compile(r"\bfollowed by (?P<x>[^.;!?]+)", re.I)
_LEAD_IN = re.compile(
    r"^(?:(?:the )?(?:head of (?:the )?)?(?:distinguished )?(?:delegation|representative|ambassador|"
    r"permanent representative|observer)s? (?:of )?)+",
)
_CUT_AFTER = re.compile(r",|\bto be followed\b|\bfollowed by\b|\bfor (?:its|their|his|her)\b|\byou have\b", re.I)
# A delegation naming itself as it opens: "Thank you, Mr President. Germany recommends …".
_SELF = re.compile(
    r"(?:^|[.!?]\s+)(?P<x>[^.!?]{2,70}?)\s+(?:also |further |warmly |would like to |wishes to )?"
    r"(?:recommends|welcomes|thanks|commends|appreciates|acknowledges|congratulates|encourages|urges|notes)\b",
    re.I,
)
# What a delegation says before naming itself: "Thank you, Mr President." / "Madam Vice-President,"
_SALUTATION = re.compile(
    r"^(?:thank you(?: very much)?[,.]?\s*)?"
    r"(?:(?:mr|mister|madam|madame)\.? (?:vice[- ])?(?:president|chair(?:person)?)[,.]?\s*)?",
    re.I,
)
_FLOOR_WORDS = re.compile(r"\b(?:you have the floor|the floor to|floor is|next speaker)\b", re.I)
_CHAIR_ONLY = re.compile(
    r"^(?:good (?:morning|afternoon)|the working group (?:will|is)|this concludes|i (?:now )?declare|"
    r"we (?:will )?(?:now )?(?:begin|start|continue|resume)|distinguished delegates)",
    re.I,
)


@dataclass(frozen=True)
class Turn:
    """A speaker taking the floor at a stream time."""

    speaker: str
    role: str
    start: float


@dataclass(frozen=True)
class Attribution:
    """Who said one utterance, and the turn it opened if it changed the speaker."""

    speaker: str
    role: str
    new_turn: Turn | None


class FloorTracker:
    """Feed utterances in order; each comes back attributed to the chair, a delegation or the State under review."""

    def __init__(self, state_under_review: str, speakers: list[str] | None = None):
        g = gazetteer()
        sur = g.exact(state_under_review)  # configured names are typed, not heard: no fuzzy guessing
        if sur is None:
            suggestions = ", ".join(g.closest(state_under_review))
            raise UserError(f"unknown State under review {state_under_review!r}; did you mean {suggestions}?")
        self.sur = sur
        self.speakers: list[State] = []
        for name in speakers or []:
            state = g.exact(name)
            if state is None:
                raise UserError(f"[floor] speakers: unknown State {name!r}; did you mean {', '.join(g.closest(name))}?")
            self.speakers.append(state)
        self.current: Turn | None = None
        self._pending: State | None = None
        self._list_pos = -1

    def _role(self, state: State) -> str:
        return "state_under_review" if state == self.sur else "delegation"

    def _named(self, phrase: str) -> State | None:
        words = fold(_CUT_AFTER.split(phrase, 1)[0])
        words = _LEAD_IN.sub("", words).strip()
        if not words or words.startswith(("head of", "delegation")):
            return self.sur  # "the head of the delegation" / "the delegation" is the State under review
        return gazetteer().find_in(words) or gazetteer().find_at_end(words)

    def _announced(self, text: str) -> tuple[bool, State | None]:
        for pattern in _ANNOUNCE:
            m = pattern.search(text)
            if m:
                return True, self._named(m.group("x"))
        return False, None

    def _self_named(self, text: str) -> State | None:
        for m in list(_SELF.finditer(text))[:2]:
            words = _LEAD_IN.sub("", fold(m.group("x"))).strip()
            state = gazetteer().lookup(words) or gazetteer().find_at_end(words, max_words=4)
            if state:
                return state
        return None

    def _opening_state(self, text: str) -> State | None:
        """A State named in the first words after the salutation: "Brazil thanks China for …"."""
        rest = _SALUTATION.sub("", text.strip())
        first = " ".join(rest.split()[:4])
        return gazetteer().find_in(first, max_words=4) if first else None

    def _next_from_list(self) -> State | None:
        if self._list_pos + 1 < len(self.speakers):
            return self.speakers[self._list_pos + 1]
        return None

    def _open(self, speaker: str, role: str, start: float) -> Turn | None:
        if self.current and self.current.speaker == speaker:
            return None
        self.current = Turn(speaker, role, start)
        return self.current

    def attribute(self, text: str, start: float) -> Attribution:
        """Attribute one utterance and say whether it opened a new turn."""
        announced, state = self._announced(text)
        if announced:
            if state is None:
                state = self._next_from_list()  # misheard name: the published order tells who comes next
            self._pending = state
            if state in self.speakers:
                self._list_pos = self.speakers.index(state)
            return Attribution(CHAIR, "chair", self._open(CHAIR, "chair", start))
        if self.current is None or _CHAIR_ONLY.search(text.strip()) or _FLOOR_WORDS.search(text):
            return Attribution(CHAIR, "chair", self._open(CHAIR, "chair", start))
        named = self._self_named(text)
        if named is None and self.current.role == "chair" and self._pending is None:
            named = self._opening_state(text)
        # The State under review says its own name all the time; only trust that right after the chair.
        if named and (named != self.sur or self.current.role == "chair"):
            self._pending = None
            role = self._role(named)
            return Attribution(named.display, role, self._open(named.display, role, start))
        if self._pending is not None and self.current.role == "chair":
            state, self._pending = self._pending, None
            return Attribution(state.display, self._role(state), self._open(state.display, self._role(state), start))
        return Attribution(self.current.speaker, self.current.role, None)
