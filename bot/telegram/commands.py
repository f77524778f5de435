"""What subscribers and operators can ask the bot, and its answers. Settings changes in groups need a chat
admin; /sessions, /broadcast and /stats need an operator id from the settings."""

from __future__ import annotations

import asyncio
import io
import logging
import re
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from html import escape
from typing import Any

from telegram import BotCommand, Chat, ChatMember, Update
from telegram.constants import ChatType, ParseMode
from telegram.ext import Application, CommandHandler, ContextTypes, MessageHandler, filters
from uprwatch.bot.alert_format import CAVEAT, geneva_time
from uprwatch.bot.reports.formats import html_report_file
from uprwatch.bot.session_store import SessionStore
from uprwatch.bot.telegram.answers import CommandAnswers
from uprwatch.bot.telegram.markup import split_html
from uprwatch.bot.telegram.outbox import Outbox
from uprwatch.bot.telegram.router import AlertRouter
from uprwatch.bot.telegram.subscribers import MODES, SubscriberStore
from uprwatch.bot.transcript_export import plain_transcript
from uprwatch.config.session_file import SessionSettings
from uprwatch.matching.gazetteer import gazetteer

log = logging.getLogger("uprwatch.telegram")
LATEST_SHOWN = 5
REPORT_EVERY_S = 60.0
SHOWN_SESSIONS = 10
_QUIET = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")

COMMANDS = [
    ("start", "what this bot does and what it stores; starts alerts"),
    ("help", "all commands"),
    ("follow", "resume alerts; /follow SESSION_ID for that session only, /follow all for every one"),
    ("mode", "all | matches | digest — live feed, matches only, or a digest"),
    ("states", "only these delegations, e.g. /states Germany, France (or: all)"),
    ("keywords", "add|remove|list words to be alerted on"),
    ("quiet", "22:00-07:00 — deliver silently at night (Geneva time), or off"),
    ("status", "what is live, the next session, how far behind we are"),
    ("latest", "the last quotes that matched"),
    ("report", "the HTML report of the last session, or /report SESSION_ID"),
    ("stop", "pause alerts (/follow resumes)"),
    ("forget", "erase everything stored about this chat"),
]
ADMIN_COMMANDS = [
    ("sessions", "sessions in the log; /sessions ID sends a transcript; /sessions reload re-reads the calendar"),
    ("broadcast", "send a message to every subscriber"),
    ("stats", "counts of chats and messages"),
]
USAGE = {
    "mode": "Usage: /mode all | matches | digest",
    "states": "Usage: /states Germany, United Kingdom — or /states all to hear everyone",
    "keywords": "Usage: /keywords add WORDS | /keywords remove WORDS | /keywords list",
    "quiet": "Usage: /quiet 22:00-07:00 (Geneva time) or /quiet off",
    "forget": "Usage: /forget yes — erases this chat's settings and the record of alerts sent to it",
    "sessions": "Usage: /sessions, /sessions SESSION_ID, or /sessions reload (when serving)",
    "broadcast": "Usage: /broadcast TEXT",
    "report": "Usage: /report, or /report SESSION_ID",
}
WELCOME = (
    "<b>uprwatch</b> follows UN Human Rights Council meetings, above all the Universal Periodic Review, and "
    "sends you who has the floor and what they say that echoes earlier recommendations or advance questions.\n\n"
    "Quotes are a <i>machine transcript — check against the video</i>.\n\n"
    "<b>What we store:</b> this chat's id and the settings you choose here (mode, States, keywords, quiet hours), "
    "and which alerts were sent to it. No names, no usernames, no phone numbers. /forget erases it all.\n\n"
    "You now follow the sessions, with matches and speaker changes. /help lists the commands."
)


@dataclass
class BotServices:
    """What the command handlers work with, shared through `application.bot_data`."""

    subscribers: SubscriberStore
    outbox: Outbox
    store: SessionStore
    admins: tuple[int, ...]
    routers: dict[str, AlertRouter] = field(default_factory=dict)  # the sessions running now, by id
    upcoming: Callable[[], list[SessionSettings]] = list  # the calendar, soonest first
    answers: CommandAnswers = field(default_factory=CommandAnswers)
    notify: Callable[[], None] = lambda: None  # new rows are in the outbox
    reload: Callable[[], str] | None = None  # re-read the session files (`uprwatch serve`); returns what changed
    report_after: dict[int, float] = field(default_factory=dict)  # chat → when it may ask for a report again

    def add_router(self, session_id: str, router: AlertRouter) -> None:
        """A session starts: its alerts wake the sender, and /status shows it."""
        router.on_queued = lambda: self.notify()
        self.routers[session_id] = router


Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]


