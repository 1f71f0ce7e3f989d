"""E-mail into the hotline: a message becomes a ticket, a reply, or a quarantine row for review.

Nothing is silently lost: whatever cannot become a ticket or a reply is kept byte-for-byte in
quarantine, where agents create a ticket from it or discard it.
"""

import re
from dataclasses import dataclass
from email.utils import parseaddr

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from app import uploads
from app.auth import permissions
from app.auth.services import find_user_by_email
from app.errors import ServiceError, ValidationFailed
from app.extensions import db
from app.mail import inbound
from tickets import constants as c
from tickets import services
from tickets.models import MailReference, QuarantinedMail, Ticket, TicketMessage, TicketQueue

# Outcomes of ingest().
TICKET_CREATED = "ticket_created"
REPLY_ADDED = "reply_added"
QUARANTINED = "quarantined"
IGNORED = "ignored"

# Why a message was quarantined or ignored (stored as «code» or «code: detail»).
UNPARSEABLE = "unparseable"
AUTO_REPLY = "auto-reply"
UNKNOWN_SENDER = "unknown-sender"
REPLY_NOT_ALLOWED = "reply-not-allowed"
NOT_PARTICIPANT = "not-participant"
NO_QUEUE = "no-queue"
REJECTED = "rejected"
PROCESSING_ERROR = "error"
DUPLICATE = "duplicate"
REASON_LABELS = {
    UNPARSEABLE: _l("not an e-mail message"),
    AUTO_REPLY: _l("automatic reply"),
    UNKNOWN_SENDER: _l("unknown sender"),
    REPLY_NOT_ALLOWED: _l("the sender may not reply to this ticket"),
    NOT_PARTICIPANT: _l("tag of a ticket the sender does not take part in"),
    NO_QUEUE: _l("sent to an address that is not a hotline"),
    REJECTED: _l("the hotline refused the message"),
    PROCESSING_ERROR: _l("processing error"),
    DUPLICATE: _l("delivered again"),
}

# Review statuses of a quarantined message (tickets.quarantine reviews them).
NEW = "new"
ACCEPTED = "accepted"
DISCARDED = "discarded"

# The queue letter in a subject tag; Latin look-alikes count too (clients and people retype them).
TAG_LETTERS = {"Т": c.TECHNICAL, "T": c.TECHNICAL, "М": c.METHODOLOGICAL, "M": c.METHODOLOGICAL}
TAG = re.compile(r"\[\s*([ТTМM])\s*-\s*(\d{1,9})\s*\]", re.IGNORECASE)
MERGE_HOPS = 10


@dataclass
class IngestResult:
    """What happened to one inbound message."""

    outcome: str
    ticket_id: int | None = None
    reason: str = ""
    reference: str = ""
    quarantine_id: int | None = None

    @property
    def reason_code(self):
        """The reason without its detail: «unknown-sender»."""
        return self.reason.split(":", 1)[0]


def reason_label(reason):
    """The translated reason of a stored «code: detail»."""
    code, _sep, detail = (reason or "").partition(":")
    label = str(REASON_LABELS.get(code.strip(), code))
    return f"{label}: {detail.strip()}" if detail.strip() else label


# --- ingest -------------------------------------------------------------------------------


def ingest(raw):
    """Turn one inbound message into a ticket, a reply, or a quarantine row; database errors propagate."""
    raw = bytes(raw or b"")
    try:
        mail = inbound.parse_message(raw)
    except inbound.UnparseableMail as exc:
        return _quarantine(raw, None, f"{UNPARSEABLE}: {exc}")
    duplicate = _duplicate_of(mail)
    if duplicate is not None:
        return duplicate
    try:
        return _route(raw, mail)
    except ServiceError as exc:
        db.session.rollback()
        return _quarantine(raw, mail, f"{REJECTED}: {exc.message or type(exc).__name__}")
    except IntegrityError:
        # The same message delivered twice at once: the other delivery won the Message-ID.
        db.session.rollback()
        duplicate = _duplicate_of(mail)
        if duplicate is None:
            raise
        return duplicate
    except SQLAlchemyError:
        db.session.rollback()
        raise
    except Exception as exc:  # a bug must not lose the message: keep it for review
        db.session.rollback()
        current_app.logger.exception("Inbound mail %s could not be processed", mail.message_id)
        return _quarantine(raw, mail, f"{PROCESSING_ERROR}: {type(exc).__name__}")


def _route(raw, mail):
    if mail.is_auto_reply or mail.sender_email in _own_addresses():
        return _quarantine(raw, mail, AUTO_REPLY, outcome=IGNORED, status=DISCARDED)
    user = find_user_by_email(mail.sender_email)
    if user is None:
        return _quarantine(raw, mail, UNKNOWN_SENDER)
    if not user.is_enabled:
        return _quarantine(raw, mail, f"{UNKNOWN_SENDER}: disabled account")
    ticket = _ticket_by_references(mail)
    if ticket is not None:
        if not permissions.can_reply_ticket(user, ticket):
            return _quarantine(raw, mail, f"{REPLY_NOT_ALLOWED}: {ticket.reference}", ticket=ticket)
        return _reply(user, ticket, mail)
    ticket = _ticket_by_tag(mail.subject)
    if ticket is not None:
        if not permissions.can_thread_mail_by_tag(user, ticket):
            return _quarantine(raw, mail, f"{NOT_PARTICIPANT}: {ticket.reference}")
        if not permissions.can_reply_ticket(user, ticket):
            return _quarantine(raw, mail, f"{REPLY_NOT_ALLOWED}: {ticket.reference}", ticket=ticket)
        return _reply(user, ticket, mail)
    queue = _queue_for(mail.recipients)
    if queue is None:
        return _quarantine(raw, mail, NO_QUEUE)
    return open_from_mail(user, queue, mail)


