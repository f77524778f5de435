"""The session log: every event of every session in one table, through SQLAlchemy (SQLite or PostgreSQL)."""

from __future__ import annotations

import json

from sqlalchemy import JSON, Engine, Float, Integer, String, delete, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column
from uprwatch.bot.database import Base, open_database
from uprwatch.bot.events import Event


class EventRow(Base):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session: Mapped[str] = mapped_column(String(200), index=True)
    type: Mapped[str] = mapped_column(String(40), index=True)
    at: Mapped[str] = mapped_column(String(40))
    start: Mapped[float | None] = mapped_column(Float, nullable=True)
    payload: Mapped[dict] = mapped_column(JSON)


class SessionStore:
    """Appends events as they happen (one commit each, so a crash loses nothing already emitted; an import adds a
    whole session in one)."""

    def __init__(self, url: str, existing: bool = False):
        self.engine = open_database(url, existing)

    @classmethod
    def on(cls, engine: Engine) -> SessionStore:
        """The log in a database already open (the outbox's, in the same deployment)."""
        store = cls.__new__(cls)
        store.engine = engine
        return store

    def emit(self, event: Event) -> None:
        """Record one event."""
        self.emit_all([event])

    def emit_all(self, events: list[Event]) -> None:
        """Record several events in one transaction: all of them or, on an error, none."""
        with Session(self.engine) as db, db.begin():
            db.add_all(
                EventRow(
                    session=event["session"],
                    type=event["type"],
                    at=event["at"],
                    start=event.get("start"),
                    payload=json.loads(json.dumps(event)),
                )
                for event in events
            )

    def events(self, session: str, type_: str | None = None) -> list[Event]:
        """A session's events in the order they were recorded, optionally of one type."""
        query = select(EventRow).where(EventRow.session == session).order_by(EventRow.id)
        if type_:
            query = query.where(EventRow.type == type_)
        with Session(self.engine) as db:
            return [dict(row.payload) for row in db.scalars(query)]

    def holds(self, session: str) -> bool:
        """Whether any event of a session is in the log (the record of alerts sent included)."""
        with Session(self.engine) as db:
            return db.scalar(select(EventRow.id).where(EventRow.session == session).limit(1)) is not None

    def last_mark(self, session: str) -> Event | None:
        """The session's last `session_started` or `session_ended` event: whether it is under way or over."""
        query = (
            select(EventRow)
            .where(EventRow.session == session, EventRow.type.in_(("session_started", "session_ended")))
            .order_by(EventRow.id.desc())
            .limit(1)
        )
        with Session(self.engine) as db:
            row = db.scalars(query).first()
            return dict(row.payload) if row else None

    def types(self, sessions: list[str]) -> dict[str, set[str]]:
        """The event types the log holds for each of these sessions."""
        query = select(EventRow.session, EventRow.type).where(EventRow.session.in_(sessions)).distinct()
        found: dict[str, set[str]] = {s: set() for s in sessions}
        with Session(self.engine) as db:
            for session, type_ in db.execute(query):
                found[session].add(type_)
        return found

    def latest(self, type_: str, limit: int) -> list[Event]:
        """The last `limit` events of a type across sessions, oldest first."""
        query = select(EventRow).where(EventRow.type == type_).order_by(EventRow.id.desc()).limit(limit)
        with Session(self.engine) as db:
            return [dict(row.payload) for row in reversed(db.scalars(query).all())]

    def sessions(self) -> list[tuple[str, int]]:
        """Every session in the log with its number of events, most recent first (the records of alerts sent
        are not counted: a broadcast is no session)."""
        query = (
            select(EventRow.session, func.count(EventRow.id), func.max(EventRow.id))
            .where(EventRow.type != "alert_sent")
            .group_by(EventRow.session)
            .order_by(func.max(EventRow.id).desc())
        )
        with Session(self.engine) as db:
            return [(session, count) for session, count, _ in db.execute(query)]

    def forget_chat(self, chat_id: int) -> int:
        """Delete the `alert_sent` records naming a chat; returns how many went."""
        with Session(self.engine) as db, db.begin():
            rows = db.scalars(select(EventRow).where(EventRow.type == "alert_sent")).all()
            ids = [row.id for row in rows if row.payload.get("chat") == chat_id]
            if ids:
                db.execute(delete(EventRow).where(EventRow.id.in_(ids)))
            return len(ids)

    def close(self) -> None:
        self.engine.dispose()
