"""The Telegram side of a running session: token and server from the environment, the PTB Application
(commands by long polling), the outbox sender, and a clean start and stop around the session."""

from __future__ import annotations

import asyncio
import logging
import os

from telegram import BotCommandScopeChat, Update
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import Application, ApplicationBuilder
from uprwatch.bot.telegram.commands import BotServices, add_handlers, bot_commands
from uprwatch.bot.telegram.pace import Pace
from uprwatch.bot.telegram.sender import TelegramSender
from uprwatch.config.errors import UserError
from uprwatch.config.session_file import TelegramSettings

TOKEN_ENV = "UPRWATCH_TELEGRAM_TOKEN"
BASE_URL_ENV = "UPRWATCH_TELEGRAM_BASE_URL"
DEFAULT_BASE_URL = "https://api.telegram.org"
POLL_TIMEOUT_S = 10

log = logging.getLogger("uprwatch.telegram")


def find_token(settings: TelegramSettings) -> str | None:
    """The bot token from UPRWATCH_TELEGRAM_TOKEN, else from the settings' token_file; None if neither."""
    if token := os.environ.get(TOKEN_ENV, "").strip():
        return token
    if settings.token_file:
        token = settings.token_file.read_text(encoding="utf-8").strip()
        if not token:
            raise UserError(f"{settings.token_file}: the token file is empty; put the token from @BotFather in it")
        return token
    return None


class RedactToken(logging.Filter):
    """Replaces the token in every log line, whoever logs it (request URLs carry it)."""

    def __init__(self, token: str):
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.token in message:
            record.msg, record.args = message.replace(self.token, "<token>"), ()
        return True


def hide_token(token: str) -> None:
    """Keep the token out of the logs: silence httpx's request lines and redact the rest."""
    logging.getLogger("httpx").setLevel(logging.WARNING)
    redact = RedactToken(token)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redact)


class TelegramBot:
    """Start with `await start()`, then the session runs; `await stop(drain_s)` sends what is left."""

    def __init__(self, token: str, settings: TelegramSettings, services: BotServices):
        self.settings = settings
        self.services = services
        self.base_url = os.environ.get(BASE_URL_ENV, DEFAULT_BASE_URL).rstrip("/")
        hide_token(token)
        self.app: Application = (  # type: ignore[type-arg]
            ApplicationBuilder()
            .token(token)
            .base_url(f"{self.base_url}/bot")
            .base_file_url(f"{self.base_url}/file/bot")
            .rate_limiter(Pace())
            .connection_pool_size(32)
            .build()
        )
        self.app.bot_data["uprwatch"] = services
        add_handlers(self.app)
        self.sender = TelegramSender(self.app.bot, services.outbox, services.subscribers)
        services.notify = self.sender.notify
        self.sender_task: asyncio.Task[None] | None = None
        self.backlog_answers: asyncio.Task[int] | None = None

    async def start(self) -> str:
        """Check the token, publish the command menu, apply commands sent while we were away, start polling;
        returns the bot's username."""
        try:
            await self.app.initialize()
        except InvalidToken:
            raise UserError(f"Telegram rejected the bot token; set {TOKEN_ENV} to the token @BotFather gave") from None
        except NetworkError as exc:
            raise UserError(
                f"cannot reach the Telegram Bot API at {self.base_url} ({exc.__class__.__name__}); "
                f"check the network or {BASE_URL_ENV}"
            ) from None
        bot = self.app.bot
        await bot.set_my_commands(bot_commands())
        for admin in self.settings.admins:
            try:
                await bot.set_my_commands(bot_commands(admin=True), scope=BotCommandScopeChat(admin))
            except TelegramError as exc:  # the operator has not opened a chat with the bot yet
                log.warning("could not show the operator commands to an admin id (%s)", exc)
        for channel in self.settings.channels:
            # listed by the operator: (re)try it at every start, even if Telegram refused it last time
            self.services.subscribers.ensure(channel, "channel")
            self.services.subscribers.update(channel, following=True, reachable=True)
        await self._apply_backlog()
        await self.app.start()
        assert self.app.updater is not None
        await self.app.updater.start_polling(timeout=POLL_TIMEOUT_S, allowed_updates=Update.ALL_TYPES)
        self.sender_task = asyncio.create_task(self.sender.run())
        self.backlog_answers = self.services.answers.release()
        return bot.username

    async def _apply_backlog(self) -> None:
        # Commands sent while the bot was down change who gets what, so they are applied before the first event;
        # their answers wait until the session is under way (a thousand of them take half a minute to send).
        await self.app.bot.delete_webhook()
        self.services.answers.hold()
        offset = 0
        while updates := await self.app.bot.get_updates(offset=offset, timeout=0):
            for update in updates:
                await self.app.process_update(update)
            offset = updates[-1].update_id + 1

    async def stop(self, drain_s: float) -> bool:
        """Send what is queued (up to `drain_s` seconds), then shut down; False if rows stay pending."""
        deadline = asyncio.get_running_loop().time() + drain_s
        drained = await self.sender.drain(drain_s)
        if self.backlog_answers:
            left = max(0.0, deadline - asyncio.get_running_loop().time())
            done, _ = await asyncio.wait([self.backlog_answers], timeout=left)
            if not done:  # answers are not kept across restarts: the settings they confirm already are
                self.backlog_answers.cancel()
                log.warning("stopped before every command sent while the bot was down was answered")
        if self.sender_task:
            self.sender_task.cancel()
        await self.sender.stop()
        if self.app.updater and self.app.updater.running:
            await self.app.updater.stop()
        if self.app.running:
            await self.app.stop()
        await self.app.shutdown()
        return drained
