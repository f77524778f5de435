"""Answers to commands. Normally sent at once; the commands that piled up while the bot was down are
applied first (that is database work) and their answers held, then sent in the background once the
session is under way, so that a backlog never delays the stream."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from telegram.error import TelegramError
from uprwatch.bot.telegram.pace import ARRIVAL_MARGIN, chat_interval

log = logging.getLogger("uprwatch.telegram")

Send = Callable[[], Awaitable[object]]
# Held answers in flight at once: a live alert waits behind at most this many of them for Telegram's 30/s.
HELD_IN_FLIGHT = 8


class CommandAnswers:
    """`give` an answer; between `hold()` and `release()` answers wait, in order per chat."""

    def __init__(self) -> None:
        self._held: dict[int, list[Send]] | None = None

    def hold(self) -> None:
        """From now on answers wait for `release()`."""
        self._held = {}

    async def give(self, chat_id: int, send: Send) -> None:
        """Send an answer now, or keep it for `release()` while holding."""
        if self._held is None:
            await send()
        else:
            self._held.setdefault(chat_id, []).append(send)

    def release(self) -> asyncio.Task[int]:
        """Stop holding; a task sends what was held (each chat in order, a few chats at a time) and returns
        how many answers went out."""
        held, self._held = self._held or {}, None
        slots = asyncio.Semaphore(HELD_IN_FLIGHT)

        async def answer(chat_id: int, sends: list[Send]) -> int:
            sent = 0
            for n, send in enumerate(sends):
                if n:  # the chat's own pacing, waited out without holding a slot other chats could use
                    await asyncio.sleep(chat_interval(chat_id) * ARRIVAL_MARGIN)
                async with slots:
                    try:
                        await send()
                        sent += 1
                    except TelegramError as exc:  # e.g. the chat blocked the bot meanwhile: the others go on
                        log.warning("answering a command sent while the bot was down failed: %s", exc)
            return sent

        async def answer_all() -> int:
            return sum(await asyncio.gather(*(answer(chat, sends) for chat, sends in held.items())))

        return asyncio.create_task(answer_all())
