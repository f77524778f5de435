"""Who gets alerts: one row per chat holding its id and its settings, and nothing about the people in it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from sqlalchemy import JSON, BigInteger, Boolean, Engine, String, delete, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column
from uprwatch.bot.database import Base

MODES = ("all", "matches", "digest")
DEFAULT_MODE = "matches"


class ChatRow(Base):
    __tablename__ = "chats"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(10))  # private / group / channel
    following: Mapped[bool] = mapped_column(Boolean, default=True)  # False after /stop
    reachable: Mapped[bool] = mapped_column(Boolean, default=True)  # False once Telegram answers Forbidden
    mode: Mapped[str] = mapped_column(String(10), default=DEFAULT_MODE)
    states: Mapped[list] = mapped_column(JSON, default=list)
    keywords: Mapped[list] = mapped_column(JSON, default=list)
    quiet: Mapped[str | None] = mapped_column(String(11), nullable=True)  # "22:00-07:00"


class FollowRow(Base):
    """A session a chat follows by name; a chat with none follows every session (its own table, so that logs
    written before it existed need no migration)."""

    __tablename__ = "follows"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    session: Mapped[str] = mapped_column(String(200), primary_key=True)


@dataclass(frozen=True)
class Chat:
    """A subscriber's settings as the router and the commands read them."""

    chat_id: int
    kind: str
    following: bool = True
    reachable: bool = True
    mode: str = DEFAULT_MODE
    states: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    quiet: str | None = None
    sessions: tuple[str, ...] = ()  # the sessions it follows by name; none: every session

    def follows(self, session: str) -> bool:
        """Whether this chat wants a session's alerts (it may be paused all the same)."""
        return not self.sessions or session in self.sessions

    def quiet_at(self, now: time) -> bool:
        """Whether `now` falls in the chat's quiet hours (which may wrap past midnight)."""
        if not self.quiet:
            return False
        start, end = (time.fromisoformat(t) for t in self.quiet.split("-"))
        return start <= now < end if start <= end else now >= start or now < end


def _chat(row: ChatRow, sessions: tuple[str, ...] = ()) -> Chat:
    return Chat(
        chat_id=row.chat_id,
        kind=row.kind,
        following=row.following,
        reachable=row.reachable,
        mode=row.mode,
        states=tuple(row.states or ()),
        keywords=tuple(row.keywords or ()),
        quiet=row.quiet,
        sessions=sessions,
    )


def _named(db: Session, chat_ids: list[int] | None = None) -> dict[int, tuple[str, ...]]:
    """The sessions each chat follows by name (every chat's, or these chats')."""
    query = select(FollowRow).order_by(FollowRow.session)
    if chat_ids is not None:
        query = query.where(FollowRow.chat_id.in_(chat_ids))
    named: dict[int, tuple[str, ...]] = {}
    for row in db.scalars(query):
        named[row.chat_id] = (*named.get(row.chat_id, ()), row.session)
    return named


class SubscriberStore:
    """Reads and changes chat settings; every change is committed at once."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def get(self, chat_id: int) -> Chat | None:
        with Session(self.engine) as db:
            row = db.get(ChatRow, chat_id)
            return _chat(row, _named(db, [chat_id]).get(chat_id, ())) if row else None

    def ensure(self, chat_id: int, kind: str) -> Chat:
        """The chat's settings, registering it (following, default mode) if it is new."""
        with Session(self.engine) as db, db.begin():
            row = db.get(ChatRow, chat_id)
            if row is None:
                row = ChatRow(chat_id=chat_id, kind=kind, following=True, reachable=True, mode=DEFAULT_MODE)
                row.states, row.keywords = [], []
                db.add(row)
            return _chat(row)

    def update(self, chat_id: int, **changes: object) -> Chat:
        """Change some settings of a registered chat."""
        with Session(self.engine) as db, db.begin():
            row = db.get(ChatRow, chat_id)
            if row is None:
                raise KeyError(chat_id)
            for key, value in changes.items():
                setattr(row, key, list(value) if isinstance(value, tuple) else value)
            return _chat(row, _named(db, [chat_id]).get(chat_id, ()))

    def follow(self, chat_id: int, sessions: tuple[str, ...] = ()) -> Chat:
        """Follow these sessions by name, beside those already named; none: every session again."""
        with Session(self.engine) as db, db.begin():
            if not sessions:
                db.execute(delete(FollowRow).where(FollowRow.chat_id == chat_id))
            known = set(_named(db, [chat_id]).get(chat_id, ()))
            db.add_all(FollowRow(chat_id=chat_id, session=name) for name in sessions if name not in known)
        return self.update(chat_id, following=True)

    def name_sessions(self, chat_id: int, sessions: tuple[str, ...]) -> None:
        """Name exactly these sessions as the chat's (a channel's, as the session files list it); a chat paused
        with /stop stays paused."""
        with Session(self.engine) as db, db.begin():
            db.execute(delete(FollowRow).where(FollowRow.chat_id == chat_id))
            db.add_all(FollowRow(chat_id=chat_id, session=name) for name in dict.fromkeys(sessions))

    def receiving(self, session: str | None = None) -> list[Chat]:
        """Chats that follow the sessions (this one, when given) and that Telegram still lets us reach."""
        query = select(ChatRow).where(ChatRow.following.is_(True), ChatRow.reachable.is_(True))
        with Session(self.engine) as db:
            named = _named(db)
            chats = [_chat(row, named.get(row.chat_id, ())) for row in db.scalars(query.order_by(ChatRow.chat_id))]
        return [c for c in chats if session is None or c.follows(session)]

    def all(self) -> list[Chat]:
        with Session(self.engine) as db:
            named = _named(db)
            return [
                _chat(row, named.get(row.chat_id, ())) for row in db.scalars(select(ChatRow).order_by(ChatRow.chat_id))
            ]

    def migrate(self, old: int, new: int) -> None:
        """A group became a supergroup: keep its settings under the new id."""
        with Session(self.engine) as db, db.begin():
            row = db.get(ChatRow, old)
            if row is None or db.get(ChatRow, new) is not None:
                return
            db.add(
                ChatRow(
                    chat_id=new,
                    kind=row.kind,
                    following=row.following,
                    reachable=row.reachable,
                    mode=row.mode,
                    states=row.states,
                    keywords=row.keywords,
                    quiet=row.quiet,
                )
            )
            db.delete(row)
            db.execute(update(FollowRow).where(FollowRow.chat_id == old).values(chat_id=new))

    def forget(self, chat_id: int) -> bool:
        """Erase the chat's row and the sessions it named; True if there was a row."""
        with Session(self.engine) as db, db.begin():
            db.execute(delete(FollowRow).where(FollowRow.chat_id == chat_id))
            row = db.get(ChatRow, chat_id)
            if row is not None:
                db.delete(row)
            return row is not None
