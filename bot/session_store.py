"""The session log: every event of every session in one table, through SQLAlchemy (SQLite or PostgreSQL)."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import JSON, Float, Integer, String, create_engine, select
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from uprwatch.bot.events import Event
from uprwatch.config.errors import UserError


class _Base(DeclarativeBase):
    pass


class EventRow(_Base):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session: Mapped[str] = mapped_column(String(200), index=True)
    type: Mapped[str] = mapped_column(String(40), index=True)
    at: Mapped[str] = mapped_column(String(40))
    start: Mapped[float | None] = mapped_column(Float, nullable=True)
    payload: Mapped[dict] = mapped_column(JSON)


class SessionStore:
    """Appends events as they happen (one commit each, so a crash loses nothing already emitted)."""

    def __init__(self, url: str):
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).expanduser().parent.mkdir(parents=True, exist_ok=True)
        try:
            self.engine = create_engine(url)
            _Base.metadata.create_all(self.engine)
        except (ArgumentError, OperationalError) as exc:
            raise UserError(
                f"cannot open the session database {url!r} ({exc.__class__.__name__}); give a URL like sqlite:///path/to/file.db"
            ) from None
        except ModuleNotFoundError as exc:
            raise UserError(f"the database driver for {url!r} is not installed ({exc.name}); pip install it") from None

    def emit(self, event: Event) -> None:
        """Record one event."""
        with Session(self.engine) as db, db.begin():
            db.add(
                EventRow(
                    session=event["session"],
                    type=event["type"],
                    at=event["at"],
                    start=event.get("start"),
                    payload=json.loads(json.dumps(event)),
                )
            )

    def events(self, session: str, type_: str | None = None) -> list[Event]:
        """A session's events in the order they were recorded, optionally of one type."""
        query = select(EventRow).where(EventRow.session == session).order_by(EventRow.id)
        if type_:
            query = query.where(EventRow.type == type_)
        with Session(self.engine) as db:
            return [dict(row.payload) for row in db.scalars(query)]

    def close(self) -> None:
        self.engine.dispose()
