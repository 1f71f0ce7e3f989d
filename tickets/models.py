"""Tickets, their conversation, history, attachments and queue settings."""

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, LargeBinary, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.directory.models import Organization
from app.extensions import db
from app.timeutil import utcnow
from tickets import constants as c

ticket_watchers = Table(
    "ticket_watchers",
    db.metadata,
    Column("ticket_id", ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_ticket_watchers_user_id", "user_id"),  # the tickets a user follows (every list's scope)
)


class TicketQueue(db.Model):
    """A hotline: technical (computer center) or methodological (institute)."""

    __tablename__ = "ticket_queues"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(20), unique=True)
    inbound_address: Mapped[str] = mapped_column(String(254), default="")
    is_auto_assign: Mapped[bool] = mapped_column(default=False)
    last_number: Mapped[int] = mapped_column(default=0)
    last_assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Moves with every change of the canned replies and the settings: kept ticket pages compare it.
    settings_version: Mapped[int] = mapped_column(default=1, server_default="1")

    lead: Mapped[User | None] = relationship(foreign_keys=[lead_id])
    categories: Mapped[list["Category"]] = relationship(back_populates="queue", order_by="Category.position")
    sla_policies: Mapped[list["SlaPolicy"]] = relationship(back_populates="queue")

    @property
    def label(self):
        """Translated name of the hotline."""
        return c.QUEUE_LABELS.get(self.key, self.key)

    @property
    def prefix(self):
        """The letter before ticket numbers: «Т» or «М»."""
        return c.QUEUE_PREFIXES.get(self.key, "?")

    def __repr__(self):
        return f"<TicketQueue {self.key}>"


