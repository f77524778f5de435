"""`uprwatch` command line: demo, replay, serve, sessions, report, transcribe, match, corpus."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from uprwatch.config import defaults, samples
from uprwatch.config.defaults import REPORT_FORMATS
from uprwatch.config.errors import UserError
from uprwatch.config.samples import SESSIONS_DIR
from uprwatch.config.session_file import ScheduleSettings, SessionFile, load_session_file

# Each command imports what it runs, inside it: Whisper, yt-dlp, Telegram and SQLAlchemy together take two seconds
# to import, which `uprwatch --help`, `report` or `sessions` should not wait for.
if TYPE_CHECKING:
    from uprwatch.bot.session_runner import RunSummary, SessionRunner
    from uprwatch.bot.session_store import SessionStore
    from uprwatch.bot.telegram.app import TelegramBot
    from uprwatch.matching.corpus import Corpus

DEMO_LEAD_S = 10  # seconds from `serve --demo` to the demo session's start


def _note(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _telegram(settings: SessionFile, store: SessionStore, runner: SessionRunner, corpus: Corpus) -> TelegramBot | None:
    """The Telegram bot for this session, or None (said once) when no token is configured."""
    from uprwatch.bot.session_setup import session_router
    from uprwatch.bot.telegram.app import TOKEN_ENV, TelegramBot, find_token
    from uprwatch.bot.telegram.commands import BotServices
    from uprwatch.bot.telegram.outbox import Outbox
    from uprwatch.bot.telegram.subscribers import SubscriberStore

    token = find_token(settings.telegram)
    if token is None:
        _note(f"Telegram: off (no {TOKEN_ENV}); alerts go to the console, the events file and the session log.")
        return None
    s = settings.session
    subscribers, outbox = SubscriberStore(store.engine), Outbox(store.engine)
    for channel in settings.telegram.channels:  # in a log `serve` wrote, a channel may follow named sessions only
        named = subscribers.get(channel)
        if named is not None and named.sessions and s.id not in named.sessions:
            subscribers.name_sessions(channel, (*named.sessions, s.id))
    router = session_router(settings, runner.events, corpus, subscribers, outbox)
    runner.sinks.append(router)
    services = BotServices(subscribers, outbox, store, settings.telegram.admins, upcoming=lambda: [s])
    services.add_router(s.id, router)
    return TelegramBot(token, settings.telegram, services)


async def _run_with_telegram(runner: SessionRunner, telegram: TelegramBot | None, drain_s: float) -> RunSummary:
    if telegram is None:
        return await runner.run()
    _note(f"Telegram: @{await telegram.start()} is up")
    try:
        return await runner.run()
    finally:
        if not await telegram.stop(drain_s):
            _note("Telegram: some alerts are still queued; they go out the next time the bot starts.")


def _replay(
    session_path: Path,
    source: str | None,
    events_path: str | None,
    db_url: str | None,
    realtime: bool,
    model: str | None,
    show_utterances: bool,
) -> int:
    from uprwatch.bot.console_notifier import ConsoleNotifier
    from uprwatch.bot.database import shown_url
    from uprwatch.bot.events_file import EventsFile
    from uprwatch.bot.session_runner import SessionRunner, Sink
    from uprwatch.bot.session_setup import session_corpus, session_engines
    from uprwatch.bot.session_store import SessionStore
    from uprwatch.transcribe.sources import open_source

    settings = load_session_file(session_path)
    spec = source or settings.session.source
    if not spec:
        raise UserError(f"{settings.path}: no source; set [session] source or pass --source PATH_OR_URL")
    corpus = session_corpus(settings)
    src = open_source(spec, realtime=realtime, language=settings.session.language, until=settings.session.end)
    _note(f"loading Whisper model {model or settings.model} …")
    engine, catch_up = session_engines(settings, model)
    store = SessionStore(db_url or defaults.default_db_url())
    sinks: list[Sink] = [store]
    events_file = EventsFile(events_path) if events_path else None
    if events_file:
        sinks.append(events_file)
    runner = SessionRunner(settings, src, engine, corpus, sinks, realtime=realtime, catch_up=catch_up)
    runner.sinks.append(ConsoleNotifier(runner.events.wall, {i.id: i for i in corpus.items}, show_utterances))
    try:
        telegram = _telegram(settings, store, runner, corpus)
        summary = asyncio.run(_run_with_telegram(runner, telegram, settings.telegram.drain_s))
    finally:
        store.close()
        if events_file:
            events_file.close()
    _note(
        f"\n{summary.turns} turns, {summary.utterances} utterances, {summary.matches} matches; "
        f"session log in {shown_url(db_url or defaults.default_db_url())}"
        + (f", events in {events_path}" if events_path else "")
    )
    if summary.error:
        raise UserError(summary.error)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    out = defaults.data_dir() / "demo"
    _note("Replaying the bundled illustrative UPR mini-session (synthetic voices, illustrative corpus).")
    return _replay(
        samples.DEMO_SESSION,
        None,
        args.events or str(out / "events.jsonl"),
        args.db or f"sqlite:///{out / 'session.db'}",
        args.realtime,
        args.model,
        True,
    )


def cmd_replay(args: argparse.Namespace) -> int:
    return _replay(Path(args.session), args.source, args.events, args.db, args.realtime, args.model, not args.quiet)


def cmd_transcribe(args: argparse.Namespace) -> int:
    from uprwatch.transcribe.pipeline import transcribe_source
    from uprwatch.transcribe.sources import open_source
    from uprwatch.transcribe.types import StreamGap
    from uprwatch.transcribe.whisper_engine import WhisperEngine

    if args.translate and args.language == "en":
        raise UserError("--translate: the audio is already English; add --language floor (or fr, es, …) to translate")
    source = open_source(args.audio, language=args.language)
    engine = WhisperEngine(args.model, None if args.language == "floor" else args.language, translate=args.translate)

    async def run() -> None:
        async for u in transcribe_source(source, engine):
            if isinstance(u, StreamGap):
                gap = {"gap": True, "start": u.start, "end": u.end, "reason": u.reason}
                print(json.dumps(gap) if args.json else f"[{u.start:8.2f} → {u.end:8.2f}]  (no audio: {u.reason})")
                continue
            if args.json:
                print(
                    json.dumps(
                        {
                            "start": u.start,
                            "end": u.end,
                            "text": u.text,
                            "confidence": u.confidence,
                            "language": u.language,
                            **({"translated_from": u.translated_from} if u.translated_from else {}),
                        }
                    ),
                    flush=True,
                )
            else:
                print(f"[{u.start:8.2f} → {u.end:8.2f}]  {u.text}", flush=True)

    asyncio.run(run())
    return 0


def _match_rows(path: Path) -> list[dict]:
    rows = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise UserError(f"cannot read {path} ({exc.strerror})") from None
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            raise UserError(f'{path}: line {n} is not JSON; each line must be {{"id", "text", "speaker"?}}') from None
        if not isinstance(row, dict) or "id" not in row or not isinstance(row.get("text"), str):
            raise UserError(f'{path}: line {n} needs "id" and "text"')
        rows.append(row)
    return rows


def cmd_match(args: argparse.Namespace) -> int:
    from uprwatch.matching.corpus_loader import load_corpus
    from uprwatch.matching.gazetteer import gazetteer
    from uprwatch.matching.matcher import Matcher

    if bool(args.text) == bool(args.input):
        raise UserError("give either TEXT or --input IN.jsonl")
    corpus = load_corpus([Path(p) for p in args.corpus], None, args.state_under_review)
    for problem in corpus.problems[:5]:
        _note(f"corpus: {problem}")
    if len(corpus.problems) > 5:
        _note(f"corpus: {len(corpus.problems) - 5} more problems; see uprwatch corpus inspect")
    matcher = Matcher(corpus.items, args.min_score)
    sur = gazetteer().lookup(args.state_under_review) if args.state_under_review else None
    rows = _match_rows(Path(args.input)) if args.input else [{"id": "text", "text": args.text, "speaker": args.speaker}]
    for row in rows:
        speaker = gazetteer().lookup(row.get("speaker") or "") if row.get("speaker") else None
        answering = sur is not None and speaker == sur
        found = sorted(matcher.match_text(row["text"], answering=answering), key=lambda m: -m.score)
        if args.json:
            out = [
                {
                    "id": m.item.id,
                    "kind": m.item.kind,
                    "score": m.score,
                    "text": m.item.text,
                    "recommending_states": list(m.states),
                    "position": m.item.position,
                }
                for m in found
            ]
            print(json.dumps({"id": row["id"], "matches": out}, ensure_ascii=False))
        else:
            for m in found:
                group = f" [also {', '.join(m.group)}]" if m.group else ""
                print(
                    f"{row['id']}\t{m.score:5.1f}\t{m.item.id}{group} ({', '.join(m.states)}) {m.item.position or ''}"
                )
                print(f'\t"{m.quote}"\n\t≈ {m.item.text}')
            if not found:
                print(f"{row['id']}\tno match at or above {args.min_score:g}")
    if args.stats:
        ms = sorted(matcher.query_ms) or [0.0]
        stats = {
            "queries": len(matcher.query_ms),
            "p50_ms": round(ms[len(ms) // 2], 3),
            "p95_ms": round(ms[min(len(ms) - 1, int(len(ms) * 0.95))], 3),
            "index_build_s": round(matcher.build_seconds, 3),
            "corpus_size": len(corpus.items),
        }
        print(json.dumps(stats), file=sys.stderr)
    return 0


def cmd_corpus_inspect(args: argparse.Namespace) -> int:
    from uprwatch.bot.corpus_report import inspect_report
    from uprwatch.matching.corpus_loader import load_corpus

    corpus = load_corpus([Path(p) for p in args.files], None, args.state_under_review)
    for line in inspect_report(corpus):
        print(line)
    return 0


def _calendar_times(when: datetime) -> str:
    geneva = when.astimezone(ZoneInfo(defaults.DEFAULT_TIMEZONE))
    local = when.astimezone()
    return f"{geneva:%a %d %b %Y %H:%M} Geneva ({local:%H:%M %Z} here)"


def _logged_types(db: str, sessions: list[str]) -> dict[str, set[str]] | None:
    """The event types the session log holds per session; None when there is no log yet."""
    from uprwatch.bot.database import NoSessionLog
    from uprwatch.bot.session_store import SessionStore

    try:
        store = SessionStore(db, existing=True)
    except NoSessionLog:
        return None
    try:
        return store.types(sessions)
    finally:
        store.close()


def cmd_sessions_list(args: argparse.Namespace) -> int:
    from uprwatch.bot.session_calendar import ENDED, check_sessions, session_files

    calendar = check_sessions(session_files(Path(args.sessions)))
    now = datetime.now(UTC)
    logged = _logged_types(args.db or defaults.default_db_url(), [b.id for b in calendar.bookings])
    states = {b.id: b.state(now) if logged is None else b.observed_state(now, logged[b.id]) for b in calendar.bookings}
    shown = [b for b in calendar.bookings if states[b.id] != ENDED or args.all]
    width = max((len(state) for state in states.values()), default=0)
    id_width = max((len(b.id) for b in shown), default=0)
    for booking in shown:
        when = f"{_calendar_times(booking.start)} – {booking.end:%H:%M}"
        print(f"{booking.id:<{id_width}}  {states[booking.id]:<{width}}  {when}  {booking.settings.session.title}")
    if not shown:
        print("No upcoming or running sessions." + ("" if args.all else " (--all shows ended ones too)"))
    if calendar.problems:
        print(f"{len(calendar.problems)} problem(s) keep sessions off the calendar; run `uprwatch sessions check`.")
    return 0


def cmd_sessions_check(args: argparse.Namespace) -> int:
    from uprwatch.bot.session_calendar import check_sessions, session_files

    paths = [Path(p) for p in args.files] or session_files(Path(args.sessions))
    calendar = check_sessions(paths)
    for problem in calendar.problems:
        print(f"uprwatch: error: {problem}", file=sys.stderr)
    for booking in calendar.bookings:
        print(f"ok  {booking.settings.path.name}: {booking.id}, {_calendar_times(booking.start)}")
    return 2 if calendar.problems else 0


def _demo_booking() -> SessionFile:
    """The illustrative demo session, scheduled a few seconds from now so the whole day passes in minutes."""
    demo = load_session_file(samples.DEMO_SESSION)
    now = datetime.now(ZoneInfo(demo.session.timezone)).replace(microsecond=0)
    start = now + timedelta(seconds=DEMO_LEAD_S)
    session = replace(demo.session, id=f"demo-{now:%Y%m%d-%H%M%S}", start=start, end=start + timedelta(minutes=4))
    schedule = ScheduleSettings(reminders=(timedelta(seconds=DEMO_LEAD_S // 2),), pre_roll=timedelta(0),
                                overrun=timedelta(minutes=1))  # fmt: skip
    return replace(demo, session=session, schedule=schedule)


def cmd_serve(args: argparse.Namespace) -> int:
    from uprwatch.bot.service import Service

    folder = Path(args.sessions)
    if not folder.is_dir() and not args.demo:
        raise UserError(f"no sessions folder at {folder}; create it or pass --sessions DIR")
    extra = [_demo_booking()] if args.demo else []
    service = Service(folder, args.db or defaults.default_db_url(), args.model, extra)
    return asyncio.run(service.run())


def _report_list(store: SessionStore) -> int:
    sessions = store.sessions()
    for session, count in sessions:
        events = store.events(session, "session_started")[:1]
        title = f"  {events[0]['title']} ({events[0]['at'][:16].replace('T', ' ')})" if events else ""
        print(f"{session}  {count} events{title}")
    if not sessions:
        print("The log holds no session.")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """`uprwatch report`: a session's report in one format, the list of sessions, or an import."""
    from uprwatch.bot.database import shown_url
    from uprwatch.bot.reports.formats import render
    from uprwatch.bot.reports.json_export import import_session
    from uprwatch.bot.session_store import SessionStore

    db = args.db or defaults.default_db_url()
    if args.target[:1] == ["import"]:
        if len(args.target) != 2:
            raise UserError("usage: uprwatch report import FILE.json [--db URL]")
        store = SessionStore(db)
        try:
            session, count = import_session(Path(args.target[1]), store)
        finally:
            store.close()
        _note(f"imported session {session}: {count} events into {shown_url(db)}")
        return 0
    if args.list == bool(args.target) or len(args.target) > 1:
        raise UserError("give one SESSION_ID (or --list, or: import FILE.json)")
    store = SessionStore(db, existing=True)
    try:
        if args.list:
            return _report_list(store)
        session = args.target[0]
        report, data = render(store, session, args.format)
    finally:
        store.close()
    out = args.out or f"{session}.{args.format}"
    if out == "-":
        sys.stdout.buffer.write(data)
        return 0
    try:
        Path(out).write_bytes(data)
    except OSError as exc:
        raise UserError(f"cannot write {out} ({exc.strerror}); give --out a writable path, or -") from None
    status = " (in progress: up to the last event recorded)" if report.in_progress else ""
    _note(f"{args.format} report of {session}{status}: {out} ({len(data) / 1024:.0f} KB)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="uprwatch", description="Live monitor for UN Human Rights Council meetings.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("demo", help="replay the bundled illustrative session through the real pipeline")
    p.add_argument("--model", help="Whisper model (default: the session file's, embedded:base)")
    p.add_argument("--events", help="JSONL events file (default: in the data directory)")
    p.add_argument("--db", help="session log database URL")
    p.add_argument("--realtime", action="store_true", help="pace the audio at real time")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("replay", help="run one session's pipeline over a source")
    p.add_argument("--session", required=True, help="session file (TOML)")
    p.add_argument("--source", help="audio/video file; overrides the session file's source")
    p.add_argument("--events", help="write events as JSON lines to this file")
    p.add_argument("--db", help=f"session log database URL (default {defaults.default_db_url()})")
    p.add_argument("--realtime", action="store_true", help="pace the source at real time")
    p.add_argument("--model", help="Whisper model; overrides the session file's")
    p.add_argument("--quiet", action="store_true", help="print turns and matches only, not every utterance")
    p.set_defaults(func=cmd_replay)

    p = sub.add_parser("transcribe", help="print the utterances in an audio file with start/end times")
    p.add_argument("audio", help="audio/video file or HLS .m3u8 URL")
    p.add_argument("--model", default=defaults.DEFAULT_MODEL)
    p.add_argument("--language", default="en", help="en, fr, es, ru, zh, ar, or floor (default en)")
    p.add_argument("--translate", action="store_true", help="English translation of what is said (multilingual model)")
    p.add_argument("--json", action="store_true", help="one JSON object per utterance")
    p.set_defaults(func=cmd_transcribe)

    p = sub.add_parser("match", help="match text against recommendation corpora")
    p.add_argument("text", nargs="?", help="a statement to match")
    p.add_argument("--corpus", action="append", required=True, help="corpus file (see `corpus inspect`); repeatable")
    p.add_argument("--input", help='JSON lines {"id", "text", "speaker"?} to match')
    p.add_argument("--state-under-review", help="State whose review this is")
    p.add_argument("--speaker", help="who said TEXT")
    p.add_argument("--min-score", type=float, default=defaults.DEFAULT_MIN_SCORE, help="alert threshold, 0–100")
    p.add_argument("--json", action="store_true", help="one JSON line per input")
    p.add_argument("--stats", action="store_true", help="print query timings as one JSON line on stderr")
    p.set_defaults(func=cmd_match)

    p = sub.add_parser("corpus", help="work with corpus files")
    corpus_sub = p.add_subparsers(dest="corpus_command", required=True)
    p = corpus_sub.add_parser("inspect", help="counts per State, position and theme, and the first problems")
    p.add_argument("files", nargs="+", help="corpus files (.docx matrix, UPR Info .csv, .jsonl, .csv, .txt)")
    p.add_argument("--state-under-review", help="keep only recommendations made to this State")
    p.set_defaults(func=cmd_corpus_inspect)

    p = sub.add_parser("serve", help="run the calendar: reminders, each session's pipeline, alerts, summaries")
    p.add_argument("--sessions", default=str(SESSIONS_DIR), help=f"folder of session files (default {SESSIONS_DIR})")
    p.add_argument("--db", help=f"session log database URL (default {defaults.default_db_url()})")
    p.add_argument("--model", help="Whisper model for every session; overrides the session files'")
    p.add_argument("--demo", action="store_true", help="also run the illustrative demo session, starting in seconds")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser(
        "report",
        help="a session's report (html, md, json, csv, srt, vtt); --list the sessions; import FILE.json",
        usage="uprwatch report SESSION_ID [--format FMT] [--out PATH] [--db URL] | --list | import FILE.json",
    )
    p.add_argument("target", nargs="*", help="SESSION_ID, or: import FILE.json")
    p.add_argument("--format", default="html", help=f"{' | '.join(REPORT_FORMATS)} (default html)")
    p.add_argument("--out", help="file to write (default SESSION_ID.FORMAT here; - for the terminal)")
    p.add_argument("--db", help=f"session log database URL (default {defaults.default_db_url()})")
    p.add_argument("--list", action="store_true", help="the sessions in the log")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("sessions", help="the calendar of session files that `serve` runs")
    sessions_sub = p.add_subparsers(dest="sessions_command", required=True)
    p = sessions_sub.add_parser("list", help="upcoming and running sessions, Geneva and local time")
    p.add_argument("--sessions", default=str(SESSIONS_DIR), help=f"folder of session files (default {SESSIONS_DIR})")
    p.add_argument("--all", action="store_true", help="ended sessions too")
    p.add_argument("--db", help="session log the service writes, to tell waiting, live and ended apart")
    p.set_defaults(func=cmd_sessions_list)
    p = sessions_sub.add_parser("check", help="every problem in session files at once (times, ids, corpus, source)")
    p.add_argument("files", nargs="*", help="session files (default: every file in --sessions)")
    p.add_argument("--sessions", default=str(SESSIONS_DIR), help="folder of session files")
    p.set_defaults(func=cmd_sessions_check)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `uprwatch` console script."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # httpx logs request URLs, which hold the bot token
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except UserError as exc:
        print(f"uprwatch: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("uprwatch: interrupted; everything recorded so far is kept", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
