"""`uprwatch serve`: one long-running process for the whole calendar. APScheduler (the scheduler behind
python-telegram-bot's job queue) fires reminders and opens each session at its start minus pre-roll;
the session's pipeline runs until its end plus overrun (or until its stream ends after the scheduled
end); followers then get a summary. The schedule is rebuilt from the session files at every start and
every minute (no jobs are pickled), so a restart in the middle of a session resumes it at once."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import signal
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html import escape
from pathlib import Path

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger
from telegram.error import TelegramError
from uprwatch.bot.alert_format import geneva_time, report_caption
from uprwatch.bot.console_notifier import ConsoleNotifier
from uprwatch.bot.events import EventFactory
from uprwatch.bot.reports.model import build_report
from uprwatch.bot.session_calendar import Booking, check_sessions, session_files
from uprwatch.bot.session_runner import SessionRunner
from uprwatch.bot.session_setup import session_corpus, session_engines, session_router
from uprwatch.bot.session_store import SessionStore
from uprwatch.bot.telegram.app import TOKEN_ENV, TelegramBot, find_token
from uprwatch.bot.telegram.commands import BotServices
from uprwatch.bot.telegram.outbox import Outbox, report_key
from uprwatch.bot.telegram.router import AlertRouter
from uprwatch.bot.telegram.subscribers import SubscriberStore
from uprwatch.config.errors import UserError
from uprwatch.config.session_file import SessionFile, SessionSettings, TelegramSettings
from uprwatch.transcribe.hls_source import HlsSource
from uprwatch.transcribe.sources import Source, open_source

log = logging.getLogger("uprwatch.serve")

RELOAD_EVERY_S = 60.0
REMINDER_GRACE_S = 15 * 60  # a reminder missed by less than this (a restart) still goes out
DOWN_REASON = "uprwatch was not running"


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _span(delta: timedelta) -> str:
    seconds = round(delta.total_seconds())
    if seconds % 3600 == 0:
        return f"{seconds // 3600} h"
    return f"{seconds // 60} min" if seconds % 60 == 0 else f"{seconds} s"


@dataclass(frozen=True)
class Resume:
    """Where the log of a session that was interrupted stops: the stream's origin, the stream time the record
    reaches, and when its last event was recorded."""

    origin: datetime
    recorded_to: float
    last: datetime


class Service:
    """Build it, then `await run()`; it returns when SIGTERM or SIGINT arrives and everything is drained."""

    def __init__(self, folder: Path, db_url: str, model: str | None = None, extra: Sequence[SessionFile] = ()):
        self.folder = folder
        self.model = model
        self.extra = list(extra)  # sessions not read from the folder (the --demo session)
        self.store = SessionStore(db_url)
        self.subscribers, self.outbox = SubscriberStore(self.store.engine), Outbox(self.store.engine)
        self.services = BotServices(self.subscribers, self.outbox, self.store, (), upcoming=self._upcoming)
        self.services.reload = self.reload
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self.bookings: dict[str, Booking] = {}
        self.by_path: dict[Path, Booking] = {}  # the last good booking of each file
        self.running: dict[str, asyncio.Task[None]] = {}  # the sessions whose pipeline is on
        self.told: set[str] = set()  # problems already reported
        self.channels: set[int] = set()  # the channels of the session files, as last read
        self.bot: TelegramBot | None = None
        self.stopping = asyncio.Event()
        self.not_live_after = timedelta(minutes=10)  # a stream still silent this long after the start is reported

    # -- the calendar -------------------------------------------------------------------------------------

    def _upcoming(self) -> list[SessionSettings]:
        return [b.settings.session for b in sorted(self.bookings.values(), key=lambda b: b.start)]

    def reload(self) -> str:
        """Re-read the session files and reschedule; a file that became invalid keeps its last good schedule."""
        paths = session_files(self.folder) if self.folder.is_dir() else []
        calendar = check_sessions(paths)
        fresh = {b.settings.path: b for b in calendar.bookings}
        for path in list(self.by_path):
            if path not in paths:
                del self.by_path[path]  # the file was removed: so is its session
        for path in paths:
            if path in fresh:
                self.by_path[path] = fresh[path]
        bookings = {b.id: b for b in [*self.by_path.values(), *(Booking(s) for s in self.extra)]}
        for gone in set(self.bookings) - set(bookings):
            self._unschedule(gone)
            if gone in self.running:
                log.info("session %s left the calendar; it runs to its end", gone)
        for booking in bookings.values():
            if self.bookings.get(booking.id) != booking:
                self._schedule(booking)
        self.bookings = bookings
        self._apply_telegram_settings()
        new_problems = [p for p in calendar.problems if p not in self.told]
        self.told = set(calendar.problems)
        for problem in new_problems:
            kept = " (its last good schedule is kept)" if any(str(p) in problem for p in self.by_path) else ""
            log.warning("%s%s", problem, kept)
            self._tell_operators(f"⚠ Session file problem: {escape(problem)}{kept}")
        return f"{len(bookings)} sessions on the calendar, {len(calendar.problems)} problems in the session files."

    def _schedule(self, booking: Booking) -> None:
        """Jobs for one session, with explicit ids: replacing a session replaces its jobs."""
        self._unschedule(booking.id)
        now = datetime.now(UTC)
        for n, when in enumerate(booking.reminders()):
            before = booking.start - when
            if when > now - timedelta(seconds=REMINDER_GRACE_S) and booking.start > now:
                self.scheduler.add_job(
                    self._remind, DateTrigger(max(when, now)), args=[booking.id, before], id=f"{booking.id}:remind:{n}",
                    replace_existing=True, misfire_grace_time=REMINDER_GRACE_S,
                )  # fmt: skip
        if booking.closes > now and booking.id not in self.running:
            # a session is opened however late the job runs, as long as it is not over
            grace = max(1, int((booking.closes - max(booking.opens, now)).total_seconds()))
            self.scheduler.add_job(
                self._open, DateTrigger(max(booking.opens, now)), args=[booking.id], id=f"{booking.id}:open",
                replace_existing=True, misfire_grace_time=grace,
            )  # fmt: skip

    def _unschedule(self, session_id: str) -> None:
        for job in self.scheduler.get_jobs():
            if job.id.startswith(f"{session_id}:"):
                job.remove()

    def _telegram_settings(self) -> TelegramSettings:
        """One bot for the calendar: the operators and channels of every session file."""
        files = [b.settings.telegram for b in self.bookings.values()]
        token_file = next((t.token_file for t in files if t.token_file), None)
        admins = tuple(sorted({a for t in files for a in t.admins}))
        channels = tuple(sorted({c for t in files for c in t.channels}))
        drain = max((t.drain_s for t in files), default=TelegramSettings().drain_s)
        return TelegramSettings(token_file=token_file, admins=admins, channels=channels, drain_s=drain)

    def _apply_telegram_settings(self) -> None:
        """Operators and channels follow the session files: an edited file changes them without a restart, and a
        channel follows the sessions of the files that list it, no others."""
        telegram = self._telegram_settings()
        self.services.admins = telegram.admins
        for channel in sorted(set(telegram.channels) - self.channels):  # only new ones: a channel that removed
            self.subscribers.ensure(channel, "channel")  # the bot stays unreachable until the next start
            self.subscribers.update(channel, following=True, reachable=True)
        listing: dict[int, set[str]] = {}
        for booking in self.bookings.values():
            for channel in booking.settings.telegram.channels:
                listing.setdefault(channel, set()).add(booking.id)
        for channel in self.channels - set(telegram.channels):  # taken out of every file: it follows nothing now
            if self.subscribers.get(channel):
                self.subscribers.update(channel, following=False)
        for channel, sessions in listing.items():
            chat = self.subscribers.get(channel)
            if chat is not None and set(chat.sessions) != sessions:
                self.subscribers.name_sessions(channel, tuple(sorted(sessions)))
        self.channels = set(telegram.channels)

    # -- messages that are not session events ------------------------------------------------------------

    def _queue(self, session: str, key: str, html: str, chats: list[int]) -> None:
        if chats and self.outbox.put(session, key, {chat: ([html], False) for chat in chats}):
            self.services.notify()

    def _tell_operators(self, html: str) -> None:
        key = "problem:" + hashlib.sha1(html.encode()).hexdigest()[:16]
        self._queue("service", key, html, list(self.services.admins))

    async def _remind(self, session_id: str, before: timedelta) -> None:
        booking = self.bookings.get(session_id)
        if booking is None:
            return
        s = booking.settings.session
        html = (
            f"⏰ In {_span(before)}: <b>{escape(s.title)}</b> (review of {escape(s.state_under_review)}), "
            f"{geneva_time(booking.start)}."
        )
        _say(f"reminder: {s.title} in {_span(before)}")
        chats = [c.chat_id for c in self.subscribers.receiving(s.id)]
        self._queue(s.id, f"{s.id}:reminder:{int(before.total_seconds())}", html, chats)

    def _summary(self, booking: Booking) -> None:
        s = booking.settings.session
        r = build_report(s.id, self.store.events(s.id))  # the figures the report sent with it shows
        delegations = sum(speaker.role == "delegation" for speaker in r.speakers)
        text = (
            f"{s.title}: {len(r.turns)} turns, {delegations} delegations, {len(r.matches)} matches, "
            f"{len(r.gaps)} stream gaps ({r.lost:.0f} s lost)"
        )
        _say(f"summary: {text}")
        html = f"📋 <b>Summary</b> — {escape(text)}. Machine transcript — check quotes against the video."
        self._queue(s.id, f"{s.id}:summary", html, [c.chat_id for c in self.subscribers.receiving(s.id)])

    def _close_abandoned(self) -> None:
        """A session the service was down for until past its closing time is ended in the log, and its followers get
        the report and summary they would have had."""
        now = datetime.now(UTC)
        over = [b for b in self.bookings.values() if b.closes <= now]
        for booking in over:
            mark = self.store.last_mark(booking.id)  # one row, not the whole log, for every session of the past
            if mark is None or mark["type"] == "session_ended":
                continue
            s = booking.settings.session
            events = EventFactory(s.id, s.timezone, now)  # stamped in the session's time zone, like its other events
            self.store.emit(events.session_ended(s.title, s.state_under_review, mark["source"]))
            log.info("%s: ended in the log; the service was down past its closing time", s.id)
            self._queue(
                s.id, report_key(s.id), report_caption(s.title), [c.chat_id for c in self.subscribers.receiving(s.id)]
            )
            self._summary(booking)

    # -- running a session -------------------------------------------------------------------------------

    async def _open(self, session_id: str) -> None:
        booking = self.bookings.get(session_id)
        if booking is None or session_id in self.running or datetime.now(UTC) >= booking.closes:
            return
        mark = self.store.last_mark(session_id)
        if mark is not None and mark["type"] == "session_ended":  # it ended before: a restart must not replay it
            return
        resume = None
        if mark is not None:  # started and never ended: the service stopped in the middle of it
            events = self.store.events(session_id)
            marks = [e for e in events if e["type"] == "session_started"]
            ends = [float(e.get("end") or e.get("start") or 0.0) for e in events]
            last = max(datetime.fromisoformat(e["at"]) for e in events)
            resume = Resume(datetime.fromisoformat(marks[0]["at"]), max(ends), last)
        self.running[session_id] = asyncio.create_task(self._run_session(booking, resume), name=f"session {session_id}")

    async def _run_session(self, booking: Booking, resume: Resume | None) -> None:
        settings, s = booking.settings, booking.settings.session
        try:
            corpus = session_corpus(settings)
            _say(f"{s.id}: opening {s.source} (waiting for stream) …")
            engine, catch_up = await asyncio.to_thread(session_engines, settings, self.model)
            source = open_source(s.source or "", realtime=True, language=s.language, until=booking.end)
            resume = resume if source.live else None  # a recording replays from its start, on its own clock
            if resume is not None:
                # the stream went on for as long as nobody listened: stream time resumes that much later
                source.stream_time = resume.recorded_to + max(0.0, (datetime.now(UTC) - resume.last).total_seconds())
                if isinstance(source, HlsSource):  # what was published while we were down is not ours to guess
                    source.backlog_s = 0.0
            origin = resume.origin if resume else None
            runner = SessionRunner(settings, source, engine, corpus, [self.store], True, catch_up, origin=origin)
            runner.sinks.append(ConsoleNotifier(runner.events.wall, {i.id: i for i in corpus.items}, False))
            router = session_router(settings, runner.events, corpus, self.subscribers, self.outbox)
            runner.sinks.append(router)
            self.services.add_router(s.id, router)
            if resume is not None and source.stream_time > resume.recorded_to:
                runner.emit(runner.events.stream_gap(resume.recorded_to, source.stream_time, DOWN_REASON))
            watchdog = asyncio.create_task(self._watch_for_stream(booking, router))
            try:
                await self._run_until_closed(s.id, booking, runner, source)
            finally:
                watchdog.cancel()
            self._summary(self.bookings.get(s.id, booking))
        except UserError as exc:
            log.error("%s: %s", s.id, exc)
            self._tell_operators(f"⚠ {escape(s.id)} could not run: {escape(str(exc))}")
        except Exception as exc:  # a long-running service must outlive one session's failure, and say so
            log.exception("%s stopped on an unexpected error", s.id)
            self._tell_operators(f"⚠ {escape(s.id)} stopped on an unexpected error: {escape(repr(exc))}")
        finally:
            self.services.routers.pop(s.id, None)
            self.running.pop(s.id, None)

    async def _run_until_closed(self, session_id: str, booking: Booking, runner: SessionRunner, source: Source) -> None:
        """Run the pipeline until its stream ends or the session's closing time, which an edited file may move."""
        running = asyncio.create_task(runner.run())
        try:
            while not running.done():
                current = self.bookings.get(session_id, booking)
                if isinstance(source, HlsSource):
                    source.until = current.end
                left = (current.closes - datetime.now(UTC)).total_seconds()
                if left <= 0:
                    s = current.settings.session
                    log.info("%s: listening stopped at the scheduled end plus overrun", session_id)
                    running.cancel()
                    await asyncio.gather(running, return_exceptions=True)
                    runner.emit(runner.events.session_ended(s.title, s.state_under_review, source.description))
                    return
                await asyncio.wait({running}, timeout=min(left, RELOAD_EVERY_S))
            if error := running.result().error:  # a failure inside the session is raised here
                self._tell_operators(f"⚠ {escape(session_id)}: {escape(error)}")
        finally:
            if not running.done():  # the service is stopping
                running.cancel()
                await asyncio.gather(running, return_exceptions=True)

    async def _reload_job(self) -> None:
        # a coroutine, so that the scheduler runs it on the event loop rather than in a worker thread
        self.reload()

    async def _watch_for_stream(self, booking: Booking, router: AlertRouter) -> None:
        """Tell the operators once if nothing has been heard a while after the scheduled start."""
        due = booking.start + self.not_live_after
        await asyncio.sleep(max(0.0, (due - datetime.now(UTC)).total_seconds()))
        if router.status.waiting_for_stream or not router.status.live:  # not live: the runner has not begun
            s = booking.settings.session
            message = (
                f"{s.id}: nothing heard from {s.source} {_span(self.not_live_after)} after the "
                f"scheduled start; still trying until {geneva_time(booking.closes)}. Check [session] source"
            )
            log.warning("%s", message)
            self._tell_operators(f"⚠ {escape(message)}")

    # -- the process -------------------------------------------------------------------------------------

    async def run(self, drain_s: float | None = None) -> int:
        """Serve until SIGTERM/SIGINT: scheduler, bot and sessions; then drain and return 0."""
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.stopping.set)
        # the calendar is read first (the bot's operators and channels come from it), but jobs start only once
        # the bot has applied the commands sent while it was down
        _say(self.reload())
        self._close_abandoned()
        telegram = self._telegram_settings()
        for problem in sorted(self.told):  # found before the operators were known
            self._tell_operators(f"⚠ Session file problem: {escape(problem)}")
        token = find_token(telegram)
        if token is None:
            _say(f"Telegram: off (no {TOKEN_ENV}); sessions run and are logged, alerts go to the console.")
        else:
            self.bot = TelegramBot(token, telegram, self.services)
            _say(f"Telegram: @{await self.bot.start()} is up")
        self.scheduler.start()
        self.scheduler.add_job(
            self._reload_job, IntervalTrigger(seconds=RELOAD_EVERY_S), id="reload", replace_existing=True,
            misfire_grace_time=int(RELOAD_EVERY_S),
        )  # fmt: skip
        _say("serving; SIGTERM or Ctrl-C stops")
        await self.stopping.wait()
        _say("stopping: closing sources, sending what is queued …")
        self.scheduler.shutdown(wait=False)
        tasks = list(self.running.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self.bot is not None:
            try:
                if not await self.bot.stop(drain_s if drain_s is not None else telegram.drain_s):
                    _say("Telegram: some alerts are still queued; they go out the next time the bot starts.")
            except TelegramError as exc:  # what is unsent stays in the outbox for the next start
                log.warning("Telegram did not shut down cleanly (%s); queued alerts are kept", exc)
        self.store.close()
        return 0
