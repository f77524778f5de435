"""The one database a deployment uses (SQLite file or PostgreSQL URL): session log, subscribers and outbox."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import ArgumentError, OperationalError
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


def open_database(url: str) -> Engine:
    """Connect and create any missing tables; a bad URL or unreachable server is a UserError."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).expanduser().parent.mkdir(parents=True, exist_ok=True)
    try:
        engine = create_engine(url)
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        Base.metadata.create_all(engine)
    except (ArgumentError, OperationalError) as exc:
        raise UserError(
            f"cannot open the session database {url!r} ({exc.__class__.__name__}); give a URL like sqlite:///path/to/file.db"
        ) from None
    except ModuleNotFoundError as exc:
        raise UserError(f"the database driver for {url!r} is not installed ({exc.name}); pip install it") from None
    return engine
