"""Telegram's flood limits: a BaseRateLimiter that spaces every sending request of the bot evenly under the
global limit. Per-chat limits are the outbox sender's job, because a slow chat must not hold up the others
(PTB's AIORateLimiter waits inside the request, which would stall the single sender)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.ext import BaseRateLimiter

GLOBAL_PER_S = 30.0  # Telegram: about 30 messages per second overall
MARGIN = 0.97  # stay a little under, so clock jitter between us and Telegram does not cost a 429
PRIVATE_INTERVAL_S = 1.0  # about one message per second in a private chat
GROUP_INTERVAL_S = 3.0  # 20 messages per minute in a group or channel
UNPACED = {"getUpdates", "getMe", "deleteWebhook", "setMyCommands", "getChatMember", "getChatAdministrators"}


def chat_interval(kind: str) -> float:
    """Seconds to leave between two messages to one chat of this kind."""
    return PRIVATE_INTERVAL_S if kind == "private" else GROUP_INTERVAL_S


class GlobalPace(BaseRateLimiter[None]):
    """Starts sending requests no closer together than 1 / (30 × margin) seconds; never bursts to catch up."""

    def __init__(self, per_second: float = GLOBAL_PER_S * MARGIN):
        self.interval = 1.0 / per_second
        self.next_slot = 0.0
        self.lock = asyncio.Lock()

    async def initialize(self) -> None:
        self.next_slot = 0.0

    async def shutdown(self) -> None:
        return None

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        if endpoint not in UNPACED:
            async with self.lock:
                now = time.monotonic()
                slot = max(now, self.next_slot)
                self.next_slot = slot + self.interval
            if slot > now:
                await asyncio.sleep(slot - now)
        return await callback(*args, **kwargs)
