"""The single outbox sender: per-chat order, per-chat pacing, Telegram's answers turned into the right
reaction (wait, move to the new id, deactivate, retry with backoff), and merging for backed-up groups."""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import os
import random
import re
import time
from collections import deque
from dataclasses import replace
from functools import partial

from telegram import InputFile, LinkPreviewOptions, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, InvalidToken, RetryAfter, TelegramError
from telegram.ext import ExtBot
from uprwatch.bot.reports.formats import html_report_file
from uprwatch.bot.session_store import SessionStore
from uprwatch.bot.telegram.markup import LIMIT, utf16_len
from uprwatch.bot.telegram.outbox import Letter, Outbox
from uprwatch.bot.telegram.pace import chat_interval, retry_seconds
from uprwatch.bot.telegram.subscribers import SubscriberStore

log = logging.getLogger("uprwatch.telegram")


class ReportUnavailable(Exception):
    """A session's report could not be built: its letter fails, the chat's other alerts go on."""


# Opt in to PTB's coming behaviour (RetryAfter.retry_after as a timedelta), which `retry_seconds` reads either way.
os.environ.setdefault("PTB_TIMEDELTA", "1")

MAX_IN_FLIGHT = 16
BACKOFF_CAP_S = 60.0
MERGE_SEPARATOR = "\n\n"
_TAGS = re.compile(r"<[^>]+>")


def backoff(attempt: int) -> float:
    """Exponential backoff with jitter: about 1, 2, 4 … seconds, at most a minute."""
    return min(BACKOFF_CAP_S, 2.0 ** (attempt - 1)) * random.uniform(0.5, 1.0)


