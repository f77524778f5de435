"""The one database a deployment uses (SQLite file or PostgreSQL URL): session log, subscribers and outbox."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect
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


def _check_ours(engine: Engine, url: str) -> None:
    """Refuse a database whose tables of our names have other columns: it belongs to something else."""
    found = inspect(engine)
    for table in Base.metadata.sorted_tables:
        if found.has_table(table.name):
            missing = {c.name for c in table.columns} - {c["name"] for c in found.get_columns(table.name)}
            if missing:
                raise UserError(
                    f"{url} is not an uprwatch database: its table {table.name!r} lacks {', '.join(sorted(missing))}; "
                    "give the --db URL of a database uprwatch wrote, or a new file"
                )


def open_database(url: str, existing: bool = False) -> Engine:
    """Connect and create any missing tables (with `existing`, the database must already hold a session log);
    a bad URL, an unreachable server, or a damaged or foreign database is a UserError."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///")).expanduser()
        if existing and not path.is_file():
            raise UserError(f"no session log at {path}; give the --db URL that serve, replay or demo wrote to")
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        engine = create_engine(url)
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        _check_ours(engine, url)
        if existing and not inspect(engine).has_table("events"):
            raise UserError(f"{url} holds no uprwatch session log (no events table); give the --db URL uprwatch wrote")
        Base.metadata.create_all(engine)
    except (ArgumentError, DatabaseError) as exc:
        if isinstance(exc, DatabaseError) and not isinstance(exc, OperationalError):  # "file is not a database"
            raise UserError(
                f"{url} is damaged or not a SQLite database ({exc.orig}); give the --db uprwatch wrote"
            ) from None
        raise UserError(
            f"cannot open the session database {url!r} ({exc.__class__.__name__}); give a URL like sqlite:///path/to/file.db"
        ) from None
    except ModuleNotFoundError as exc:
        raise UserError(f"the database driver for {url!r} is not installed ({exc.name}); pip install it") from None
    return engine
