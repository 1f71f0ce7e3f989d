"""The outbox: every e-mail is queued here in the same transaction as its cause."""

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutil import utcnow

PENDING = "pending"
SENT = "sent"
FAILED = "failed"


class OutboundMessage(db.Model):
    """A queued e-mail; the sender marks it sent or counts failed attempts."""

    __tablename__ = "outbound_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=PENDING, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    message_id: Mapped[str] = mapped_column(String(200), default="")
    in_reply_to: Mapped[str] = mapped_column(String(250), default="")
    reply_to: Mapped[str] = mapped_column(String(254), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]

    def __repr__(self):
        return f"<OutboundMessage {self.id} to={self.recipient!r} {self.status}>"
