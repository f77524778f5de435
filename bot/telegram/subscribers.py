"""Who gets alerts: one row per chat holding its id and its settings, and nothing about the people in it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from sqlalchemy import JSON, BigInteger, Boolean, Engine, String, select
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

    def quiet_at(self, now: time) -> bool:
        """Whether `now` falls in the chat's quiet hours (which may wrap past midnight)."""
        if not self.quiet:
            return False
        start, end = (time.fromisoformat(t) for t in self.quiet.split("-"))
        return start <= now < end if start <= end else now >= start or now < end


def _chat(row: ChatRow) -> Chat:
    return Chat(
        chat_id=row.chat_id,
        kind=row.kind,
        following=row.following,
        reachable=row.reachable,
        mode=row.mode,
        states=tuple(row.states or ()),
        keywords=tuple(row.keywords or ()),
        quiet=row.quiet,
    )


class SubscriberStore:
    """Reads and changes chat settings; every change is committed at once."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def get(self, chat_id: int) -> Chat | None:
        with Session(self.engine) as db:
            row = db.get(ChatRow, chat_id)
            return _chat(row) if row else None

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
            return _chat(row)

    def receiving(self) -> list[Chat]:
        """Chats that follow the session and that Telegram still lets us reach."""
        query = select(ChatRow).where(ChatRow.following.is_(True), ChatRow.reachable.is_(True))
        with Session(self.engine) as db:
            return [_chat(row) for row in db.scalars(query.order_by(ChatRow.chat_id))]

    def all(self) -> list[Chat]:
        with Session(self.engine) as db:
            return [_chat(row) for row in db.scalars(select(ChatRow).order_by(ChatRow.chat_id))]

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

    def forget(self, chat_id: int) -> bool:
        """Erase the chat's row; True if there was one."""
        with Session(self.engine) as db, db.begin():
            row = db.get(ChatRow, chat_id)
            if row is not None:
                db.delete(row)
            return row is not None
