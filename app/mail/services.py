"""Queueing e-mail in the outbox and delivering it."""

from email.utils import make_msgid

from flask import current_app, render_template
from sqlalchemy import select

from app.extensions import db
from app.mail import sender
from app.mail.models import FAILED, PENDING, SENT, OutboundMessage
from app.timeutil import utcnow

MAX_ATTEMPTS = 5
MESSAGE_ID_DOMAIN = "opora.local"


def queue(recipient, subject, template, reply_to="", in_reply_to="", **context):
    """Add a message rendered from templates/mail/<template>.txt to the caller's transaction.

    The Message-ID is fixed now, so the caller can remember it for threading replies.
    """
    body = render_template(f"mail/{template}.txt", **context)
    message = OutboundMessage(
        recipient=recipient, subject=subject, body=body, reply_to=reply_to, in_reply_to=in_reply_to,
        message_id=make_msgid(domain=MESSAGE_ID_DOMAIN),
    )
    db.session.add(message)
    db.session.flush()
    return message


def deliver_soon(message_ids):
    """Try to send freshly committed messages now; failures stay queued for `opora mail send`."""
    if not message_ids:
        return 0
    messages = db.session.scalars(
        select(OutboundMessage).where(OutboundMessage.id.in_(message_ids))
    ).all()
    return _deliver(messages)


def deliver_pending(limit=100):
    """Send queued messages that have not failed too often; return how many were sent."""
    messages = db.session.scalars(
        select(OutboundMessage)
        .where(OutboundMessage.status == PENDING)
        .order_by(OutboundMessage.id)
        .limit(limit)
    ).all()
    return _deliver(messages)


def _deliver(messages):
    sent = 0
    config = current_app.config
    for message in messages:
        if message.status != PENDING:
            continue
        message.attempts += 1
        try:
            sender.send(config, message)
        except sender.DeliveryError as exc:
            message.last_error = str(exc)[:2000]
            if message.attempts >= MAX_ATTEMPTS:
                message.status = FAILED
        else:
            message.status = SENT
            message.sent_at = utcnow()
            sent += 1
        db.session.commit()
    return sent
