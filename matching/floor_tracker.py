"""Who holds the floor: chair announcements, self-references and the speakers list, turned into turns.

Utterances are read sentence by sentence, because one speech chunk can hold the end of the chair's
announcement and the start of the next statement when the pause between them is short.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

from rapidfuzz import fuzz
from uprwatch.config.errors import UserError
from uprwatch.matching import floor_cues as cues
from uprwatch.matching.gazetteer import State, fold, gazetteer

CHAIR = "Chair"
UNIDENTIFIED = "Unidentified delegation"
LIST_PRIOR_SCORE = 55.0  # a heard name this close to the listed next speaker is taken to be that speaker
CURRENT_NAME_SCORE = 75.0  # "I thank Chili" after Chile spoke
HANDOVER_MAX_WORDS = 14
CHAIR_MAX_WORDS = 20
CHAIR_EVIDENCE = 3  # procedure 2, hand-over word 1, a statement just closed 2, opening an utterance 1
SOUND_MAX_WORDS = 3  # a misheard name is one to three heard words ("Bruno dar us salam" is caught by spelling)
SOUND_MIN_LETTERS = 5  # a single heard word taken for a name by sound alone is at least this long


@dataclass(frozen=True)
class Turn:
    """A speaker taking the floor at a stream time."""

    speaker: str
    role: str
    start: float
    confirmed: bool = True  # False when the State is a guess (speakers list, a name heard only by sound)
    corrects: str | None = None  # the guessed speaker this turn replaces, once the statement named itself


@dataclass(frozen=True)
class Attribution:
    """A stretch of one utterance said by one speaker, and the turn it opened if the speaker changed."""

    text: str
    start: float
    end: float
    speaker: str
    role: str
    new_turn: Turn | None
    confirmed: bool = True


@lru_cache(maxsize=64)
def _spelt(folded: str) -> tuple[State, ...]:
    """The States a folded sentence names by spelling; asked by several of the hand-over rules, read once."""
    return tuple(gazetteer().states_in(folded, sound_words=0))


class FloorTracker:
    """Feed utterances in order; each comes back split into the parts said by the chair, a delegation or the
    State under review."""

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
        self._pending: State | str | None = None  # who the chair has called; UNIDENTIFIED when unheard
        self._pending_sure = False  # whether that name was heard clearly
        self._closed = False  # the last statement ended on "I thank you."
        self._followed: State | None = None  # "… to be followed by X"
        self._list_pos = -1
        self._interrupted: Turn | None = None  # the last statement the chair took the floor from
        self._cut_short = False  # that statement had not ended ("I thank you") when the chair spoke
        self._trouble = False  # the chair cut into it over the room (`cues.ROOM_TROUBLE`), not to end it
        self._heard = ""  # the sentence being attributed
        self._away: set[State] = set()  # listed delegations found absent before their turn
        self._spoken = False  # whether anyone but the chair has had the floor yet
        self._opening_heard = False  # the chair opened the meeting ("Good morning… the Working Group is in session")
        self._passed_within = False  # the State under review's last words passed the floor to one of its own
        self._asked_again = False  # the chair's last words asked the speaker it interrupted to repeat

    # -- naming -------------------------------------------------------------------------------------

    def _role(self, state: State) -> str:
        return "state_under_review" if state == self.sur else "delegation"

    def _expected_next(self) -> State | None:
        if self._followed is not None:
            return self._followed
        return next((s for s in self.speakers[self._list_pos + 1 :] if s not in self._away), None)

    def _with_list(self, by_sound: State | None, words: str) -> tuple[State | None, bool]:
        """A name not heard clearly, weighed against the speakers list; never confirmed."""
        expected = self._expected_next()
        if expected is None or by_sound == expected or (by_sound is not None and by_sound == self._pending):
            return by_sound, False  # as expected, or the State just called, called again
        # The published order beats a near-miss ("Braille" after Benin, with Brazil listed next); a sound-alike
        # further down the list moves the pointer there.
        forms = (expected.name, expected.display, *expected.aliases)
        later = self.speakers[self._list_pos + 1 :]
        if (
            by_sound is None
            or by_sound not in later
            or max(fuzz.ratio(words, fold(f)) for f in forms) >= LIST_PRIOR_SCORE
        ):
            return expected, False
        return by_sound, False

    def _named(self, phrase: str) -> tuple[State | None, bool]:
        """The State a hand-over phrase names, and whether it was heard clearly (spelt, not guessed)."""
        folded, head = fold(phrase), fold(cues.CUT_AFTER.split(phrase, 1)[0])
        words = cues.LEAD_IN.sub("", head).strip()
        if not words or words.startswith(("head of", "head on", "delegation")) or cues.UNDER_REVIEW.search(folded):
            return self.sur, True  # "the head of the delegation" / "the delegation" is the State under review
        words = " ".join(cues.NOT_A_NAME.sub(" ", words).split())
        heard = (gazetteer().find_in(words) or gazetteer().find_at_end(words)) if words else None
        if heard is not None:
            return heard, True  # a name heard clearly is taken, on the list or not
        named_later = gazetteer().states_in(folded, sound_words=0)  # "the Minister, head of the delegation of X"
        if len(set(named_later)) == 1:  # once, or said twice ("Ghana has asked to speak, Ghana you have …")
            return named_later[0], True
        if not words or cues.PERSON.match(head.strip()):
            return None, False  # "Excellency, you have the floor": a hand-over that names nobody
        named = gazetteer().states_in(words, sound_words=SOUND_MAX_WORDS)
        return self._with_list(named[-1] if named else None, words)

    def _announcement(self, sentence: str, opens_utterance: bool, paced: bool) -> tuple[bool, State | None, bool]:
        """Whether a sentence hands the floor over, to whom, and whether that name was heard clearly. `paced`: the
        sentence asks the speaker to conclude or slow down (`cues.PACE`)."""
        sentence = cues.LANGUAGE_OF_ROOM.sub(" ", sentence)  # "the Spanish channel is silent" calls no one
        folded = fold(sentence)
        if cues.DEFERRED.match(folded):
            return True, None, False  # "Before I give the floor back to Peru, …": someone not named speaks first
        if not cues.DELEGATION_CUES.search(sentence) and (
            self.current is None or self.current.role != "state_under_review"
        ):
            # the State under review called by its role, or by its name alone to answer, in the chair's words
            if cues.UNDER_REVIEW.search(folded) and cues.TO_RESPOND.search(folded):
                return True, self.sur, True
            if (
                cues.ASKED_TO_REPLY.search(folded)
                and not cues.DELEGATION_VOICE.search(sentence)
                and _spelt(folded) == (self.sur,)
            ):
                return True, self.sur, True
        if paced and not _spelt(folded):
            return False, None, False
        # "thank you china the chair now turns to …" calls not China
        original, sentence = sentence.strip(), cues.COURTESY.sub("", self._past_thanks_to_speaker(sentence.strip()))
        for pattern in cues.ANNOUNCE:
            m = pattern.search(sentence)
            if not m:
                continue
            spelt = _spelt(folded)
            # whom the sentence speaks to, past its thanks ("Thank you, Minister. …" does not call the minister)
            if not spelt and cues.MINISTER.search(fold(cues.THANKED.sub("", original))):
                return True, self.sur, True  # "Minister, over to you." (not "Thank you, Minister. <next>, please.")
            state, sure = self._named(m.group("x"))
            if state is None and spelt:
                break  # the wording matched, the name is elsewhere: "Next in line, Nigeria."
            if state is None:  # "Napal, over to you.": the name heard only by sound, outside the phrase
                rest = fold(sentence[: m.start("x")])
                by_sound = gazetteer().states_in(rest, sound_words=SOUND_MAX_WORDS) if rest.strip() else []
                if len(by_sound) == 1:
                    return (True, *self._with_list(by_sound[0], rest))
            return True, state, sure
        words = fold(cues.SALUTATION.sub("", sentence))
        followed = cues.FOLLOWED.search(words)
        head = words[: followed.start()] if followed else words  # "Moldova, then Romania": Moldova speaks now
        head = " ".join(cues.NOT_A_NAME.sub(" ", head).split())  # titles and hand-over words are never a name
        # any short sentence of the chair's kind naming someone other than the speaker hands the floor over
        if (
            self.current is not None
            and (opens_utterance or self.current.role == "chair")
            and 0 < len(words.split()) <= HANDOVER_MAX_WORDS
            and not cues.DELEGATION_CUES.search(sentence)
            and not cues.ADDRESSES_CHAIR.match(sentence)
            and (not cues.DELEGATION_VOICE.search(sentence) or cues.HANDOVER_WORDS.search(sentence))
        ):
            # one State besides the speaker: a list of several ("the troika: Gambia, Lithuania and Paraguay") is no
            # hand-over. Spelt first; by sound only where nothing is spelt, and only in a sentence that is a hand-over
            # by its words or little more than the name: ordinary words can sound like a State ("and more").
            by_sound = cues.HANDOVER_WORDS.search(sentence) is not None or len(words.split()) <= SOUND_MAX_WORDS
            for sound_words in (0, SOUND_MAX_WORDS) if by_sound else (0,):
                named = gazetteer().states_in(head, sound_words=sound_words)
                others = {s for s in named if s.display != self.current.speaker}
                if len(others) == 1:
                    state = others.pop()
                    return (True, state, True) if sound_words == 0 else (True, *self._with_list(state, head))
                if named:
                    break
        # a terse chair: "Thank you. Ghana." — a sentence that is nothing but a State's name (a delegation's
        # "Thank you, Mr President. Sweden…" addresses the chair first)
        if self.current is not None and 0 < len(words.split()) <= 5 and not cues.ADDRESSES_CHAIR.match(sentence):
            state = gazetteer().exact(words)
            if state is not None and state.display != self.current.speaker:
                return True, state, True
        return False, None, False

    def _chair_like(self, sentence: str, opens_utterance: bool, after_chair: bool = False) -> bool:
        """Whether a sentence is the chair's, by the evidence combined: heard while a delegation holds the floor,
        or (`after_chair`) right after a hand-over, before the called delegation has spoken."""
        words = fold(cues.SALUTATION.sub("", cues.COURTESY.sub("", sentence.strip())))
        n = len(words.split())
        if (
            n == 0
            or n > CHAIR_MAX_WORDS
            or cues.DELEGATION_CUES.search(sentence)
            or cues.ADDRESSES_CHAIR.match(sentence)
        ):
            return False
        if cues.DELEGATION_VOICE.search(sentence) and not cues.HANDOVER_WORDS.search(sentence):
            return False
        evidence = (
            2 * bool(cues.PROCEDURE.search(words))
            + bool(cues.HANDOVER_WORDS.search(words))
            + 2 * self._closed
            + (opens_utterance and not after_chair)  # the chair goes on speaking within its own utterance
            + (n <= 4)
        )
        return evidence >= CHAIR_EVIDENCE

    def _is_current(self, phrase: str) -> bool:
        """Whether a phrase names the current speaker; only one name is plausible, so the bar is lower."""
        current = self.current.speaker if self.current else ""
        state = gazetteer().exact(current)
        forms = (state.name, state.display, *state.aliases) if state else (current,)
        words = fold(phrase)
        return any(fuzz.ratio(words, fold(f)) >= CURRENT_NAME_SCORE for f in forms)

    def _self_named(self, sentence: str, strict: bool) -> State | None:
        """The State a sentence opens by naming as its speaker; `strict` wants the whole subject to be a name."""
        rest = cues.SALUTATION.sub("", sentence.strip())
        m = cues.SELF.match(rest)
        if m:
            words = cues.LEAD_IN.sub("", fold(m.group("x"))).strip()
            state = gazetteer().lookup(words)
            if state is None and not strict:
                state = gazetteer().find_at_end(words, max_words=4)
            if state is not None:
                return state
        if strict:
            return None
        first = " ".join(rest.split()[:4])  # "Brazil banks China for …": a name first, whatever the verb
        return gazetteer().find_in(first, max_words=4) if first else None

    # -- state machine ------------------------------------------------------------------------------

    def _open(self, speaker: str, role: str, start: float, confirmed: bool = True, corrects: str | None = None):
        if self.current and self.current.speaker == speaker:
            return None
        self._spoken = self._spoken or role != "chair"
        self._trouble = self._trouble and role == "chair"
        interrupted = self._interrupted
        if role != "chair" and interrupted is not None and speaker not in (UNIDENTIFIED, interrupted.speaker):
            self._interrupted = None  # another State has had the floor since: nothing to take up again
        self.current = Turn(speaker, role, start, confirmed, corrects)
        self._away = {s for s in self._away if s.display != speaker}
        for i, state in enumerate(self.speakers):
            if state.display == speaker and i > self._list_pos:
                self._list_pos = i
                break
        return self.current

    def _open_state(self, state: State, start: float, confirmed: bool = True) -> tuple[str, str, Turn | None]:
        self._pending = None
        if self._followed == state:
            self._followed = None
        role = self._role(state)
        corrects = None
        if self.current is not None and not self.current.confirmed and self.current.role != "chair":
            corrects = self.current.speaker  # the guess is replaced by the name the statement gave itself
        return state.display, role, self._open(state.display, role, start, confirmed, corrects)

    def _open_pending(self, start: float) -> tuple[str, str, Turn | None]:
        """The delegation the chair called takes the floor: as heard, as listed, or unidentified."""
        pending, sure = self._pending, self._pending_sure
        self._pending = None
        if isinstance(pending, State):
            return self._open_state(pending, start, confirmed=sure)
        return UNIDENTIFIED, "delegation", self._open(UNIDENTIFIED, "delegation", start)

    def _hand_over(self, state: State | None, sure: bool, chair_words: bool = True) -> None:
        """The chair gives the floor on; a hand-over whose name is missed still advances the speakers list, and
        one that names nobody right after the chair named someone ("Next is Chile. Go ahead, please.") confirms it.
        A review opens with the State under review's presentation: after the chair's opening words, the first
        hand-over is to it (not so when listening starts, or resumes, in the middle of a session)."""
        if (
            state is None
            and isinstance(self._pending, State)
            and self.current is not None
            and self.current.role == "chair"
        ):
            return
        if (state is None or not sure) and not self._spoken and self._opening_heard:
            state, sure = self.sur, True  # a list's guess, too: the list starts after the presentation
        cut = self.current if self.current is not None and self.current.role != "chair" else self._interrupted
        trouble = self._trouble or (chair_words and cut is self.current and bool(cues.ROOM_TROUBLE.search(self._heard)))
        if trouble and cut is not None and self._hands_back(state, sure, cut, chair_words):
            # a nameless "please go ahead" after the chair cut in over the room gives the floor back, unconfirmed
            resumed = gazetteer().exact(cut.speaker)
            if resumed is not None:
                self._pending, self._pending_sure = resumed, False
                return
        self._pending = state or self._expected_next() or UNIDENTIFIED
        self._pending_sure = sure and state is not None

    def _hands_back(self, state: State | None, sure: bool, cut: Turn, chair_words: bool) -> bool:
        """Whether the chair's hand-over gives the floor back to the speaker it cut: it names no one else (a list's
        guess is no name; "pack is done, please continue" names the cut Pakistan), calls no "next" speaker, and the
        chair did not cut for time."""
        heard = self._heard
        if (state is not None and sure) or cues.TIME_UP.search(heard) or cues.NEXT_ONE.search(heard):
            return False
        named = gazetteer().states_in(fold(heard), sound_words=SOUND_MAX_WORDS)
        # a restarted statement (not the chair's words) names the State under review as it always does
        return all(s.display == cut.speaker or (s == self.sur and not chair_words) for s in named)

    def _confirm(self) -> None:
        if self.current is not None and not self.current.confirmed:
            self.current = replace(self.current, confirmed=True)

    def _chair(self, start: float) -> tuple[str, str, Turn | None]:
        if self.current is not None and self.current.role != "chair":
            if self.current.speaker != UNIDENTIFIED:
                self._interrupted = self.current
            # an unidentified statement cut into is not the recorded one: only "As I was saying" takes that up again
            self._cut_short = (
                self.current.speaker != UNIDENTIFIED
                and not self._closed
                and not self._thanks_the_speaker(self._heard)  # "Thank you for those responses."
            )
        self._asked_again = bool(cues.ASKS_AGAIN.search(self._heard))
        return CHAIR, "chair", self._open(CHAIR, "chair", start)

    def _sentence(self, sentence: str, start: float, opens_utterance: bool) -> tuple[str, str, Turn | None]:
        self._heard = sentence
        if not self._spoken and (cues.CHAIR_ONLY.search(sentence.strip()) or cues.REVIEW_OPENS.search(fold(sentence))):
            self._opening_heard = True
        resumed = self._resumed(sentence, opens_utterance)
        if resumed is not None:
            self._pending = None
            return resumed.speaker, resumed.role, self._open(resumed.speaker, resumed.role, start, resumed.confirmed)
        absent = self._absent(sentence, opens_utterance)
        if absent is not None:
            # "Sierra Leone is not in the room, we move on: South Africa, go." — the words after it may call the next
            end, absentee = absent
            rest = sentence[end:]
            announced, state, sure = self._announcement(rest, False, False) if rest.strip() else (False, None, False)
            if announced and state != absentee:  # "… of Liberia, we will come back to it" calls no one
                self._hand_over(state, sure)
            return self._chair(start)
        passed_within = self._passed_within
        if opens_utterance:  # the hand-over within the delegation holds to the end of its utterance ("… adelante")
            self._passed_within = False
        if self.current is not None and self.current.role == "state_under_review":
            folded = fold(sentence)
            # (not the chair's "Thank you, Excellency, the floor goes to Ambassador …" after the presentation)
            thanks_head = opens_utterance and not passed_within and cues.THANKED.match(sentence.strip())
            if cues.WITHIN_DELEGATION.search(folded) and set(_spelt(folded)) <= {self.sur} and not thanks_head:
                self._passed_within = True
                return self.current.speaker, self.current.role, None
            if (
                passed_within
                and opens_utterance
                and cues.THANKED.match(sentence.strip())
                and not cues.NAMELESS_HANDOVER.search(sentence)  # "Thank you, Minister, I give the floor to Romania."
            ):
                return self.current.speaker, self.current.role, None  # "Thank you, Excellency." from that colleague
        if (
            opens_utterance
            and self.current is not None
            and self.current.role != "chair"
            and cues.POINT_OF_ORDER.match(sentence.strip())
            and not cues.NAMELESS_HANDOVER.search(sentence)  # "On a point of order, I give the floor to China."
        ):
            named, sure = self._identifies_itself(sentence)
            if named is not None and named.display != self.current.speaker:
                return self._open_state(named, start, confirmed=sure)
            return UNIDENTIFIED, "delegation", self._open(UNIDENTIFIED, "delegation", start)
        if (
            self.current is not None
            and (opens_utterance or self.current.role == "chair")
            and cues.ASKS_AGAIN.search(sentence)
            and not cues.ADDRESSES_CHAIR.match(sentence.strip())
            and not cues.DELEGATION_VOICE.search(sentence)  # "We kindly repeat our recommendation"
        ):
            return self._chair(start)  # "Could you repeat your last recommendation?" calls no one new
        paced = cues.PACE.search(sentence) is not None
        announced, state, sure = self._announcement(sentence, opens_utterance, paced)
        if announced:
            followed = cues.FOLLOWED.search(sentence)
            then = gazetteer().states_in(fold(followed.group("x")), sound_words=SOUND_MAX_WORDS) if followed else []
            if then or state is None or state != self._pending:  # "X, followed by Y. X, you have the floor." keeps Y
                self._followed = then[0] if then else None
            self._hand_over(state, sure)
            if cues.DEFERRED.match(fold(sentence)):
                self._pending, self._pending_sure = UNIDENTIFIED, False  # nor is it the list's next
            return self._chair(start)
        if (
            self.current is None
            or cues.CHAIR_ONLY.search(sentence.strip())
            or (opens_utterance and self.current.role != "chair" and self._thanks_the_speaker(sentence))
            or paced
            # "I must stop you there, your time has expired." (not "time has run out for half measures: we recommend")
            or (opens_utterance and cues.TIME_UP.search(sentence) and not cues.DELEGATION_CUES.search(sentence))
            or cues.FLOOR_WORDS.search(sentence)
            or (self.current.role != "chair" and self._chair_like(sentence, opens_utterance))
        ):
            if self.current is not None and self.current.role != "chair" and cues.NAMELESS_HANDOVER.search(sentence):
                self._hand_over(None, False)  # "Next speaker, please."
            return self._chair(start)
        thanked = cues.THANK_NAMED.match(sentence.strip())
        if thanked and self.current.role != "chair" and self._is_current(thanked.group("x")):
            turn = self._chair(start)  # a delegation may thank the State under review, never itself
            self._cut_short = False  # "Thank you, Mexico.": the chair closes the statement
            return turn
        if self.current.role == "chair":
            return self._after_chair(sentence, start, opens_utterance)
        if opens_utterance and cues.GREETS_CHAIR.match(sentence.strip()):
            return self._new_statement(sentence, start)
        named, sure = self._self_named(sentence, strict=True), True
        unsure = not self.current.confirmed or self.current.speaker == UNIDENTIFIED
        if named is None and unsure:
            named, sure = self._identifies_itself(sentence)  # "… In this spirit, Chile recommends that …"
        if named is None and unsure and self.current.role == "delegation" and self._answers(sentence):
            return self._open_state(self.sur, start, confirmed=False)  # a guess corrected: it answers the dialogue
        if named is not None and named.display != self.current.speaker:
            if named != self.sur and (opens_utterance or unsure):
                # a missed announcement (a new statement naming its speaker after a pause), or a guess corrected
                return self._open_state(named, start, confirmed=sure)
        elif named is not None:
            self._confirm()
        return self.current.speaker, self.current.role, None

    def _absent(self, sentence: str, opens_utterance: bool) -> tuple[int, State] | None:
        """Where a sentence of the chair saying the called (or a listed) delegation is absent ends that remark, and
        which delegation, once it is marked absent; None for any other sentence."""
        found = cues.ABSENT.search(sentence)
        if found is None or self.current is None:
            return None
        called = self._pending if isinstance(self._pending, State) else None
        if self.current.role != "chair":
            # a delegation may speak of people who are absent; only the chair's words count, and the chair may
            # call and find the one called absent in one breath ("the next speaker is Cuba, I do not see …")
            before = sentence[: found.start()]
            calls, state, _ = self._announcement(before, True, False)
            if not (opens_utterance and calls and state is not None and cues.HANDOVER_WORDS.search(before)):
                return None
            called = state
        named = gazetteer().states_in(fold(sentence), sound_words=0)
        ahead = self.speakers[self._list_pos + 1 :]
        who = called if called in named or not named else next((s for s in named if s in ahead), None)
        if who is None:
            return None
        if self._pending == who:
            self._pending = None
        if who == self._expected_next() and who in ahead:
            self._list_pos = self.speakers.index(who, self._list_pos + 1)
        elif who in ahead:
            self._away.add(who)  # further down the list: skipped when its turn comes, until it speaks
        if self._followed == who:
            self._followed = None
        return found.end(), who

    @staticmethod
    def _thanks_the_speaker(sentence: str) -> bool:
        """The chair's thanks for what was just said, or to its speaker by title and nothing more ("Thank you,
        Minister."; a member of the delegation may go on "Thank you, Minister. On the question of…"): the statement
        has ended."""
        said = sentence.strip()
        past_courtesy = cues.LEAD_THANKS.sub("", said)  # "Thank you. Thank you for these clarifications."
        return any(
            cues.THANKS_FOR_IT.match(s) or (cues.THANKED.match(s) and not cues.THANKED.sub("", s).strip())
            for s in (said, past_courtesy)
        )

    @staticmethod
    def _answers(sentence: str) -> bool:
        """Whether a sentence answers the dialogue, as only the State under review does: replying to questions,
        without a recommending delegation's words."""
        return bool(cues.REPLIES.search(sentence)) and not cues.DELEGATION_OPENS.search(sentence)

    @property
    def _called_surely(self) -> State | None:
        """The State the chair has called by a name heard clearly, if any."""
        return self._pending if isinstance(self._pending, State) and self._pending_sure else None

    def _resumed(self, sentence: str, opens_utterance: bool) -> Turn | None:
        """The statement the chair interrupted, when this sentence takes it up again ("As I was saying…") and the
        chair has not clearly called someone else meanwhile."""
        resumed = self._interrupted
        said = sentence.strip()
        takes_up = cues.RESUMES.match(said) or (self._cut_short and cues.PLEADS.match(said))
        if resumed is None or self.current is None or not opens_utterance or not takes_up:
            return None
        if self.current.role == "chair":
            called = self._called_surely
            return resumed if called is None or called == gazetteer().exact(resumed.speaker) else None
        return resumed if self.current.speaker == UNIDENTIFIED else None

    def _after_chair(self, sentence: str, start: float, opens_utterance: bool) -> tuple[str, str, Turn | None]:
        """A sentence while the chair holds the floor: the chair going on, the called delegation, or a delegation
        that names itself."""
        resumed = self._interrupted
        if cues.ROOM_TROUBLE.search(sentence) and not cues.ADDRESSES_CHAIR.match(sentence.strip()):
            return self._chair(start)  # "The French channel is silent": about the room, named by no one
        if resumed is not None and cues.RESUME_INVITE.match(cues.COURTESY.sub("", sentence.strip())):
            self._pending = gazetteer().exact(resumed.speaker) or UNIDENTIFIED
            self._pending_sure = resumed.confirmed
            return self._chair(start)
        named, sure = self._self_named(sentence, strict=False), True
        if named is None and self._called_surely is None:
            named, sure = self._identifies_itself(sentence)
        if named is not None and (named != self.sur or self._pending in (None, self.sur, UNIDENTIFIED)):
            return self._open_state(named, start, confirmed=sure)
        if self._pending is None and resumed is not None and self._asked_again and not self._chair_like(sentence, True):
            return resumed.speaker, resumed.role, self._open(resumed.speaker, resumed.role, start, False)
        if self._pending is not None:
            # "Five minutes." after "Back to Colombia", "I don't see the delegation of Liberia in the room", a bare
            # "Excellency." or "Briefly.": the chair is still speaking (a delegation names itself as a subject, not
            # as the one called, and does not open on a title alone)
            if (
                self._chair_like(sentence, opens_utterance, after_chair=True)
                or self._names_the_called(sentence)
                or not cues.NOT_A_NAME.sub(" ", cues.TERSE.sub(" ", fold(sentence))).strip()
                # later in its own utterance, or procedure in words no statement opens with ("the State under
                # review has seventy minutes in total")
                or ((not opens_utterance or cues.PROCEDURE.search(fold(sentence))) and self._goes_on_as_chair(sentence))
            ):
                return self._chair(start)
            return self._open_pending(start)
        if (
            resumed is not None
            and self._cut_short
            and not cues.ADDRESSES_CHAIR.match(sentence.strip())
            and not cues.ROOM_TROUBLE.search(sentence)  # "the clock has been stopped": still the chair
            # after a cut over the room, "Please go ahead." is the chair handing back, in no one's first person
            and not (
                self._trouble and cues.NAMELESS_HANDOVER.search(sentence) and not cues.FIRST_PERSON.search(sentence)
            )
            # within its own utterance after a cut over the room, the chair goes on ("One moment.") until a sentence
            # speaks as a delegation
            and not (not opens_utterance and self._trouble and self._goes_on_as_chair(sentence))
        ):
            # "Please conclude." in the middle of a statement, and the speaker finishes: a new statement would open
            # by addressing the chair or naming itself. Sent unconfirmed: the evidence is what is missing.
            self._interrupted = None
            return resumed.speaker, resumed.role, self._open(resumed.speaker, resumed.role, start, False)
        if cues.DELEGATION_OPENS.search(sentence) or cues.ADDRESSES_CHAIR.match(sentence.strip()):
            # a statement begins after a chair remark in which no hand-over was heard
            self._hand_over(None, False, chair_words=False)
            return self._open_pending(start)
        return self._chair(start)

    def _past_thanks_to_speaker(self, sentence: str) -> str:
        """A sentence without its opening thanks to the speaker who just spoke, named without a pause ("gracias
        china ahora …"); any other sentence as it is."""
        thanks = cues.THANKS_LEAD.match(sentence)
        if self.current is None or self.current.role == "chair" or thanks is None:
            return sentence
        words = sentence[thanks.end() :].split(" ")
        for n in range(1, min(4, len(words) - 1) + 1):  # the fewest words that name it ("kazakhstan", not "… we")
            if self._is_current(" ".join(words[:n])):
                return " ".join(words[n:])
        return sentence

    @staticmethod
    def _goes_on_as_chair(sentence: str) -> bool:
        """Whether a sentence later in the chair's own utterance is still the chair's: the called delegation has not
        begun, for nothing in it addresses the chair or speaks as a delegation ("… examines Guatemala. The troika is
        Lithuania, Malawi and Qatar.")."""
        return not (
            cues.ADDRESSES_CHAIR.match(sentence.strip())
            or cues.DELEGATION_CUES.search(sentence)
            or cues.DELEGATION_VOICE.search(sentence)
            or cues.SELF.match(cues.SALUTATION.sub("", sentence.strip()))
        )

    def _names_the_called(self, sentence: str) -> bool:
        """Whether a sentence speaks of the State the chair has just called, not as that State: by name, without
        addressing the chair and without naming itself as the subject of a delegation's verb."""
        called = self._pending
        if not isinstance(called, State) or cues.ADDRESSES_CHAIR.match(sentence.strip()):
            return False
        if called not in gazetteer().states_in(sentence, sound_words=0):
            return False
        return self._self_named(sentence, strict=True) is None and self._identifies_itself(sentence)[0] is None

    def _identifies_itself(self, sentence: str) -> tuple[State | None, bool]:
        """The State a statement names as its own voice anywhere in a sentence, and whether it was spelt (not only
        heard by sound): the subject of a delegation's verb ("In this spirit, Chile recommends", "the Swiss
        delegation welcomes", as heard "Mont a negro welcomes") or "on behalf of <State>". The State under review is
        left out: delegations name it as their object, not as themselves."""
        words = fold(sentence).split()
        for i, word in enumerate(words):
            if not (word in cues.SELF_VERB and i > 0):
                continue
            before = [w for w in words[max(0, i - 6) : i] if not cues.SUBJECT_FILLER.fullmatch(w)]
            state = gazetteer().find_at_end(" ".join(before), max_words=4) if before else None
            if state is not None and state != self.sur:
                return state, True
            for n in range(min(SOUND_MAX_WORDS, len(before)), 0, -1):  # where a name is expected, by sound
                if n == 1 and len(before[-1]) < SOUND_MIN_LETTERS:
                    break  # one short word sounds like too many names ("land", Poland)
                state = gazetteer().sounds_like(" ".join(before[-n:]))
                if state is not None and state != self.sur:
                    return state, False
        behalf = cues.ON_BEHALF.search(fold(sentence))
        state = gazetteer().find_in(behalf.group("x"), max_words=6) if behalf else None
        return (state, True) if state != self.sur else (None, False)

    def _new_statement(self, sentence: str, start: float) -> tuple[str, str, Turn | None]:
        """A statement begins while another holds the floor: the hand-over was missed. The speaker is the State it
        names, the State under review when it replies to the dialogue, else the list's next or unidentified: a
        delegation never continues across a new statement's opening."""
        named, sure = self._self_named(sentence, strict=False), True
        if named is None:
            named, sure = self._identifies_itself(sentence)
        if named is not None:
            return self._open_state(named, start, confirmed=sure)
        if self.current is not None and self.current.role == "state_under_review" and self._followed is None:
            # its replies run long and greet the chair again after a pause ("Thank you, Madam President. On the
            # question of…"); no one was called, and no one named
            return self.current.speaker, self.current.role, None
        if cues.REPLIES.search(sentence) and self.current is not None:
            return self._open_state(self.sur, start, confirmed=False)
        self._hand_over(None, False, chair_words=False)  # the words are the new statement's, not the chair's
        return self._open_pending(start)

    def attribute(self, text: str, start: float, end: float | None = None) -> list[Attribution]:
        """Split one utterance into the parts each speaker said; times are interpolated within it."""
        end = start if end is None else end
        span, length = max(end - start, 0.0), max(len(text), 1)
        sentences: list[tuple[str, int, int]] = []  # text, start offset, end offset
        pos = 0
        for sentence in (s for s in cues.SENTENCE.split(text) if s.strip()):
            at = text.find(sentence, pos)
            pos = at + len(sentence)
            sentences.append((sentence, at, pos))
        # a bare "Thank you." or salutation belongs with what follows it; "I thank you." with what came before
        merged: list[tuple[str, int, int]] = []
        lead_in: int | None = None
        for sentence, at, stop in sentences:
            s = sentence.strip()
            if cues.CLOSING.match(s) and lead_in is None:
                if merged:
                    merged[-1] = (text[merged[-1][1] : stop], merged[-1][1], stop)
                else:
                    merged.append((sentence, at, stop))
            elif cues.THANKS.match(s) or cues.CLOSING.match(s) or not cues.SALUTATION.sub("", s).strip(" .,!"):
                lead_in = at if lead_in is None else lead_in  # "Thank you, Madam President." opens what follows
            else:
                begin = at if lead_in is None else lead_in
                merged.append((text[begin:stop], begin, stop))
                lead_in = None
        if lead_in is not None:  # the utterance ended on thanks: the current speaker's
            if merged:
                merged[-1] = (text[merged[-1][1] :], merged[-1][1], len(text))
            else:
                merged.append((text[lead_in:], lead_in, len(text)))
        # An utterance that cuts into a statement to speak of the room (interpreters, sound, microphones) is the
        # chair's from its first words ("Excuse me, distinguished delegate, I'm sorry. The French channel…").
        cutting_in = (
            self.current is not None
            and self.current.role != "chair"
            and bool(merged)
            and not cues.ADDRESSES_CHAIR.match(merged[0][0].strip())
            and not cues.POINT_OF_ORDER.match(merged[0][0].strip())  # a delegation's, about the room or not
            and bool(cues.ROOM_TROUBLE.search(merged[0][0]) or cues.BREAKS_IN.match(merged[0][0]))
        )
        parts: list[Attribution] = []
        part_at = 0  # character offset where the last part starts
        for i, (sentence, at, pos) in enumerate(merged):
            s_start = round(start + span * at / length, 2)
            s_end = round(start + span * pos / length, 2)
            bare = cues.THANKS.sub("", cues.CLOSING.sub("", sentence.strip())).strip()
            if not bare and self.current is not None:
                speaker, role, turn = self.current.speaker, self.current.role, None
            elif cutting_in and i == 0:
                self._heard = sentence
                called = self._announcement(sentence, True, False)  # "Ghana, you have the floor, your microphone…"
                speaker, role, turn = self._chair(s_start)
                if called[0] and called[1] is not None:
                    self._hand_over(called[1], called[2])
            else:
                speaker, role, turn = self._sentence(sentence, s_start, opens_utterance=i == 0)
            self._closed = role != "chair" and bool(cues.CLOSED.search(sentence))
            if role == "chair" and self._cut_short and self._interrupted is not None:
                self._trouble = (self._trouble or bool(cues.ROOM_TROUBLE.search(sentence))) and not cues.TIME_UP.search(
                    sentence
                )
            confirmed = self.current.confirmed if self.current is not None else True
            if parts and parts[-1].speaker == speaker and turn is None:
                last = parts[-1]
                parts[-1] = Attribution(text[part_at:pos], last.start, s_end, speaker, role, last.new_turn, confirmed)
            else:
                part_at = at
                parts.append(Attribution(sentence, s_start, s_end, speaker, role, turn, confirmed))
        return parts