def _services(context: ContextTypes.DEFAULT_TYPE) -> BotServices:
    return context.bot_data["uprwatch"]


def _kind(chat: Chat) -> str:
    kinds: dict[str, str] = {ChatType.PRIVATE: "private", ChatType.CHANNEL: "channel"}
    return kinds.get(chat.type, "group")


async def _reply(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
    message = update.effective_message
    if message:
        for part in split_html(text):
            await _services(context).answers.give(message.chat_id, partial(message.reply_text, part, ParseMode.HTML))


async def _may_change(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """In a group only its admins change settings (an anonymous admin posts as the group itself)."""
    chat, message = update.effective_chat, update.effective_message
    if chat is None or chat.type == ChatType.PRIVATE:
        return True
    if message and message.sender_chat and message.sender_chat.id == chat.id:
        return True
    user = update.effective_user
    if user is None:
        return False
    member = await context.bot.get_chat_member(chat.id, user.id)
    if member.status in (ChatMember.OWNER, ChatMember.ADMINISTRATOR):
        return True
    await _reply(update, context, "Only this group's admins can change its settings.")
    return False


SettingsBody = Callable[[Update, ContextTypes.DEFAULT_TYPE, BotServices, int], Awaitable[None]]


def _settings_handler(body: SettingsBody) -> Handler:
    """Wrap a command that changes a chat's settings: admin check, then the chat is registered."""

    async def handler(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat = update.effective_chat
        if chat is None or not await _may_change(update, context):
            return
        services = _services(context)
        services.subscribers.ensure(chat.id, _kind(chat))
        await body(update, context, services, chat.id)

    return handler


def _admin_handler(body: Callable[[Update, ContextTypes.DEFAULT_TYPE, BotServices], Awaitable[None]]) -> Handler:
    async def handler(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        services = _services(context)
        if update.effective_user is None or update.effective_user.id not in services.admins:
            await _reply(update, context, "This command is for the operator of this bot.")
            return
        await body(update, context, services)

    return handler


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE, s: BotServices, chat_id: int) -> None:
    s.subscribers.update(chat_id, following=True, reachable=True)
    await _reply(update, context, WELCOME)


async def help_(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    lines = [f"/{name} — {escape(text)}" for name, text in COMMANDS]
    if update.effective_user and update.effective_user.id in _services(context).admins:
        lines += ["", "Operator:"] + [f"/{name} — {escape(text)}" for name, text in ADMIN_COMMANDS]
    await _reply(update, context, "\n".join(lines))


def _coming(s: BotServices) -> list[tuple[SessionSettings, datetime]]:
    """Sessions still to start, with their start, soonest first."""
    now = datetime.now(UTC)
    return [(u, u.start) for u in s.upcoming() if u.start and u.start > now]


def _live_line(s: BotServices) -> str:
    lines = []
    for router in s.routers.values():
        status = router.status
        if not status.live:
            continue
        if status.waiting_for_stream:
            lines.append(
                f"⏳ Waiting for the stream: {escape(status.title)} (review of {escape(status.state_under_review)})"
            )
            continue
        line = f"🔴 Live: {escape(status.title)} (review of {escape(status.state_under_review)})"
        if status.speaker:
            line += f"\nOn the floor: {escape(status.speaker)}"
        if status.behind is not None:
            line += f"\nAlerts are {status.behind:.0f} s behind the stream."
        lines.append(line)
    if coming := _coming(s):
        (nxt, start), lead = coming[0], "Next" if lines else "Nothing live. Next"
        lines.append(f"{lead}: {escape(nxt.title)} (<code>{escape(nxt.id)}</code>), {geneva_time(start)}.")
    return "\n".join(lines) or "Nothing live, and no session is scheduled here yet."


async def follow(update: Update, context: ContextTypes.DEFAULT_TYPE, s: BotServices, chat_id: int) -> None:
    names = [n for arg in context.args or [] for n in arg.split(",") if n]
    if not names:  # resume what the chat followed before /stop
        chat = s.subscribers.update(chat_id, following=True)
        only = ", ".join(f"<code>{escape(n)}</code>" for n in chat.sessions)
        await _reply(update, context, f"You follow {f'{only} only' if only else 'every session'}.\n{_live_line(s)}")
        return
    if [n.lower() for n in names] == ["all"]:
        s.subscribers.follow(chat_id)
        await _reply(update, context, f"You follow every session.\n{_live_line(s)}")
        return
    known = {u.id for u in s.upcoming()} | set(s.routers) | {sid for sid, _ in s.store.sessions()}
    if unknown := [n for n in names if n not in known]:
        listed = ", ".join(f"<code>{escape(u.id)}</code>" for u, _ in _coming(s)) or "none scheduled"
        await _reply(
            update,
            context,
            f"No session {escape(', '.join(unknown))} here. Coming: {listed}. /follow alone follows every session.",
        )
        return
    chat = s.subscribers.follow(chat_id, tuple(names))
    only = ", ".join(f"<code>{escape(n)}</code>" for n in chat.sessions)
    await _reply(update, context, f"You follow {only} only; /follow all for every session.\n{_live_line(s)}")


async def mode(update: Update, context: ContextTypes.DEFAULT_TYPE, s: BotServices, chat_id: int) -> None:
    args = context.args or []
    if len(args) != 1 or args[0].lower() not in MODES:
        await _reply(update, context, USAGE["mode"])
        return
    chosen = args[0].lower()
    s.subscribers.update(chat_id, mode=chosen)
    what = {
        "all": "every statement as it is transcribed, plus matches",
        "matches": "matches and speaker changes",
        "digest": "a digest of matches and speakers every few minutes",
    }[chosen]
    await _reply(update, context, f"Mode: {chosen} — you get {what}.")


def _parse_states(text: str) -> tuple[list[str], list[str]]:
    """UN short names for the States named (comma-separated, or one per word), and the names not recognised."""
    pieces = [p.strip() for p in text.split(",") if p.strip()]
    names, unknown = [], []
    for piece in pieces:
        state = gazetteer().lookup(piece)
        words = piece.split()
        if state:
            names.append(state.name)
        elif len(pieces) == 1 and len(words) > 1 and all(gazetteer().lookup(w) for w in words):
            names += [state.name for w in words if (state := gazetteer().lookup(w))]
        else:
            unknown.append(piece)
    return list(dict.fromkeys(names)), unknown


async def states(update: Update, context: ContextTypes.DEFAULT_TYPE, s: BotServices, chat_id: int) -> None:
    text = " ".join(context.args or []).strip()
    if not text:
        current = s.subscribers.get(chat_id)
        shown = ", ".join(current.states) if current and current.states else "all delegations"
        await _reply(update, context, f"You hear from: {escape(shown)}.\n{USAGE['states']}")
        return
    if text.lower() == "all":
        s.subscribers.update(chat_id, states=())
        await _reply(update, context, "You hear from all delegations.")
        return
    names, unknown = _parse_states(text)
    if unknown or not names:
        await _reply(update, context, f"Not a State I know: {escape(', '.join(unknown) or text)}.\n{USAGE['states']}")
        return
    s.subscribers.update(chat_id, states=tuple(names))
    await _reply(update, context, f"You hear only from: {escape(', '.join(names))}.")


async def keywords(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    args = context.args or []
    action = args[0].lower() if args else ""
    chat = update.effective_chat
    if chat is None or action not in ("add", "remove", "list") or (action != "list" and len(args) < 2):
        await _reply(update, context, USAGE["keywords"])
        return
    s = _services(context)
    if action == "list":
        current = s.subscribers.get(chat.id)
        words = current.keywords if current else ()
        await _reply(update, context, "Your keywords: " + (escape(", ".join(words)) if words else "none") + ".")
        return
    if not await _may_change(update, context):
        return
    current = s.subscribers.ensure(chat.id, _kind(chat))
    term = " ".join(args[1:]).strip()
    if action == "add":
        updated = tuple(dict.fromkeys([*current.keywords, term]))
    else:
        updated = tuple(k for k in current.keywords if k.lower() != term.lower())
    s.subscribers.update(chat.id, keywords=updated)
    await _reply(update, context, "Your keywords: " + (escape(", ".join(updated)) if updated else "none") + ".")


async def quiet(update: Update, context: ContextTypes.DEFAULT_TYPE, s: BotServices, chat_id: int) -> None:
    text = "".join(context.args or []).strip().lower()
    if text == "off":
        s.subscribers.update(chat_id, quiet=None)
        await _reply(update, context, "Quiet hours off: alerts ring as usual.")
    elif _QUIET.match(text) and text[:5] != text[6:]:
        s.subscribers.update(chat_id, quiet=text)
        await _reply(update, context, f"From {text[:5]} to {text[6:]} Geneva time alerts still come, silently.")
    else:
        await _reply(update, context, USAGE["quiet"])


async def status(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    s = _services(context)
    lines = [_live_line(s)]
    chat = s.subscribers.get(update.effective_chat.id) if update.effective_chat else None
    if chat:
        lines.append(
            f"This chat: {'following' if chat.following else 'paused'} "
            f"({escape(', '.join(chat.sessions)) if chat.sessions else 'every session'}), mode {chat.mode}, "
            f"States: {escape(', '.join(chat.states) or 'all')}, "
            f"keywords: {escape(', '.join(chat.keywords) or 'none')}, "
            f"quiet: {chat.quiet or 'off'}."
        )
    else:
        lines.append("This chat does not follow the sessions; /start to begin.")
    await _reply(update, context, "\n".join(lines))


async def latest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    s = _services(context)
    chat = s.subscribers.get(update.effective_chat.id) if update.effective_chat else None
    found = [
        e
        for e in s.store.latest("match", 50)
        if e["kind"] != "keyword" and (chat is None or chat.follows(e["session"]))
    ][-LATEST_SHOWN:]
    if not found:
        await _reply(update, context, "No matches yet.")
        return
    lines = [f"<b>{escape(e['speaker'])}</b> [{escape(e['ref'])}] <i>{escape(e['quote'].strip())}</i>" for e in found]
    await _reply(update, context, "\n\n".join(lines) + "\n\n" + CAVEAT)


async def report(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The HTML report of a session: followers get the sessions they follow (all of them, while following);
    operators any session in the log."""
    s, chat, message = _services(context), update.effective_chat, update.effective_message
    if chat is None or message is None:
        return
    operator = update.effective_user is not None and update.effective_user.id in s.admins
    subscriber = s.subscribers.get(chat.id)
    if not operator and not (subscriber and subscriber.following):
        await _reply(update, context, "Reports go to chats that follow the sessions: /follow first.")
        return
    args = context.args or []
    if len(args) > 1:
        await _reply(update, context, USAGE["report"])
        return
    wait = s.report_after.get(chat.id, 0.0) - time.monotonic()
    if wait > 0 and not operator:  # a report is built on this machine: one per chat per minute
        await _reply(update, context, f"A report was just sent here; ask again in {wait:.0f} s.")
        return
    known = [sid for sid, _ in s.store.sessions() if operator or (subscriber and subscriber.follows(sid))]
    session = args[0] if args else next(iter(known), "")
    if session not in known:
        yours = ", ".join(known[:SHOWN_SESSIONS]) or "none yet"
        await _reply(update, context, f"No session {escape(session)} among your reports; known: {escape(yours)}.")
        return
    s.report_after[chat.id] = time.monotonic() + REPORT_EVERY_S
    report = await asyncio.to_thread(html_report_file, s.store, session)
    caption = f"📄 Report of <code>{escape(session)}</code>\n{CAVEAT}"
    document = io.BytesIO(report.data)
    send = partial(message.reply_document, document, filename=report.name, caption=caption, parse_mode=ParseMode.HTML)
    await s.answers.give(message.chat_id, send)


async def stop(update: Update, context: ContextTypes.DEFAULT_TYPE, s: BotServices, chat_id: int) -> None:
    s.subscribers.update(chat_id, following=False)
    await _reply(update, context, "Paused. /follow resumes; /forget erases this chat's data.")


async def forget(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    if [a.lower() for a in context.args or []] != ["yes"]:
        await _reply(
            update,
            context,
            "This erases this chat's settings and the record of what was sent here. "
            "Send <code>/forget yes</code> to confirm.",
        )
        return
    if not await _may_change(update, context):
        return
    s = _services(context)
    s.subscribers.forget(chat.id)
    s.outbox.forget(chat.id)
    s.store.forget_chat(chat.id)
    await _reply(update, context, "Erased. Nothing about this chat is stored any more.")


async def sessions(update: Update, context: ContextTypes.DEFAULT_TYPE, s: BotServices) -> None:
    args = context.args or []
    if len(args) > 1:
        await _reply(update, context, USAGE["sessions"])
        return
    if args == ["reload"] and s.reload is not None:
        await _reply(update, context, escape(s.reload()))
        return
    known = dict(s.store.sessions())
    if args:
        if args[0] not in known:
            await _reply(update, context, f"No session {escape(args[0])} in the log.\n{USAGE['sessions']}")
            return
        text = plain_transcript(s.store.events(args[0]))
        if message := update.effective_message:
            document = partial(
                message.reply_document, io.BytesIO(text.encode("utf-8")), filename=f"{args[0]}-transcript.txt"
            )
            await s.answers.give(message.chat_id, document)
        return
    lines = [f"<code>{escape(sid)}</code> — {count} events" for sid, count in known.items()] or ["The log is empty."]
    if coming := _coming(s):
        lines += ["", "Calendar:"]
        lines += [f"<code>{escape(u.id)}</code> — {escape(u.title)}, {geneva_time(start)}" for u, start in coming]
    await _reply(update, context, "\n".join(lines))


async def broadcast(update: Update, context: ContextTypes.DEFAULT_TYPE, s: BotServices) -> None:
    message = update.effective_message
    text = message.text.partition(" ")[2].strip() if message and message.text else ""
    if not text:
        await _reply(update, context, USAGE["broadcast"])
        return
    when = datetime.now(UTC)
    chats = s.subscribers.receiving()
    parts = split_html(f"📢 {escape(text)}")
    if s.outbox.put("broadcast", f"broadcast:{when.isoformat()}", {c.chat_id: (parts, False) for c in chats}):
        s.notify()
    await _reply(update, context, f"Queued for {len(chats)} chats.")


async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE, s: BotServices) -> None:
    chats = s.subscribers.all()
    by_kind = {k: sum(c.kind == k for c in chats) for k in ("private", "group", "channel")}
    by_mode = {m: sum(c.mode == m for c in chats if c.following and c.reachable) for m in MODES}
    following = sum(c.following and c.reachable for c in chats)
    outbox = s.outbox.counts()
    await _reply(
        update,
        context,
        f"Chats: {len(chats)} ({', '.join(f'{n} {k}' for k, n in by_kind.items())}); "
        f"{following} following, {sum(not c.reachable for c in chats)} unreachable.\n"
        f"Modes: {', '.join(f'{n} {m}' for m, n in by_mode.items())}.\n"
        f"Messages: {', '.join(f'{n} {state}' for state, n in sorted(outbox.items())) or 'none'}.",
    )


async def unknown(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    word = (message.text or "").split()[0] if message and message.text else "that"
    await _reply(update, context, f"I do not know {escape(word)}. /help lists the commands.")


async def failed(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A command whose answer could not be sent: one line in the log, the bot carries on."""
    error = context.error
    log.warning("answering a command failed: %s: %s", error.__class__.__name__, error)


def add_handlers(application: Application) -> None:  # type: ignore[type-arg]
    """Register every command, then the catch-all for unknown ones, and the error handler."""
    application.add_error_handler(failed)
    settings = {"start": start, "follow": follow, "mode": mode, "states": states, "quiet": quiet, "stop": stop}
    for name, body in settings.items():
        application.add_handler(CommandHandler(name, _settings_handler(body)))
    plain: dict[str, Handler] = {
        "help": help_,
        "keywords": keywords,
        "status": status,
        "latest": latest,
        "report": report,
        "forget": forget,
    }
    for name, handler in plain.items():
        application.add_handler(CommandHandler(name, handler))
    for name, admin_body in {"sessions": sessions, "broadcast": broadcast, "stats": stats}.items():
        application.add_handler(CommandHandler(name, _admin_handler(admin_body)))
    application.add_handler(MessageHandler(filters.COMMAND, unknown))


def bot_commands(admin: bool = False) -> list[BotCommand]:
    """The command menu shown by Telegram clients; operators also see theirs."""
    return [BotCommand(n, d) for n, d in COMMANDS + (ADMIN_COMMANDS if admin else [])]
