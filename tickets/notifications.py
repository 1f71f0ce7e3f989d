"""E-mail about tickets, queued in the outbox within the caller's transaction.

Every outgoing Message-ID is remembered, so a reply by e-mail threads back by In-Reply-To.
"""

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from app.auth import permissions
from app.auth.models import User
from app.extensions import db
from app.mail import services as mail
from tickets.models import MailReference


def _subject(ticket):
    return f"[{ticket.reference}] {ticket.subject}"


def _ticket_url(ticket):
    return f"{current_app.config['BASE_URL']}/tickets/{ticket.id}"


def remember_message_id(ticket, message_id):
    """Keep a Message-ID that belongs to the ticket's e-mail thread."""
    if message_id and db.session.scalar(
        select(MailReference.id).where(MailReference.message_id == message_id)
    ) is None:
        db.session.add(MailReference(ticket_id=ticket.id, message_id=message_id))


def send(ticket, recipients, template, in_reply_to="", **context):
    """Queue one message per distinct enabled recipient; return the outbox rows."""
    outgoing, seen = [], set()
    for user in recipients:
        if user is None or not user.is_enabled or user.email in seen:
            continue
        seen.add(user.email)
        message = mail.queue(
            user.email, _subject(ticket), template, reply_to=ticket.queue.inbound_address,
            in_reply_to=in_reply_to, ticket=ticket, url=_ticket_url(ticket), reader=user, **context,
        )
        remember_message_id(ticket, message.message_id)
        outgoing.append(message)
    return outgoing


def _requester_side(ticket, exclude=None):
    people = [ticket.requester, *ticket.watchers]
    return [u for u in people if exclude is None or u.id != exclude.id]


def _agents(ticket, exclude=None):
    from tickets.services import queue_agents

    people = [ticket.assignee] if ticket.assignee is not None else queue_agents(ticket.queue)
    return [u for u in people if u is not None and (exclude is None or u.id != exclude.id)]


def new_ticket(ticket, email_message_id=None):
    """Tell the queue's agents (or the assignee) about a new ticket."""
    remember_message_id(ticket, email_message_id)
    return send(ticket, _agents(ticket, exclude=ticket.requester), "ticket_new")


def new_message(ticket, message, email_message_id=None):
    """A public reply goes to the other side; an internal note only to other agents."""
    remember_message_id(ticket, email_message_id)
    author = message.author
    if message.is_internal:
        recipients = [u for u in _agents(ticket, exclude=author) if permissions.can_work_ticket(u, ticket)]
    elif permissions.can_work_ticket(author, ticket):
        recipients = _requester_side(ticket, exclude=author)
    else:
        recipients = _agents(ticket, exclude=author) + [
            u for u in ticket.watchers if u.id != author.id
        ]
    return send(ticket, recipients, "ticket_message", in_reply_to=email_message_id or "", message=message)


def status_changed(ticket, old_status):
    """Tell the requester and watchers that the status changed."""
    return send(ticket, _requester_side(ticket), "ticket_status", old_status=old_status)


def users_by_ids(ids):
    """Users by id, for recipient lists built elsewhere."""
    return db.session.scalars(select(User).where(User.id.in_(ids))).all() if ids else []


def overdue_alert(ticket, lead):
    """Tell the queue lead that a ticket is past its deadline."""
    return send(ticket, [lead], "ticket_overdue", message_text=_("The ticket is overdue."))
