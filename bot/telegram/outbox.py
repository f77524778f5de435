"""The durable outbox: one row per (alert, chat, part), written before anything is sent, so a crash or
restart loses nothing; rows leave the `pending` state only once Telegram has answered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Engine,
    Integer,
    String,
    Text,
    UniqueConstraint,
    delete,
    func,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column
from uprwatch.bot.database import Base
from uprwatch.bot.session_store import EventRow

PENDING, SENT, FAILED, DROPPED = "pending", "sent", "failed", "dropped"


def report_key(session: str) -> str:
    """The outbox key of a session's end-of-session report: its letter's text is the caption of a document the
    sender builds from the session log when it sends it."""
    return f"{session}:report"


class OutboxRow(Base):
    __tablename__ = "outbox"
    __table_args__ = (UniqueConstraint("alert", "chat_id", "part"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session: Mapped[str] = mapped_column(String(200))
    alert: Mapped[str] = mapped_column(String(120), index=True)  # stable key of the event or message
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    part: Mapped[int] = mapped_column(Integer, default=0)  # a long alert is split into several messages
    text: Mapped[str] = mapped_column(Text)  # Telegram HTML
    silent: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(10), default=PENDING, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    message_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    error: Mapped[str | None] = mapped_column(String(300), nullable=True)


@dataclass(frozen=True)
class Letter:
    """One outbox row waiting to be sent."""

    id: int
    session: str
    alert: str
    chat_id: int
    text: str
    silent: bool

    @property
    def is_report(self) -> bool:
        """A session's report: a document built when it is sent, captioned with the letter's text."""
        return self.alert == report_key(self.session)


def _letter(row: OutboxRow) -> Letter:
    return Letter(row.id, row.session, row.alert, row.chat_id, row.text, row.silent)


class Outbox:
    """Writes alerts for chats and records what became of each."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def put(self, session: str, alert: str, messages: dict[int, tuple[list[str], bool]]) -> int:
        """Queue an alert's parts for each chat ({chat: (parts, silent)}); an (alert, chat) already queued is
        left alone, so re-running a session never sends the same alert twice. Returns rows written."""
        with Session(self.engine) as db, db.begin():
            done = set(db.scalars(select(OutboxRow.chat_id).where(OutboxRow.alert == alert)))
            rows = [
                OutboxRow(session=session, alert=alert, chat_id=chat, part=n, text=text, silent=silent)
                for chat, (parts, silent) in messages.items()
                if chat not in done
                for n, text in enumerate(parts)
            ]
            db.add_all(rows)
            return len(rows)

    def pending_after(self, last_id: int) -> list[Letter]:
        """Pending rows with an id above `last_id`, oldest first."""
        query = select(OutboxRow).where(OutboxRow.state == PENDING, OutboxRow.id > last_id).order_by(OutboxRow.id)
        with Session(self.engine) as db:
            return [_letter(row) for row in db.scalars(query)]

    def still_pending(self, letter: Letter) -> bool:
        """Whether a letter's row is still waiting (not erased by /forget since it was loaded)."""
        with Session(self.engine) as db:
            return db.scalar(select(OutboxRow.state).where(OutboxRow.id == letter.id)) == PENDING

    def sent(self, letters: list[Letter], message_id: int) -> None:
        """Mark rows delivered (several when merged into one message) and log an `alert_sent` for each."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with Session(self.engine) as db, db.begin():
            ids = [letter.id for letter in letters]
            db.execute(update(OutboxRow).where(OutboxRow.id.in_(ids)).values(state=SENT, message_id=message_id))
            for letter in letters:
                event = {"type": "alert_sent", "session": letter.session, "at": now}
                event |= {"chat": letter.chat_id, "event": letter.alert}  # type: ignore[dict-item]
                db.add(EventRow(session=letter.session, type="alert_sent", at=now, start=None, payload=event))

    def retried(self, letter: Letter) -> None:
        with Session(self.engine) as db, db.begin():
            db.execute(update(OutboxRow).where(OutboxRow.id == letter.id).values(attempts=OutboxRow.attempts + 1))

    def failed(self, letter: Letter, error: str) -> None:
        """Give up on one row (Telegram refused this message for good)."""
        with Session(self.engine) as db, db.begin():
            db.execute(update(OutboxRow).where(OutboxRow.id == letter.id).values(state=FAILED, error=error[:300]))

    def drop_chat(self, chat_id: int) -> None:
        """The chat can no longer be reached: its pending rows will never go out."""
        with Session(self.engine) as db, db.begin():
            query = update(OutboxRow).where(OutboxRow.chat_id == chat_id, OutboxRow.state == PENDING)
            db.execute(query.values(state=DROPPED))

    def migrate(self, old: int, new: int) -> None:
        with Session(self.engine) as db, db.begin():
            db.execute(update(OutboxRow).where(OutboxRow.chat_id == old).values(chat_id=new))

    def forget(self, chat_id: int) -> None:
        """Erase every row addressed to a chat, sent or not."""
        with Session(self.engine) as db, db.begin():
            db.execute(delete(OutboxRow).where(OutboxRow.chat_id == chat_id))

    def counts(self) -> dict[str, int]:
        """Rows per state."""
        with Session(self.engine) as db:
            return dict(db.execute(select(OutboxRow.state, func.count()).group_by(OutboxRow.state)).all())
