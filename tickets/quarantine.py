"""Review of quarantined mail: agents read it, create a ticket from it for a user, or discard it."""

from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import defer

from app.audit import services as audit
from app.auth import permissions
from app.auth.services import find_user_by_email
from app.errors import Conflict, NotFound, PermissionDenied, ServiceError, ValidationFailed
from app.extensions import db
from app.mail import inbound
from app.timeutil import utcnow
from tickets import constants as c
from tickets import mail_in
from tickets.mail_in import ACCEPTED, DISCARDED, NEW
from tickets.models import QuarantinedMail, Ticket, TicketQueue

STATUS_LABELS = {NEW: _l("New"), ACCEPTED: _l("Ticket created"), DISCARDED: _l("Discarded")}


@dataclass
class QuarantineView:
    """A quarantined message as the review page shows it."""

    mail: QuarantinedMail
    sender_name: str = ""
    text: str = ""
    attachments: list[tuple[str, int]] = field(default_factory=list)
    suggested_queue: str = c.TECHNICAL
    ticket: Ticket | None = None


def _reviewable(actor, mail_id):
    if not permissions.can_review_quarantine(actor):
        raise PermissionDenied()
    row = db.session.get(QuarantinedMail, mail_id)
    if row is None:
        raise NotFound()
    return row


def quarantine_page(actor, status, page):
    """A page of quarantined mail, newest first, optionally of one review status."""
    if not permissions.can_review_quarantine(actor):
        raise PermissionDenied()
    query = select(QuarantinedMail).options(defer(QuarantinedMail.raw))
    if status in STATUS_LABELS:
        query = query.where(QuarantinedMail.status == status)
    query = query.order_by(QuarantinedMail.received_at.desc(), QuarantinedMail.id.desc())
    return db.paginate(query, page=page, per_page=current_app.config["PAGE_SIZE"], error_out=False)


def _content(row):
    """The parsed message, or for unparseable input a stand-in with the raw bytes as text."""
    try:
        return inbound.parse_message(row.raw)
    except inbound.UnparseableMail:
        return inbound.ParsedMail(sender_email=row.sender, subject=row.subject,
                                  text=inbound.decode_bytes(row.raw[:200_000]))


def quarantined_mail(actor, mail_id):
    """One quarantined message, decoded for review."""
    row = _reviewable(actor, mail_id)
    mail = _content(row)
    queue = mail_in.queue_addresses().get(row.recipient)
    return QuarantineView(
        mail=row, sender_name=mail.sender_name, text=mail.text,
        attachments=[(name, len(data)) for name, data in mail.attachments],
        suggested_queue=queue.key if queue else c.TECHNICAL,
        ticket=db.session.get(Ticket, row.ticket_id) if row.ticket_id else None,
    )


def original_message(actor, mail_id):
    """(file name, raw bytes) of a quarantined message, to download as .eml."""
    row = _reviewable(actor, mail_id)
    return f"quarantine-{row.id}.eml", row.raw


def accept_quarantined(actor, mail_id, email, queue_key):
    """Create a ticket from a quarantined message on behalf of an existing user; return the ticket."""
    row = _reviewable(actor, mail_id)
    if row.status == ACCEPTED:
        raise Conflict(_("A ticket has already been created from this message."))
    requester = find_user_by_email(email)
    if requester is None or not requester.is_enabled:
        message = _("There is no active user with this e-mail. "
                    "Check the address or create the account first.")
        raise ValidationFailed(message, {"email": [message]})
    queue = db.session.scalar(select(TicketQueue).where(TicketQueue.key == queue_key))
    if queue is None:
        message = _("Choose a hotline from the list.")
        raise ValidationFailed(message, {"queue": [message]})

    def finish(ticket):
        row.status, row.ticket_id = ACCEPTED, ticket.id
        row.reviewed_by_id, row.reviewed_at = actor.id, utcnow()
        audit.record("tickets.mail_accepted", actor, target=row, ticket=ticket.reference,
                     requester=requester.email, sender=row.sender)

    try:
        result = mail_in.open_from_mail(requester, queue, _content(row), before_commit=finish)
    except ServiceError:
        db.session.rollback()
        raise
    return db.session.get(Ticket, result.ticket_id)


def discard_quarantined(actor, mail_id):
    """Mark a quarantined message as reviewed and not needed."""
    row = _reviewable(actor, mail_id)
    if row.status != NEW:
        raise Conflict(_("This message has already been reviewed."))
    row.status, row.reviewed_by_id, row.reviewed_at = DISCARDED, actor.id, utcnow()
    audit.record("tickets.mail_discarded", actor, target=row, sender=row.sender, subject=row.subject)
    db.session.commit()
    return row