class SlaPolicy(db.Model):
    """First-response and resolution targets of one priority in one queue."""

    __tablename__ = "sla_policies"
    __table_args__ = (UniqueConstraint("queue_id", "priority"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    queue_id: Mapped[int] = mapped_column(ForeignKey("ticket_queues.id", ondelete="CASCADE"))
    priority: Mapped[str] = mapped_column(String(10))
    first_response_hours: Mapped[int]
    resolution_hours: Mapped[int]

    queue: Mapped[TicketQueue] = relationship(back_populates="sla_policies")

    def __repr__(self):
        return f"<SlaPolicy {self.queue_id} {self.priority}>"


class Category(db.Model):
    """A topic from the queue's list (activation, sign-in and passwords, marks…)."""

    __tablename__ = "ticket_categories"
    __table_args__ = (UniqueConstraint("queue_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    queue_id: Mapped[int] = mapped_column(ForeignKey("ticket_queues.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)

    queue: Mapped[TicketQueue] = relationship(back_populates="categories")

    def __repr__(self):
        return f"<Category {self.slug}>"


class Ticket(db.Model):
    """A request to a hotline; `version` guards against two agents overwriting each other."""

    __tablename__ = "tickets"
    __table_args__ = (
        UniqueConstraint("queue_id", "number"),
        Index("ix_tickets_queue_status_updated", "queue_id", "status", "updated_at"),
        Index("ix_tickets_org_updated", "organization_id", "updated_at"),
        # The lists: tickets of a status in their order (newest activity, then id), with the columns the
        # scope tests, so a page's ids and the count are read from the index alone.
        Index("ix_tickets_status_updated_queue_requester", "status", "updated_at", "id", "queue_id",
              "requester_id"),
        Index("ix_tickets_updated", "updated_at", "id"),  # the region's list of every status
        Index("ix_tickets_assignee_status_updated", "assignee_id", "status", "updated_at"),  # «mine»
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    queue_id: Mapped[int] = mapped_column(ForeignKey("ticket_queues.id"))
    number: Mapped[int]
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("ticket_categories.id", ondelete="SET NULL"))
    priority: Mapped[str] = mapped_column(String(10), default=c.NORMAL)
    status: Mapped[str] = mapped_column(String(20), default=c.NEW)
    source: Mapped[str] = mapped_column(String(10), default=c.WEB)
    requester_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    first_response_due_at: Mapped[datetime | None]
    resolution_due_at: Mapped[datetime | None]
    first_responded_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    rating: Mapped[int | None]
    rating_comment: Mapped[str] = mapped_column(Text, default="")
    rated_at: Mapped[datetime | None]
    # When the queue lead was told the ticket is past its deadline (so they are told once).
    overdue_notified_at: Mapped[datetime | None]

    # SQLAlchemy refuses a flush whose row changed since it was loaded (a second line of defence
    # behind the explicit version check against what the agent saw).
    __mapper_args__ = {"version_id_col": version}

    queue: Mapped[TicketQueue] = relationship(lazy="joined")
    category: Mapped[Category | None] = relationship(lazy="joined")
    requester: Mapped[User] = relationship(foreign_keys=[requester_id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    organization: Mapped[Organization] = relationship()
    merged_into: Mapped["Ticket | None"] = relationship(remote_side=[id])
    watchers: Mapped[list[User]] = relationship(secondary=ticket_watchers)
    messages: Mapped[list["TicketMessage"]] = relationship(
        back_populates="ticket", order_by="TicketMessage.id", cascade="all, delete-orphan"
    )
    changes: Mapped[list["TicketChange"]] = relationship(
        back_populates="ticket", order_by="TicketChange.id", cascade="all, delete-orphan"
    )
    attachments: Mapped[list["Attachment"]] = relationship(
        back_populates="ticket", order_by="Attachment.id", cascade="all, delete-orphan"
    )

    @property
    def reference(self):
        """The number as people say it: «Т-000123»."""
        return f"{self.queue.prefix}-{self.number:06d}"

    @property
    def is_open(self):
        """Whether the ticket still needs work."""
        return self.status in c.OPEN_STATUSES

    @property
    def status_label(self):
        """Translated status."""
        return c.STATUS_LABELS.get(self.status, self.status)

    @property
    def priority_label(self):
        """Translated priority."""
        return c.PRIORITY_LABELS.get(self.priority, self.priority)

    def __repr__(self):
        return f"<Ticket {self.id} {self.queue_id}/{self.number} {self.status}>"


class TicketMessage(db.Model):
    """A public reply or an internal note (never shown or mailed to the requester)."""

    __tablename__ = "ticket_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    is_internal: Mapped[bool] = mapped_column(default=False)
    source: Mapped[str] = mapped_column(String(10), default=c.WEB)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    ticket: Mapped[Ticket] = relationship(back_populates="messages")
    author: Mapped[User] = relationship(lazy="joined")
    attachments: Mapped[list["Attachment"]] = relationship(back_populates="message")

    def __repr__(self):
        return f"<TicketMessage {self.id} ticket={self.ticket_id} internal={self.is_internal}>"


class TicketChange(db.Model):
    """One changed field of a ticket: who changed what from what to what, and when."""

    __tablename__ = "ticket_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    field: Mapped[str] = mapped_column(String(40))
    old_value: Mapped[str] = mapped_column(Text, default="")
    new_value: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    ticket: Mapped[Ticket] = relationship(back_populates="changes")
    actor: Mapped[User | None] = relationship(lazy="joined")

    def __repr__(self):
        return f"<TicketChange {self.ticket_id} {self.field}: {self.old_value!r} → {self.new_value!r}>"


class Attachment(db.Model):
    """A file stored under a generated name; served only through a permission-checked download."""

    __tablename__ = "ticket_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("ticket_messages.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    ticket: Mapped[Ticket] = relationship(back_populates="attachments")
    message: Mapped[TicketMessage | None] = relationship(back_populates="attachments")

    def __repr__(self):
        return f"<Attachment {self.id} {self.filename!r}>"


class TicketLink(db.Model):
    """Two related tickets (stored once, lower id first)."""

    __tablename__ = "ticket_links"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True)
    related_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self):
        return f"<TicketLink {self.ticket_id}↔{self.related_id}>"


class CannedReply(db.Model):
    """A ready answer an agent inserts into a reply."""

    __tablename__ = "canned_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    queue_id: Mapped[int] = mapped_column(ForeignKey("ticket_queues.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self):
        return f"<CannedReply {self.id} {self.title!r}>"


class MailReference(db.Model):
    """A Message-ID sent or received for a ticket, to thread e-mail replies by In-Reply-To."""

    __tablename__ = "ticket_mail_references"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(250), unique=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self):
        return f"<MailReference {self.message_id!r} → {self.ticket_id}>"


class QuarantinedMail(db.Model):
    """Inbound mail that could not become a ticket or reply: unknown sender or unparseable."""

    __tablename__ = "quarantined_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    sender: Mapped[str] = mapped_column(String(254), default="")
    recipient: Mapped[str] = mapped_column(String(254), default="")
    subject: Mapped[str] = mapped_column(String(300), default="")
    reason: Mapped[str] = mapped_column(String(300))
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(12), default="new", index=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"))
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None]

    def __repr__(self):
        return f"<QuarantinedMail {self.id} from={self.sender!r} {self.status}>"