def _reply(user, ticket, mail):
    files, refused = _split_attachments(mail.attachments)
    text = inbound.trim_quoted_reply(mail.text) or _("(empty message)")
    _message, outgoing = services.post_message(user, ticket, text, files=files, source=c.EMAIL,
                                               email_message_id=mail.message_id or None)
    _add_refused_note(ticket, user, refused)
    services.commit_and_send(outgoing)
    return IngestResult(REPLY_ADDED, ticket.id, reference=ticket.reference)


def open_from_mail(user, queue, mail, before_commit=None):
    """Open a ticket from a parsed message as the user; before_commit(ticket) adds rows to its transaction."""
    files, refused = _split_attachments(mail.attachments)
    ticket, outgoing = services.file_ticket(
        user, queue.key, _ticket_subject(mail.subject), (mail.text or "").strip() or _("(empty message)"),
        files=files, source=c.EMAIL, email_message_id=mail.message_id or None,
    )
    _add_refused_note(ticket, user, refused)
    if before_commit is not None:
        before_commit(ticket)
    services.commit_and_send(outgoing)
    return IngestResult(TICKET_CREATED, ticket.id, reference=ticket.reference)


def _ticket_subject(subject):
    subject = " ".join((subject or "").split())
    return subject[:services.SUBJECT_MAX].strip() or _("(no subject)")


# --- finding the ticket -------------------------------------------------------------------


def _duplicate_of(mail):
    """An ignored result when this Message-ID was already received or sent for a ticket."""
    if not mail.message_id:
        return None
    ticket_id = db.session.scalar(
        select(MailReference.ticket_id).where(MailReference.message_id == mail.message_id)
    )
    if ticket_id is None:
        return None
    ticket = db.session.get(Ticket, ticket_id)
    return IngestResult(IGNORED, ticket_id, DUPLICATE, reference=ticket.reference if ticket else "")


def _follow_merges(ticket):
    for _hop in range(MERGE_HOPS):
        if ticket is None or ticket.merged_into_id is None:
            break
        ticket = ticket.merged_into
    return ticket


def _ticket_by_references(mail):
    """The ticket whose e-mail this message answers (In-Reply-To first, then References newest first)."""
    ids = [i for i in (mail.in_reply_to, *reversed(mail.references)) if i]
    if not ids:
        return None
    found = dict(db.session.execute(
        select(MailReference.message_id, MailReference.ticket_id).where(MailReference.message_id.in_(ids))
    ).all())
    ticket_id = next((found[i] for i in ids if i in found), None)
    return _follow_merges(db.session.get(Ticket, ticket_id)) if ticket_id else None


def _ticket_by_tag(subject):
    """The ticket named by the first «[Т-000123]» tag of the subject."""
    match = TAG.search(subject or "")
    if match is None:
        return None
    queue_key = TAG_LETTERS[match.group(1).upper()]
    ticket = db.session.scalar(
        select(Ticket).join(TicketQueue, Ticket.queue_id == TicketQueue.id)
        .where(TicketQueue.key == queue_key, Ticket.number == int(match.group(2)))
    )
    return _follow_merges(ticket)


def queue_addresses():
    """Inbound address → queue, for the queues that have one."""
    queues = db.session.scalars(select(TicketQueue).where(TicketQueue.inbound_address != "")).all()
    return {queue.inbound_address.strip().lower(): queue for queue in queues}


def _queue_for(recipients):
    addresses = queue_addresses()
    return next((addresses[r] for r in recipients if r in addresses), None)


def _own_addresses():
    """Addresses the portal sends from: mail from them is a loop, never a request."""
    own = set(queue_addresses())
    own.add(parseaddr(current_app.config.get("MAIL_FROM", ""))[1].lower())
    return own - {""}


# --- attachments and the one commit -------------------------------------------------------


def _split_attachments(found):
    """(accepted uploads, [(name, why refused)]): a refused file must not cost the whole message."""
    accepted, refused = [], []
    for name, data in found:
        upload = uploads.UploadedFile(name, data)
        if len(accepted) >= uploads.MAX_FILES:
            refused.append((name, _("Attach at most %(n)d files at once.", n=uploads.MAX_FILES)))
            continue
        try:
            uploads.check_file(upload)
        except ValidationFailed as exc:
            refused.append((name, exc.message))
        else:
            accepted.append(upload)
    return accepted, refused


def _add_refused_note(ticket, author, refused):
    if not refused:
        return
    lines = [_("Files from the e-mail that were not attached:")]
    lines += [f"- {name}: {why}" for name, why in refused]
    db.session.add(TicketMessage(ticket=ticket, author=author, body="\n".join(lines), is_internal=True,
                                 source=c.EMAIL))


def _quarantine(raw, mail, reason, outcome=QUARANTINED, status=NEW, ticket=None):
    sender = mail.sender_email[:254] if mail else ""
    same = (QuarantinedMail.sender == sender) & (QuarantinedMail.raw == raw)
    already = db.session.scalar(select(QuarantinedMail.id).where(same).limit(1))
    if already is not None:
        return IngestResult(IGNORED, reason=DUPLICATE, quarantine_id=already)
    row = QuarantinedMail(
        sender=sender, recipient=_recipient(mail)[:254], subject=(mail.subject if mail else "")[:300],
        reason=reason[:300], raw=raw, status=status,
    )
    db.session.add(row)
    db.session.commit()
    return IngestResult(outcome, ticket.id if ticket else None, reason,
                        reference=ticket.reference if ticket else "", quarantine_id=row.id)


def _recipient(mail):
    if mail is None or not mail.recipients:
        return ""
    addresses = queue_addresses()
    return next((r for r in mail.recipients if r in addresses), mail.recipients[0])
