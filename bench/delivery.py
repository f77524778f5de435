"""Delivery benchmark: one alert to 1,000 private chats and 5 channels through the fake Bot API of the tests,
which enforces Telegram's limits (30 messages/s overall, 1/s per private chat, 20/min per channel).

Routes a real `match` event through the alert router into the outbox of a fresh SQLite database, and lets the
real sender (python-telegram-bot over HTTP) deliver it. Prints the time to deliver everything, losses and
duplicates; then the same with 5 % of the chats answering 429 once and 2 % answering 403.

    .venv/bin/python bench/delivery.py [--chats 1000] [--channels 5]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))
from machine import describe, peak_rss_mb  # noqa: E402
from telegram.ext import ExtBot  # noqa: E402
from uprwatch.bot.alert_format import AlertFormatter  # noqa: E402
from uprwatch.bot.events import EventFactory  # noqa: E402
from uprwatch.bot.session_store import SessionStore  # noqa: E402
from uprwatch.bot.telegram.outbox import Outbox  # noqa: E402
from uprwatch.bot.telegram.pace import GLOBAL_PER_S, Pace  # noqa: E402
from uprwatch.bot.telegram.router import AlertRouter  # noqa: E402
from uprwatch.bot.telegram.sender import TelegramSender  # noqa: E402
from uprwatch.bot.telegram.subscribers import SubscriberStore  # noqa: E402

from tests.fake_bot_api import FakeBotApi  # noqa: E402

TZ = "Europe/Zurich"


def _match_event(factory: EventFactory) -> dict:
    return factory._event(
        "match",
        speaker="Germany",
        kind="recommendation",
        ref="28.177",
        score=91.0,
        quote="abolish all forms of arbitrary detention, including in Xinjiang",
        start=754.0,
        end=760.0,
        position="Noted",
        recommending_states=["Germany"],
        group=[],
    )


async def _run(api: FakeBotApi, db: str, chats: list[int], channels: list[int]) -> dict[str, float]:
    store = SessionStore(db)
    subscribers, outbox = SubscriberStore(store.engine), Outbox(store.engine)
    for chat in chats:
        subscribers.ensure(chat, "private")
    for channel in channels:
        subscribers.ensure(channel, "channel")
    factory = EventFactory("bench", TZ, datetime(2024, 1, 23, 9, 0).astimezone())
    router = AlertRouter(subscribers, outbox, AlertFormatter(factory.wall, TZ, {}), factory, 600)
    bot = ExtBot(api.token, base_url=f"{api.url}/bot", rate_limiter=Pace())
    await bot.initialize()
    sender = TelegramSender(bot, outbox, subscribers)
    router.on_queued = sender.notify
    task = asyncio.create_task(sender.run())
    started = time.monotonic()
    router.emit(_match_event(factory))
    routed = time.monotonic() - started
    drained = await sender.drain(600)
    elapsed = time.monotonic() - started
    task.cancel()
    await sender.stop()
    await bot.shutdown()
    unreachable = sum(not c.reachable for c in subscribers.all())
    store.close()
    return {"routed_s": routed, "elapsed_s": elapsed, "drained": float(drained), "unreachable": unreachable}


def scenario(name: str, chats: list[int], channels: list[int], flood_once: set[int], blocked: set[int]) -> None:
    with tempfile.TemporaryDirectory() as tmp, FakeBotApi() as api:
        for chat in flood_once:
            api.faults[chat].append("429:2")
        api.blocked |= blocked
        figures = asyncio.run(_run(api, f"sqlite:///{tmp}/bench.db", chats, channels))
        received = Counter(s.chat_id for s in api.sent)
    recipients = set(chats) | set(channels)
    expected = recipients - blocked
    lost = len(expected - set(received))
    duplicated = sum(n > 1 for n in received.values())
    first, last = (min(s.at for s in api.sent), max(s.at for s in api.sent)) if api.sent else (0.0, 0.0)
    ideal = len(expected) / GLOBAL_PER_S
    print(f"\n{name}")
    print(f"  recipients {len(recipients)} (answering 429 once: {len(flood_once)}, 403: {len(blocked)})")
    deactivated = figures["unreachable"]
    print(f"  delivered {len(received)}  lost {lost}  duplicated {duplicated}  deactivated {deactivated:.0f}")
    print(f"  routing the alert into the outbox: {figures['routed_s'] * 1000:.0f} ms")
    print(
        f"  time to deliver all: {figures['elapsed_s']:.1f} s (first to last message {last - first:.1f} s; "
        f"{ideal:.1f} s at exactly {GLOBAL_PER_S:.0f}/s; {len(received) / max(last - first, 1e-9):.1f} msg/s)"
    )
    print(f"  server answers: {dict(sorted(api.answered.items()))}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chats", type=int, default=1000)
    parser.add_argument("--channels", type=int, default=5)
    args = parser.parse_args()
    print(f"machine: {describe()}")
    print(f"command: {' '.join([os.path.relpath(sys.executable, ROOT), *sys.argv])}")
    chats = [100_000 + n for n in range(args.chats)]
    channels = [-1_000_000_000 - n for n in range(args.channels)]
    scenario("clean run", chats, channels, set(), set())
    flood_once = set(chats[::20])  # 5 %
    blocked = set(chats[7::50])  # 2 %
    scenario("5 % answer 429 once, 2 % have blocked the bot", chats, channels, flood_once, blocked)
    print(f"\npeak RSS {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
