"""Telegram's flood limits for every request the bot makes: a BaseRateLimiter that spaces messages to one
chat (1/s private, 20/min group or channel) and all messages together (30/s), without letting a waiting
chat hold up the others. The outbox sender marks its requests (`rate_limit_args=True`) so that a 429 comes
back to it (it moves on to other chats); a command reply instead waits out the 429 here and is retried."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

GLOBAL_PER_S = 30.0  # Telegram: about 30 messages per second overall
MARGIN = 0.97  # stay a little under, so clock jitter between us and Telegram does not cost a 429
PRIVATE_INTERVAL_S = 1.0  # about one message per second in a private chat
GROUP_INTERVAL_S = 3.0  # 20 messages per minute in a group or channel
REPLY_RETRIES = 2
# Spacing is measured here when a request starts, but Telegram measures when it arrives; a tenth more
# keeps two requests to one chat from arriving closer than the limit.
ARRIVAL_MARGIN = 1.1
UNPACED = {"getUpdates", "getMe", "deleteWebhook", "setMyCommands", "getChatMember", "getChatAdministrators"}


def chat_interval(chat: int | str) -> float:
    """Seconds to leave between two messages to one chat. Telegram gives users positive ids and groups and
    channels negative ones (a channel may also be an @name), so the id says which limit applies."""
    return PRIVATE_INTERVAL_S if isinstance(chat, int) and chat > 0 else GROUP_INTERVAL_S


def retry_seconds(exc: RetryAfter) -> float:
    """RetryAfter.retry_after as seconds, whether PTB gives an int or (PTB_TIMEDELTA) a timedelta."""
    value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


_NO_LOCK = contextlib.nullcontext()


class Pace(BaseRateLimiter[bool]):
    """Per-chat spacing first, then a global slot; never bursts to catch up."""

    def __init__(self, per_second: float = GLOBAL_PER_S * MARGIN):
        self.interval = 1.0 / per_second
        self.next_slot = 0.0
        self.chat_slots: dict[int | str, float] = {}
        self.chat_locks: dict[int | str, asyncio.Lock] = {}
        self.lock = asyncio.Lock()

    async def initialize(self) -> None:
        self.next_slot = 0.0

    async def shutdown(self) -> None:
        return None

    async def _wait_turn(self, chat: int | str | None) -> None:
        if chat is not None:
            async with self.lock:
                now = time.monotonic()
                slot = max(now, self.chat_slots.get(chat, 0.0))
                self.chat_slots[chat] = slot + chat_interval(chat) * ARRIVAL_MARGIN
            await asyncio.sleep(slot - now)
        async with self.lock:
            now = time.monotonic()
            slot = max(now, self.next_slot)
            self.next_slot = slot + self.interval
        await asyncio.sleep(slot - now)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: bool | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        if endpoint in UNPACED:
            return await callback(*args, **kwargs)
        chat = data.get("chat_id")
        chat = int(chat) if isinstance(chat, str) and chat.lstrip("-").isdigit() else chat
        # One request at a time per chat, the next one spaced from when this one was answered: a request slowed on
        # its way (a busy machine, an upload) cannot arrive closer to the next than the limit. Alerts and command
        # answers to one chat share this.
        async with self.chat_locks.setdefault(chat, asyncio.Lock()) if chat is not None else _NO_LOCK:
            for attempt in range(REPLY_RETRIES + 1):
                await self._wait_turn(chat)
                try:
                    return await callback(*args, **kwargs)
                except RetryAfter as exc:
                    if rate_limit_args or attempt == REPLY_RETRIES:
                        raise
                    await asyncio.sleep(retry_seconds(exc))
                finally:
                    if chat is not None:
                        answered = time.monotonic() + chat_interval(chat)
                        self.chat_slots[chat] = max(self.chat_slots.get(chat, 0.0), answered)
        raise AssertionError("unreachable")
