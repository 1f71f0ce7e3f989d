"""Hotline operations: filing tickets, the conversation, status and field changes.

Every service checks permissions, records a TicketChange per changed field, commits once, and
only then hands the queued notifications to the mail sender.
"""

from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm.exc import StaleDataError

from app import uploads
from app.auth import permissions
from app.auth.models import User
from app.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from app.extensions import db
from app.mail import services as mail
from app.search import services as search
from app.timeutil import utcnow
from tickets import attachments, notifications
from tickets import constants as c
from tickets.models import Category, SlaPolicy, Ticket, TicketChange, TicketMessage, TicketQueue

SUBJECT_MAX = 200
REQUESTER_PRIORITIES = (c.LOW, c.NORMAL, c.HIGH)  # «urgent»: agents only, as on the web form


# --- queues -------------------------------------------------------------------------------


def ensure_queues():
    """Create the two hotlines with their categories and default SLA, if missing; commit."""
    queues = seed_queues()
    db.session.commit()
    return queues


def seed_queues():
    """Add the missing hotlines, categories and SLA policies to the session (idempotent, no commit)."""
    queues = {q.key: q for q in db.session.scalars(select(TicketQueue))}
    for key in c.QUEUES:
        queue = queues.get(key) or TicketQueue(key=key)
        db.session.add(queue)
        if not queue.inbound_address:
            queue.inbound_address = current_app.config.get(f"MAIL_{key.upper()}_ADDRESS", "")
        have = {category.slug for category in queue.categories}
        for position, (slug, name) in enumerate(c.DEFAULT_CATEGORIES[key]):
            if slug not in have:
                queue.categories.append(Category(slug=slug, name=str(name), position=position))
        priorities = {policy.priority for policy in queue.sla_policies}
        for priority, (first, resolution) in c.DEFAULT_SLA_HOURS.items():
            if priority not in priorities:
                queue.sla_policies.append(
                    SlaPolicy(priority=priority, first_response_hours=first, resolution_hours=resolution)
                )
        queues[key] = queue
    db.session.flush()
    return queues


def queue_by_key(key):
    """The queue with this key, or NotFound."""
    queue = db.session.scalar(select(TicketQueue).where(TicketQueue.key == key))
    if queue is None:
        raise NotFound(_("There is no such hotline."))
    return queue


def sla_deadlines(queue, priority, start):
    policy = next((p for p in queue.sla_policies if p.priority == priority), None)
    first, resolution = (
        (policy.first_response_hours, policy.resolution_hours) if policy else c.DEFAULT_SLA_HOURS[priority]
    )
    return start + timedelta(hours=first), start + timedelta(hours=resolution)


def next_number(queue):
    """Take the queue's next ticket number atomically (safe with several workers)."""
    return db.session.execute(
        update(TicketQueue)
        .where(TicketQueue.id == queue.id)
        .values(last_number=TicketQueue.last_number + 1)
        .returning(TicketQueue.last_number)
    ).scalar_one()


# --- reading ------------------------------------------------------------------------------


def get_ticket(actor, ticket_id):
    """A ticket the actor may view; NotFound for the rest (it does not reveal that it exists)."""
    ticket = db.session.get(Ticket, ticket_id)
    if ticket is None or not permissions.can_view_ticket(actor, ticket):
        raise NotFound()
    return ticket


def visible_messages(actor, ticket):
    """The conversation as the actor may see it (internal notes only for agents and the region)."""
    show_internal = permissions.can_view_internal_notes(actor, ticket)
    return [m for m in ticket.messages if show_internal or not m.is_internal]


# --- filing -------------------------------------------------------------------------------


def _validate_text(subject, body):
    errors = {}
    if not (subject or "").strip():
        errors["subject"] = [_("Write the subject: what is the problem, in a few words.")]
    elif len(subject.strip()) > SUBJECT_MAX:
        errors["subject"] = [_("Shorten the subject to %(n)d characters.", n=SUBJECT_MAX)]
    if not (body or "").strip():
        errors["body"] = [_("Describe the problem: what you did, what you expected and what happened.")]
    if errors:
        raise ValidationFailed(_("Please correct the fields marked below."), errors)


def _category_for(queue, category_id):
    if not category_id:
        return None
    category = db.session.get(Category, category_id)
    if category is None or category.queue_id != queue.id or not category.is_active:
        message = _("Choose a category from the list.")
        raise ValidationFailed(message, {"category_id": [message]})
    return category


def file_ticket(requester, queue_key, subject, body, category_id=None, priority=c.NORMAL,
                files=(), source=c.WEB, email_message_id=None):
    """Build a ticket and its notifications in the session without committing: (ticket, outgoing).

    For callers that add their own rows to the same transaction (inbound mail); others use open_ticket.
    """
    if not permissions.can_file_ticket(requester):
        raise PermissionDenied()
    _validate_text(subject, body)
    allowed = c.PRIORITIES if permissions.is_agent(requester) else REQUESTER_PRIORITIES
    if priority not in allowed:
        message = _("Choose a priority from the list.")
        raise ValidationFailed(message, {"priority": [message]})
    queue = queue_by_key(queue_key)
    category = _category_for(queue, category_id)
    checked = uploads.check_files(files)
    now = utcnow()
    first_due, resolution_due = sla_deadlines(queue, priority, now)
    ticket = Ticket(
        queue=queue, number=next_number(queue), subject=subject.strip(), body=body.strip(),
        category=category, priority=priority, source=source, requester=requester,
        organization_id=requester.organization_id, created_at=now, updated_at=now,
        first_response_due_at=first_due, resolution_due_at=resolution_due,
    )
    db.session.add(ticket)
    db.session.add_all(attachments.store(ticket, None, requester, checked))
    record_change(ticket, requester, "status", "", c.NEW)
    auto_assign(ticket)
    db.session.flush()
    search.document_changed("ticket", ticket.id)
    return ticket, notifications.new_ticket(ticket, email_message_id)


