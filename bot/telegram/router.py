"""The alert router: a session sink that decides, per event and per chat, what goes out (mode, States,
keywords, quiet hours, digests) and writes it to the outbox."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from uprwatch.bot.alert_format import AlertFormatter, report_caption
from uprwatch.bot.events import Event, EventFactory
from uprwatch.bot.telegram.markup import split_html
from uprwatch.bot.telegram.outbox import Outbox, report_key
from uprwatch.bot.telegram.subscribers import Chat, SubscriberStore
from uprwatch.matching.keywords import KeywordWatch


def alert_key(event: Event) -> str:
    """A stable id for an event: the same event replayed again gets the same key (so it is not resent)."""
    body = json.dumps({k: v for k, v in event.items() if k != "at"}, sort_keys=True, ensure_ascii=False)
    return f"{event['session']}:{event['type']}:{hashlib.sha1(body.encode()).hexdigest()[:16]}"


@dataclass
class LiveStatus:
    """What /status reports about the session this process runs."""

    title: str = ""
    state_under_review: str = ""
    live: bool = False
    waiting_for_stream: bool = False  # started, and nothing heard yet
    behind: float | None = None  # seconds the pipeline is behind the stream, from the last `lag` event
    speaker: str | None = None  # who has the floor


class AlertRouter:
    """Sink for the session runner; call `on_queued` whenever new outbox rows exist."""

    def __init__(
        self,
        subscribers: SubscriberStore,
        outbox: Outbox,
        formatter: AlertFormatter,
        events: EventFactory,
        digest_s: float,
        on_queued: Callable[[], None] = lambda: None,
    ):
        self.subscribers = subscribers
        self.outbox = outbox
        self.format = formatter
        self.events = events
        self.digest_s = digest_s
        self.on_queued = on_queued
        self.status = LiveStatus()
        self.role = "delegation"  # of the speaker holding the floor
        self.answered: set[str] = set()  # advance questions the State under review has answered
        self.digest: list[Event] = []
        self.digest_since: float | None = None
        self.last_start = 0.0
        self.keyword_hits: dict[int, set[str]] = {}  # per chat, terms already alerted in this turn
        self.watches: dict[tuple[str, ...], KeywordWatch] = {}

    def emit(self, event: Event) -> None:
        """Route one event."""
        kind = event["type"]
        if kind == "lag":
            self.status.behind = event["behind"]
            return
        if "start" in event and kind != "stream_gap":
            self._maybe_send_digest(event["start"])
        if kind in ("session_started", "session_ended"):
            self._session(event)
        elif kind == "turn":
            self._turn(event)
        elif kind == "utterance":
            self._utterance(event)
        elif kind == "match":
            self._match(event)
        elif kind == "stream_gap":
            self._send(event, self.format.gap(event), lambda chat: chat.mode in ("all", "matches"))

    def _send(self, event: Event, html: str, wants: Callable[[Chat], bool]) -> None:
        self._put(
            event["session"],
            alert_key(event),
            html,
            [c for c in self.subscribers.receiving(self.events.session) if wants(c)],
        )

    def _put(self, session: str, key: str, html: str, chats: list[Chat]) -> None:
        self._put_each(session, key, {chat: html for chat in chats})

    def _put_each(self, session: str, key: str, html_for: dict[Chat, str]) -> None:
        """Queue one alert, worded per chat, silent for chats in their quiet hours."""
        now = datetime.now(self.events.tz).time()
        messages = {c.chat_id: (split_html(html), c.quiet_at(now)) for c, html in html_for.items()}
        if messages and self.outbox.put(session, key, messages):
            self.on_queued()

    @staticmethod
    def _about(chat: Chat, speaker: str) -> bool:
        return not chat.states or speaker in chat.states

    def _session(self, event: Event) -> None:
        started = event["type"] == "session_started"
        if not started:
            self._send_digest(self.last_start, event["session"])
        self.status = LiveStatus(event["title"], event["state_under_review"], live=started, waiting_for_stream=started)
        self._send(event, self.format.session(event), lambda chat: True)
        if not started:  # the full report follows the end, as a document built when it is sent
            session = event["session"]
            self._put(
                session,
                report_key(session),
                report_caption(event["title"]),
                self.subscribers.receiving(self.events.session),
            )

    def _turn(self, event: Event) -> None:
        self.role = event["role"]
        self.status.speaker = event["speaker"]
        self.keyword_hits.clear()
        speaker, chair = event["speaker"], event["role"] == "chair"
        if not chair:
            self.digest.append(event)
        self._send(
            event,
            self.format.turn(event),
            lambda c: self._about(c, speaker) and (c.mode == "all" or (c.mode == "matches" and not chair)),
        )

    def _utterance(self, event: Event) -> None:
        self.status.waiting_for_stream = False
        speaker = event["speaker"]
        chats = self.subscribers.receiving(self.events.session)
        feed = [c for c in chats if c.mode == "all" and self._about(c, speaker)]
        self._put(event["session"], alert_key(event), self.format.utterance(event), feed)
        for chat in chats:
            if not chat.keywords or chat.mode == "all" or not self._about(chat, speaker):
                continue
            watch = self.watches.setdefault(chat.keywords, KeywordWatch(list(chat.keywords)))
            seen = self.keyword_hits.setdefault(chat.chat_id, set())
            for hit in watch.find(event["text"]):
                if hit.term in seen:
                    continue
                seen.add(hit.term)
                match = self.events.keyword(
                    hit,
                    speaker,
                    event["start"],
                    event["end"],
                    event.get("translated_from"),
                    not event.get("unconfirmed"),
                )
                html = self.format.match(match, self.role, answered=False)
                self._put(event["session"], f"{alert_key(event)}:keyword:{hit.term}", html, [chat])

    def _match(self, event: Event) -> None:
        if event["kind"] == "advance_question" and self.role == "state_under_review":
            self.answered.add(event["ref"])
        self.digest.append(event)
        html = self.format.match(event, self.role, event["ref"] in self.answered)
        speaker = event["speaker"]
        self._send(event, html, lambda c: c.mode in ("all", "matches") and self._about(c, speaker))

    def _maybe_send_digest(self, start: float) -> None:
        self.last_start = max(self.last_start, start)
        if self.digest_since is None:
            self.digest_since = start
        elif start - self.digest_since >= self.digest_s and self.digest:
            self._send_digest(start, self.digest[0]["session"])

    def _send_digest(self, until: float, session: str) -> None:
        since = self.digest_since or 0.0
        events, self.digest, self.digest_since = self.digest, [], until
        if not events:
            return
        html_for = {}
        for chat in (c for c in self.subscribers.receiving(self.events.session) if c.mode == "digest"):
            if lines := [self.format.digest_line(e) for e in events if self._about(chat, e["speaker"])]:
                html_for[chat] = self.format.digest(since, until, lines)
        self._put_each(session, f"{session}:digest:{since:.0f}-{until:.0f}", html_for)
