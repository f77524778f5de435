"""A synthetic session log, built with the pipeline's own event factory: a UPR review with a chair, the State under
review and many delegations, matches of each kind, gaps, and text that must render as text (markup, quotes,
non-Latin names). The report tests and bench/report_speed.py share it."""

from __future__ import annotations

import random
from datetime import datetime
from zoneinfo import ZoneInfo

from uprwatch.bot.events import Event, EventFactory
from uprwatch.matching.corpus import CorpusItem
from uprwatch.matching.floor_tracker import Turn
from uprwatch.matching.keywords import KeywordHit
from uprwatch.matching.matcher import Match
from uprwatch.transcribe.types import Utterance

SESSION = "china-upr4-synthetic"
SUR = "China"
TITLE = "45th session of the UPR Working Group"
HOSTILE = 'Recommends <script>alert("x")</script> & “quotes” for Côte d’Ivoire, Türkiye and 中国'
STATES = [
    "Germany", "France", "Côte d’Ivoire", "Türkiye", "Viet Nam", "Brazil", "Ireland", "Japan", "Kenya", "Mexico",
    "Switzerland", "United Kingdom", "Sweden", "Australia", "Canada", "Chile", "Ghana", "India", "Iceland", "Norway",
]  # fmt: skip
WORDS = [
    "the", "delegation", "welcomes", "progress", "on", "poverty", "reduction", "and", "recommends", "that",
    "authorities", "ratify", "covenant", "guarantee", "access", "to", "a", "lawyer", "protect", "human", "rights",
    "defenders", "end", "residential", "surveillance", "abolish", "death", "penalty", "ensure", "freedom", "of",
    "religion", "belief", "in", "every", "region", "cooperate", "with", "special", "procedures",
]  # fmt: skip
CORPUS = [
    CorpusItem("28.1", "recommendation", "Ratify the International Covenant on Civil and Political Rights",
               ("France", "Australia"), "Supported", SUR, 2018, 3, themes=("A12 Acceptance of international norms",)),
    CorpusItem("28.177", "recommendation", HOSTILE, ("United States of America",), "Noted", SUR, 2018, 3,
               themes=("D23 Death penalty",)),
    CorpusItem("28.200", "recommendation", "Abolish the death penalty", ("Germany", "Iceland"), "Noted", SUR, 2018, 3,
               themes=("D23 Death penalty",)),
    CorpusItem("AQ-Germany-1", "advance_question", "What statistics on death sentences will be published?",
               ("Germany",), None, SUR),
]  # fmt: skip


def session_events(
    delegations: int = 12, utterances: int = 60, matches: int = 10, gaps: int = 1, ended: bool = True, seed: int = 7
) -> list[Event]:
    """Events of one review: the chair hands the floor to each delegation in turn; the State under review opens
    and answers; `matches` utterances echo the corpus (one in four a watched keyword instead); `gaps` stream gaps
    fall between turns. Utterances last 2.5–7.5 s, so 2,000 of them make a review of about 3.5 hours."""
    rng = random.Random(seed)
    factory = EventFactory(SESSION, "Europe/Zurich", datetime(2024, 1, 23, 9, 0, tzinfo=ZoneInfo("Europe/Zurich")))
    names = [STATES[n % len(STATES)] + (f" {n // len(STATES)}" if n >= len(STATES) else "") for n in range(delegations)]
    speakers = [SUR, *names, SUR]
    per_turn = max(1, utterances // len(speakers))
    total = len(speakers) * per_turn
    matched = {0} | set(rng.sample(range(1, total), min(matches, total) - 1))  # 0: the opening answers a question
    gap_after = set(rng.sample(range(1, len(speakers)), min(gaps, len(speakers) - 1)))
    events = [factory.session_started(TITLE, SUR, "https://webtv.un.org/x")]
    t, n = 0.0, 0
    for k, speaker in enumerate(speakers):
        if k in gap_after:
            events.append(factory.stream_gap(t, t + 42.0, "stream interrupted"))
            t += 42.0
        chair = Utterance(f"I thank the delegation. I now give the floor to {speaker}.", t, t + 4.0, 0.9, "en")
        events += [factory.turn(Turn("Chair", "chair", t)), factory.utterance(chair, "Chair", "chair")]
        t += 5.0
        role = "state_under_review" if speaker == SUR else "delegation"
        events.append(factory.turn(Turn(speaker, role, t)))
        for _ in range(per_turn):
            length = rng.uniform(2.5, 7.5)
            text = " ".join(rng.choice(WORDS) for _ in range(int(length * 2.5))).capitalize() + "."
            echo: Event | None = None
            if n in matched and n % 4 == 3:
                text += " The death penalty must go."
                echo = factory.keyword(KeywordHit("death penalty", 95.0, "death penalty", 0), speaker, t, t + length)
            elif n in matched:
                item = CORPUS[n % len(CORPUS)] if speaker != SUR else CORPUS[3]
                quote = f"{item.text} as a matter of priority"
                text += f" {quote}."
                echo = factory.match(Match(item, 88.0, quote, t, t + length, (), item.recommending_states), speaker)
            events.append(factory.utterance(Utterance(text, t, t + length, 0.8, "en"), speaker, role))
            events += [echo] if echo else []
            t += length + rng.uniform(0.4, 1.5)
            n += 1
    if ended:
        events.append(factory.session_ended(TITLE, SUR, "https://webtv.un.org/x"))
    return events