def open_ticket(requester, queue_key, subject, body, **options):
    """File a ticket in a queue on behalf of the requester; return it."""
    ticket, outgoing = file_ticket(requester, queue_key, subject, body, **options)
    commit_and_send(outgoing)
    return ticket


def auto_assign(ticket):
    """Round-robin: give the ticket to the next agent of the queue, if the queue asks for it."""
    queue = ticket.queue
    if not queue.is_auto_assign:
        return
    agents = queue_agents(queue)
    if not agents:
        return
    ids = [agent.id for agent in agents]
    following = [i for i in ids if queue.last_assignee_id is None or i > queue.last_assignee_id]
    chosen_id = following[0] if following else ids[0]
    chosen = next(agent for agent in agents if agent.id == chosen_id)
    queue.last_assignee_id = chosen.id
    ticket.assignee = chosen
    record_change(ticket, None, "assignee", "", chosen.email, note="round-robin")


def queue_agents(queue):
    """Enabled users who work this queue, in a stable order."""
    role = next((r for r, key in permissions.AGENT_QUEUES.items() if key == queue.key), None)
    if role is None:
        return []
    return db.session.scalars(
        select(User).where(User.role == role, User.is_enabled.is_(True)).order_by(User.id)
    ).all()


# --- history and versions -----------------------------------------------------------------


def record_change(ticket, actor, field, old, new, note=""):
    """Add a history row for one changed field."""
    change = TicketChange(
        ticket=ticket, actor_id=actor.id if actor is not None else None, field=field,
        old_value="" if old is None else str(old), new_value="" if new is None else str(new), note=note,
    )
    db.session.add(change)
    return change


def _conflict():
    return Conflict(_("Someone else changed this ticket while you were editing it. "
                      "Reload the page, check the changes and try again."))


def check_version(ticket, expected_version):
    """Refuse a change made on an outdated view of the ticket (another agent changed it)."""
    if expected_version is not None and int(expected_version) != ticket.version:
        raise _conflict()


def commit_and_send(outgoing=()):
    """Commit the request's one transaction, then update the search index and hand its queued mail on.

    A ticket row changed by another worker since it was read (version_id_col) is a Conflict.
    """
    try:
        db.session.commit()
    except StaleDataError as error:
        db.session.rollback()
        raise _conflict() from error
    search.apply_pending()
    mail.deliver_soon([message.id for message in outgoing])


def touch(ticket):
    """Mark the ticket changed now."""
    ticket.updated_at = utcnow()


# --- conversation -------------------------------------------------------------------------


def post_message(actor, ticket, body, is_internal=False, files=(), source=c.WEB,
                 expected_version=None, email_message_id=None):
    """Build a reply or note and its notifications without committing: (message, outgoing)."""
    is_agent = permissions.can_work_ticket(actor, ticket)
    if not permissions.can_reply_ticket(actor, ticket) or (is_internal and not is_agent):
        raise PermissionDenied()
    if not (body or "").strip():
        message = _("Write the text of the reply.")
        raise ValidationFailed(message, {"body": [message]})
    check_version(ticket, expected_version)
    checked = uploads.check_files(files)
    message = TicketMessage(ticket=ticket, author=actor, body=body.strip(), is_internal=is_internal,
                            source=source)
    db.session.add(message)
    db.session.add_all(attachments.store(ticket, message, actor, checked))
    if not is_internal:
        _after_public_message(actor, ticket, is_agent)
    touch(ticket)
    db.session.flush()
    if not is_internal:  # notes are not indexed
        search.document_changed("ticket", ticket.id)
    return message, notifications.new_message(ticket, message, email_message_id)


def add_message(actor, ticket, body, **options):
    """Add a public reply or an internal note; a requester's reply reopens the ticket."""
    message, outgoing = post_message(actor, ticket, body, **options)
    commit_and_send(outgoing)
    return message


def _after_public_message(actor, ticket, is_agent):
    if is_agent and ticket.first_responded_at is None and actor.id != ticket.requester_id:
        ticket.first_responded_at = utcnow()
        if ticket.status == c.NEW:
            set_status(ticket, actor, c.IN_PROGRESS)
    elif not is_agent and ticket.status in c.REOPENED_BY_REQUESTER:
        reopened = c.REOPENED_BY_REQUESTER[ticket.status]
        set_status(ticket, actor, reopened, note=_("reply from the requester"))


def set_status(ticket, actor, new_status, note=""):
    old = ticket.status
    ticket.status = new_status
    now = utcnow()
    if new_status == c.RESOLVED:
        ticket.resolved_at = now
    elif new_status == c.CLOSED:
        ticket.closed_at = now
    elif new_status in c.OPEN_STATUSES:
        ticket.resolved_at = ticket.closed_at = None
    record_change(ticket, actor, "status", old, new_status, note=note)
    return old


def change_status(actor, ticket, new_status, expected_version=None, note=""):
    """Move a ticket along the allowed transitions (agents only); notify the requester."""
    if not permissions.can_work_ticket(actor, ticket):
        raise PermissionDenied()
    check_version(ticket, expected_version)
    if new_status == ticket.status:
        return ticket
    if not c.can_transition(ticket.status, new_status):
        raise ValidationFailed(_("A ticket cannot go from «%(old)s» to «%(new)s».",
                                 old=ticket.status_label, new=c.STATUS_LABELS.get(new_status, new_status)))
    old = set_status(ticket, actor, new_status, note=note)
    touch(ticket)
    db.session.flush()
    commit_and_send(notifications.status_changed(ticket, old))
    return ticket