class TelegramSender:
    """Run `run()` as a task; call `notify()` after writing outbox rows; `drain()` before stopping."""

    def __init__(self, bot: ExtBot, outbox: Outbox, subscribers: SubscriberStore):
        self.bot = bot
        self.outbox = outbox
        self.subscribers = subscribers
        # a session's report file (name, bytes), built from the log in the outbox's database when its letter goes out
        self.documents = partial(html_report_file, SessionStore.on(outbox.engine))
        self.uploaded: dict[str, str] = {}  # session → Telegram file id of its final report, uploaded once
        self.building: dict[str, asyncio.Lock] = {}  # session → held while its report is built and first uploaded
        self.queues: dict[int, deque[Letter]] = {}
        self.ready_at: dict[int, float] = {}
        self.attempts: dict[int, int] = {}
        self.busy: set[int] = set()
        self.last_id = 0
        self.wake = asyncio.Event()
        self.slots = asyncio.Semaphore(MAX_IN_FLIGHT)
        self.tasks: set[asyncio.Task[None]] = set()

    def notify(self) -> None:
        """New rows are in the outbox."""
        self.wake.set()

    def _load(self) -> None:
        for letter in self.outbox.pending_after(self.last_id):
            self.queues.setdefault(letter.chat_id, deque()).append(letter)
            self.last_id = letter.id

    def idle(self) -> bool:
        """Nothing queued and nothing being sent."""
        return not self.busy and not any(self.queues.values())

    async def run(self) -> None:
        """Send forever, oldest alert first across chats, one message at a time per chat."""
        while True:
            self.wake.clear()
            self._load()
            now = time.monotonic()
            ready = [c for c, q in self.queues.items() if q and c not in self.busy and self.ready_at.get(c, 0) <= now]
            for chat in sorted(ready, key=lambda c: self.queues[c][0].id):
                await self.slots.acquire()
                self.busy.add(chat)
                task = asyncio.create_task(self._deliver(chat))
                self.tasks.add(task)
                task.add_done_callback(self.tasks.discard)
            waiting = [self.ready_at.get(c, 0) for c, q in self.queues.items() if q and c not in self.busy]
            timeout = max(0.0, min(waiting) - time.monotonic()) if waiting else None
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), timeout)

    async def drain(self, timeout: float) -> bool:
        """Wait until everything queued has gone out (True) or `timeout` passes (False; rows stay pending)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._load()
            if self.idle():
                return True
            await asyncio.sleep(0.1)
        return self.idle()

    async def stop(self) -> None:
        """Let in-flight requests finish, so their outcome is recorded."""
        if self.tasks:
            await asyncio.wait(list(self.tasks), timeout=15)

    def _batch(self, chat: int) -> list[Letter]:
        queue = self.queues[chat]
        batch = [queue[0]]
        if chat > 0 or batch[0].is_report:  # a private chat: one alert per message; a report is a document
            return batch
        # A group or channel gets 20 messages a minute; when alerts pile up behind that, one message carries several.
        size = utf16_len(queue[0].text)
        for letter in list(queue)[1:]:
            size += utf16_len(MERGE_SEPARATOR + letter.text)
            if size > LIMIT or letter.is_report:
                break
            batch.append(letter)
        return batch

    async def _deliver(self, chat: int) -> None:
        try:
            batch = self._batch(chat)
            if not self.outbox.still_pending(batch[0]):  # the chat was forgotten (/forget) since it was queued
                self.queues.pop(chat, None)
                return
            text = MERGE_SEPARATOR.join(letter.text for letter in batch)
            silent = all(letter.silent for letter in batch)
            try:
                if batch[0].is_report:
                    message = await self._send_report(chat, batch[0])
                else:
                    message = await self._send(chat, text, silent)
            except BadRequest as exc:
                if "can't parse entities" not in str(exc).lower() or batch[0].is_report:
                    raise
                # Our HTML should always parse; if Telegram disagrees, the words still matter more than the markup.
                log.warning("Telegram could not parse an alert's HTML (%s); sending it as plain text", exc)
                message = await self._send(chat, html.unescape(_TAGS.sub("", text)), silent, plain=True)
        except RetryAfter as exc:
            self.ready_at[chat] = time.monotonic() + retry_seconds(exc)
        except ChatMigrated as exc:
            self._migrate(chat, int(exc.new_chat_id))
        except Forbidden:
            self._unreachable(chat, "the bot was blocked or removed")
        except BadRequest as exc:
            if "chat not found" in str(exc).lower():
                self._unreachable(chat, "chat not found")
            else:
                log.warning("Telegram refused a message (%s); it is marked failed in the outbox", exc)
                for letter in batch:
                    self.outbox.failed(letter, str(exc))
                    self.queues[chat].popleft()
        except InvalidToken:
            log.error("Telegram rejects the bot token now; check UPRWATCH_TELEGRAM_TOKEN. Alerts stay queued.")
            self.ready_at[chat] = time.monotonic() + BACKOFF_CAP_S
        except TelegramError as exc:  # timeouts, 5xx, connection errors
            attempt = self.attempts[chat] = self.attempts.get(chat, 0) + 1
            self.outbox.retried(batch[0])
            # a request that timed out may still have reached Telegram: the retry keeps the chat's spacing too
            self.ready_at[chat] = time.monotonic() + max(backoff(attempt), chat_interval(chat))
            log.info("sending failed (%s); retry %d", exc.__class__.__name__, attempt)
        except ReportUnavailable as exc:
            log.error("%s; its letter is marked failed in the outbox", exc)
            for letter in batch:
                self.outbox.failed(letter, str(exc))
                self.queues[chat].popleft()
        else:
            self.outbox.sent(batch, message.message_id)
            for _ in batch:
                self.queues[chat].popleft()
            self.attempts.pop(chat, None)
            self.ready_at[chat] = time.monotonic() + chat_interval(chat)
        finally:
            self.busy.discard(chat)
            self.slots.release()
            self.wake.set()

    async def _send(self, chat: int, text: str, silent: bool, plain: bool = False) -> Message:
        return await self.bot.send_message(
            chat_id=chat,
            text=text,
            parse_mode=None if plain else ParseMode.HTML,
            disable_notification=silent,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
            rate_limit_args=True,  # a 429 comes back here, so other chats go on meanwhile
        )

    async def _send_report(self, chat: int, letter: Letter) -> Message:
        """The session's HTML report as a document. A final report is built and uploaded once, then sent to the
        other chats by its Telegram file id (a thousand chats must not mean a thousand uploads); a file id Telegram
        no longer knows is dropped and the file uploaded again."""
        async with self.building.setdefault(letter.session, asyncio.Lock()):  # only the build and first upload
            known = self.uploaded.get(letter.session)
            if known is None:
                try:
                    report = await asyncio.to_thread(self.documents, letter.session)
                except Exception as exc:  # whatever went wrong in the build, only this letter is lost
                    log.debug("building the report of %s", letter.session, exc_info=True)
                    raise ReportUnavailable(
                        f"the report of {letter.session} could not be built ({exc.__class__.__name__}: {exc})"
                    ) from exc
                message = await self._document(chat, letter, InputFile(report.data, filename=report.name))
                if report.final and message.document:
                    self.uploaded[letter.session] = message.document.file_id
                return message
        try:  # outside the lock: the other chats' sends wait only for their own pacing
            return await self._document(chat, letter, known)
        except BadRequest as exc:
            if "file" not in str(exc).lower():
                raise
            log.warning("Telegram no longer knows the report's file id (%s); uploading it again", exc)
            self.uploaded.pop(letter.session, None)
            return await self._send_report(chat, letter)

    async def _document(self, chat: int, letter: Letter, document: str | InputFile) -> Message:
        return await self.bot.send_document(
            chat_id=chat,
            document=document,
            caption=letter.text,
            parse_mode=ParseMode.HTML,
            disable_notification=letter.silent,
            rate_limit_args=True,
        )

    def _migrate(self, old: int, new: int) -> None:
        self.subscribers.migrate(old, new)
        self.outbox.migrate(old, new)
        queue = self.queues.pop(old, deque())
        self.queues.setdefault(new, deque()).extendleft(reversed([replace(letter, chat_id=new) for letter in queue]))
        self.ready_at.pop(old, None)

    def _unreachable(self, chat: int, why: str) -> None:
        if self.subscribers.get(chat):
            self.subscribers.update(chat, reachable=False)
        self.outbox.drop_chat(chat)
        self.queues.pop(chat, None)
        log.info("a chat can no longer be reached (%s); it was deactivated and its queued alerts dropped", why)
