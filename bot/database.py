"""The one database a deployment uses (SQLite file or PostgreSQL URL): session log, subscribers and outbox."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, OperationalError
from sqlalchemy.orm import DeclarativeBase
from uprwatch.config.errors import UserError


class Base(DeclarativeBase):
    pass


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL keeps the one-commit-per-event and one-commit-per-sent-message pattern cheap, and lets a
    # report reader look at the log while a session is writing it.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class NoSessionLog(UserError):
    """The database named holds no session log (yet): commands that only read one can fall back."""


def shown_url(url: str) -> str:
    """A database URL as messages show it: without its password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def _check_ours(engine: Engine, url: str, existing: bool) -> None:
    """Refuse a database that belongs to something else — a table of our name with other columns, or tables of
    which none is ours — and, with `existing`, one without a session log. Nothing is written to it before."""
    found = inspect(engine)
    tables = set(found.get_table_names())
    ours = {table.name for table in Base.metadata.sorted_tables}
    for name in sorted(tables & ours):
        table = Base.metadata.tables[name]
        missing = {c.name for c in table.columns} - {c["name"] for c in found.get_columns(name)}
        if missing:
            raise UserError(
                f"{url} is not an uprwatch database: its table {name!r} lacks {', '.join(sorted(missing))}; "
                "give the --db URL of a database uprwatch wrote, or a new file"
            )
    if tables and not tables & ours:
        raise UserError(
            f"{url} is another program's database ({len(tables)} tables, none of uprwatch's); "
            "give the --db URL of a database uprwatch wrote, or a new file"
        )
    if existing and "events" not in tables:
        raise NoSessionLog(f"{url} holds no uprwatch session log (no events table); give the --db URL uprwatch wrote")


def open_database(url: str, existing: bool = False) -> Engine:
    """Connect and create any missing tables, or (`existing`) only read a session log that is already there; a bad
    URL, an unreachable server, or a damaged or foreign database is a UserError, and such a database is left as it
    was."""
    shown = shown_url(url)
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///")).expanduser()
        if existing and not path.is_file():
            raise NoSessionLog(f"no session log at {path}; give the --db URL that serve, replay or demo wrote to")
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        engine = create_engine(url)
        _check_ours(engine, shown, existing)  # before any pragma or table is written
        if not existing:
            engine.dispose()  # the connection that looked stays out of the pool: every one from now has the pragmas
            if engine.dialect.name == "sqlite":
                event.listen(engine, "connect", _sqlite_pragmas)
            Base.metadata.create_all(engine)
    except (ArgumentError, DatabaseError) as exc:
        if isinstance(exc, DatabaseError) and not isinstance(exc, OperationalError) and url.startswith("sqlite"):
            raise UserError(
                f"{shown} is damaged or not a SQLite database ({exc.orig}); give the --db URL uprwatch wrote"
            ) from None
        raise UserError(
            f"cannot open the session database {shown!r} ({exc.__class__.__name__}); "
            "give a URL like sqlite:///path/to/file.db"
        ) from None
    except ModuleNotFoundError as exc:
        raise UserError(f"the database driver for {shown!r} is not installed ({exc.name}); pip install it") from None
    return engine
