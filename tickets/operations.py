"""Agent operations on a ticket: assignment, priority and category, watchers, transfer, merge, links.

Each operation checks the agent's rights, refuses a change made on an outdated view of the ticket
(`expected_version`, the version the agent saw), records a TicketChange per changed field, commits
once and only then sends mail. Canned replies and queue settings live in tickets/queue_tools.py.
"""

import re
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.auth import permissions
from app.auth.models import User
from app.errors import PermissionDenied, ValidationFailed
from app.extensions import db
from app.search import services as search
from tickets import constants as c
from tickets import notifications, services
from tickets.models import CannedReply, Category, Ticket, TicketLink, TicketMessage, TicketQueue

REASON_MAX = 5000
PANEL_CANNED_REPLIES = 100
# «Т-000123», «т 123», «T-123» (Latin look-alikes are accepted), «#123» or «123» (same queue).
REFERENCE = re.compile(r"^#?\s*(?:([ТМ])\s*-?\s*)?0*(\d{1,9})$")
LATIN_LOOKALIKES = str.maketrans({"T": "Т", "M": "М"})


def _fail(field_name, message):
    raise ValidationFailed(message, {field_name: [message]})


def _shown(value):
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ", timespec="minutes")
    return str(value)


def _same(old, new):
    # Rows compare by id: User (Flask-Login's UserMixin) defines == by session token, not identity.
    if hasattr(old, "id") or hasattr(new, "id"):
        return getattr(old, "id", None) == getattr(new, "id", None)
    return old == new


def _ids(users):
    return {user.id for user in users}


def _set(ticket, actor, name, new, old_shown=None, new_shown=None, note=""):
    """Set a ticket field and record the change; return whether it changed."""
    old = getattr(ticket, name)
    if _same(old, new):
        return False
    setattr(ticket, name, new)
    services.record_change(ticket, actor, name, _shown(old) if old_shown is None else old_shown,
                           _shown(new) if new_shown is None else new_shown, note=note)
    return True


# --- lookups ------------------------------------------------------------------------------


def ticket_for_agent(actor, ticket_id, expected_version=None):
    """A ticket the actor works: NotFound if they may not see it, PermissionDenied if only see it."""
    ticket = services.get_ticket(actor, ticket_id)
    if not permissions.can_work_ticket(actor, ticket):
        raise PermissionDenied()
    services.check_version(ticket, expected_version)
    return ticket


def find_by_reference(actor, text, default_queue, field_name="reference"):
    """The ticket a typed reference («Т-000123», «123») points to, if the actor may view it."""
    typed = (text or "").strip()
    match = REFERENCE.match(typed.upper().translate(LATIN_LOOKALIKES))
    if not typed:
        _fail(field_name, _("Enter the number of the ticket, like %(example)s.",
                            example=f"{default_queue.prefix}-000123"))
    ticket = None
    if match:
        prefix, number = match.group(1) or default_queue.prefix, int(match.group(2))
        key = next((k for k, p in c.QUEUE_PREFIXES.items() if p == prefix), None)
        ticket = db.session.scalar(
            select(Ticket).join(TicketQueue).where(TicketQueue.key == key, Ticket.number == number)
        )
    # The same answer for a missing ticket and one the agent may not see: existence is not revealed.
    if ticket is None or not permissions.can_view_ticket(actor, ticket):
        _fail(field_name, _("There is no ticket %(reference)s that you can open.", reference=typed))
    return ticket


def related_tickets(ticket, actor=None):
    """Tickets linked to this one (in either direction), limited to what the actor may view."""
    linked = select(TicketLink.related_id).where(TicketLink.ticket_id == ticket.id).union(
        select(TicketLink.ticket_id).where(TicketLink.related_id == ticket.id)
    )
    tickets = db.session.scalars(select(Ticket).where(Ticket.id.in_(linked)).order_by(Ticket.id)).all()
    return [t for t in tickets if actor is None or permissions.can_view_ticket(actor, t)]


@dataclass
class AgentPanel:
    """What the agent panel on a ticket page offers."""

    ticket: Ticket
    agents: list
    categories: list
    other_queues: list
    related: list
    canned_replies: list
    can_manage_canned_replies: bool
    can_view_queue_settings: bool
    watchers: list = field(default_factory=list)


def agent_panel(actor, ticket):
    """The data of the agent panel, or None when the actor does not work this ticket."""
    if not permissions.can_work_ticket(actor, ticket):
        return None
    queue = ticket.queue
    agents = list(services.queue_agents(queue))
    for extra in (ticket.assignee, actor):
        if extra is not None and extra.id not in _ids(agents) and permissions.can_work_ticket(extra, ticket):
            agents.append(extra)
    canned = db.session.scalars(
        select(CannedReply).where(CannedReply.queue_id == queue.id).order_by(CannedReply.title)
        .limit(PANEL_CANNED_REPLIES)
    ).all()
    others = db.session.scalars(select(TicketQueue).where(TicketQueue.id != queue.id)
                                .order_by(TicketQueue.id)).all()
    return AgentPanel(
        ticket=ticket, agents=agents, categories=[x for x in queue.categories if x.is_active],
        other_queues=others, related=related_tickets(ticket, actor), canned_replies=canned,
        can_manage_canned_replies=permissions.can_manage_canned_replies(actor, queue.key),
        can_view_queue_settings=permissions.can_view_queue_settings(actor, queue.key),
        watchers=sorted(ticket.watchers, key=lambda u: u.email),
    )


# --- assignment ---------------------------------------------------------------------------


def take(actor, ticket_id, expected_version=None):
    """Assign the ticket to the acting agent."""
    return assign(actor, ticket_id, actor.id, expected_version)


def assign(actor, ticket_id, assignee_id, expected_version=None):
    """Give the ticket to an agent of its queue (None: nobody); tell the new assignee."""
    ticket = ticket_for_agent(actor, ticket_id, expected_version)
    assignee = db.session.get(User, assignee_id) if assignee_id else None
    if assignee_id and (assignee is None or not assignee.is_enabled
                        or not permissions.can_work_ticket(assignee, ticket)):
        _fail("assignee_id", _("Choose an agent of this hotline."))
    old = ticket.assignee
    if not _set(ticket, actor, "assignee", assignee, old_shown=old.email if old else "",
                new_shown=assignee.email if assignee else ""):
        return ticket
    services.touch(ticket)
    db.session.flush()
    outgoing = []
    if assignee is not None and assignee.id != actor.id:
        outgoing = notifications.send(ticket, [assignee], "ticket_assigned", actor=actor)
    services.commit_and_send(outgoing)
    return ticket


# --- priority and category ----------------------------------------------------------------


def change_priority(actor, ticket_id, priority, expected_version=None):
    """Change the priority; the SLA deadlines are recomputed from the queue's policy."""
    ticket = ticket_for_agent(actor, ticket_id, expected_version)
    if priority not in c.PRIORITIES:
        _fail("priority", _("Choose a priority from the list."))
    if priority == ticket.priority:
        return ticket
    first_due, resolution_due = services.sla_deadlines(ticket.queue, priority, ticket.created_at)
    _set(ticket, actor, "priority", priority)
    _set(ticket, actor, "first_response_due_at", first_due)
    _set(ticket, actor, "resolution_due_at", resolution_due)
    services.touch(ticket)
    services.commit_and_send()
    return ticket


def change_category(actor, ticket_id, category_id, expected_version=None):
    """Set the category (one of the ticket's queue) or clear it."""
    ticket = ticket_for_agent(actor, ticket_id, expected_version)
    category = db.session.get(Category, category_id) if category_id else None
    if category_id and (category is None or category.queue_id != ticket.queue_id or not category.is_active):
        _fail("category_id", _("Choose a category of this hotline."))
    old = ticket.category
    if _set(ticket, actor, "category", category, old_shown=old.name if old else "",
            new_shown=category.name if category else ""):
        services.touch(ticket)
        services.commit_and_send()
    return ticket


# --- watchers -----------------------------------------------------------------------------


def add_watcher(actor, ticket_id, email, expected_version=None):
    """Let a user who may see the ticket follow it; return that user."""
    ticket = ticket_for_agent(actor, ticket_id, expected_version)
    email = (email or "").strip()
    if not email:
        _fail("email", _("Enter the e-mail of the user to add."))
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.lower()))
    if user is None or not user.is_enabled:
        _fail("email", _("There is no active user with the e-mail %(email)s.", email=email))
    if user.id == ticket.requester_id or user.id in _ids(ticket.watchers):
        _fail("email", _("%(email)s already follows this ticket.", email=user.email))
    if not permissions.can_view_ticket(user, ticket):
        _fail("email", _("%(email)s may not see this ticket: only the requester's organization, "
                         "its municipal office, the region and the hotline staff can follow it.",
                         email=user.email))
    ticket.watchers.append(user)
    services.record_change(ticket, actor, "watchers", "", user.email)
    services.touch(ticket)
    services.commit_and_send()
    return user


def remove_watcher(actor, ticket_id, user_id, expected_version=None):
    """Stop a user following the ticket."""
    ticket = ticket_for_agent(actor, ticket_id, expected_version)
    index = next((i for i, u in enumerate(ticket.watchers) if u.id == user_id), None)
    if index is None:
        _fail("user_id", _("This user does not follow the ticket."))
    user = ticket.watchers.pop(index)  # by position: list.remove() would compare users with ==
    services.record_change(ticket, actor, "watchers", user.email, "")
    services.touch(ticket)
    services.commit_and_send()
    return user


def _add_watchers(ticket, actor, users):
    """Add users as watchers (skipping the requester and those already there); return the added."""
    added = []
    for user in users:
        if user.id == ticket.requester_id or user.id in _ids(ticket.watchers):
            continue
        ticket.watchers.append(user)
        services.record_change(ticket, actor, "watchers", "", user.email)
        added.append(user)
    return added


# --- transfer, merge, links ---------------------------------------------------------------


def transfer(actor, ticket_id, queue_key, reason, expected_version=None):
    """Move a ticket filed in the wrong queue to another queue, under a new number, with a note."""
    ticket = ticket_for_agent(actor, ticket_id, expected_version)
    reason = (reason or "").strip()
    if queue_key == ticket.queue.key or queue_key not in c.QUEUES:
        _fail("queue_key", _("Choose the hotline to transfer the ticket to."))
    if not reason:
        _fail("reason", _("Write why the ticket goes to the other hotline: the agents there will read it."))
    if len(reason) > REASON_MAX:
        _fail("reason", _("Shorten the reason to %(n)d characters.", n=REASON_MAX))
    target = services.queue_by_key(queue_key)
    old_reference = ticket.reference
    ticket.queue, ticket.number = target, services.next_number(target)
    services.record_change(ticket, actor, "queue", old_reference, ticket.reference, note=reason)
    old_category, old_assignee = ticket.category, ticket.assignee
    _set(ticket, actor, "category", None, old_shown=old_category.name if old_category else "", new_shown="")
    _set(ticket, actor, "assignee", None, old_shown=old_assignee.email if old_assignee else "", new_shown="")
    first_due, resolution_due = services.sla_deadlines(target, ticket.priority, ticket.created_at)
    _set(ticket, actor, "first_response_due_at", first_due)
    _set(ticket, actor, "resolution_due_at", resolution_due)
    note = _("Transferred from %(old)s to the %(queue)s. Reason: %(reason)s",
             old=old_reference, queue=target.label, reason=reason)
    db.session.add(TicketMessage(ticket=ticket, author=actor, body=note, is_internal=True))
    services.auto_assign(ticket)
    services.touch(ticket)
    db.session.flush()
    search.document_changed("ticket", ticket.id)  # the indexed title holds the new reference
    outgoing = notifications.new_ticket(ticket)
    services.commit_and_send(outgoing)
    return ticket


def merge(actor, ticket_id, reference, expected_version=None):
    """Close a duplicate into another ticket; its requester and watchers follow the target."""
    duplicate = ticket_for_agent(actor, ticket_id, expected_version)
    if duplicate.merged_into is not None:
        _fail("reference", _("This ticket has already been merged into %(reference)s.",
                             reference=duplicate.merged_into.reference))
    target = find_by_reference(actor, reference, duplicate.queue)
    if target.id == duplicate.id:
        _fail("reference", _("A ticket cannot be merged into itself."))
    if target.merged_into is not None:
        _fail("reference", _("%(reference)s has itself been merged into %(other)s: merge into that one.",
                             reference=target.reference, other=target.merged_into.reference))
    _set(duplicate, actor, "merged_into", target, old_shown="", new_shown=target.reference)
    if duplicate.status != c.CLOSED:
        services.set_status(duplicate, actor, c.CLOSED, note=_("merged into %(reference)s",
                                                                  reference=target.reference))
    message = TicketMessage(ticket=duplicate, author=actor, body=_(
        "This ticket has been merged into %(reference)s: the conversation continues there.",
        reference=target.reference))
    db.session.add(message)
    _add_watchers(target, actor, [duplicate.requester, *duplicate.watchers])
    services.record_change(target, actor, "merged", "", duplicate.reference)
    services.touch(duplicate)
    services.touch(target)
    db.session.flush()
    outgoing = notifications.new_message(duplicate, message)
    services.commit_and_send(outgoing)
    return target


def link(actor, ticket_id, reference, expected_version=None):
    """Mark two tickets as related (stored once, lower id first); return the other ticket."""
    ticket = ticket_for_agent(actor, ticket_id, expected_version)
    other = find_by_reference(actor, reference, ticket.queue)
    if other.id == ticket.id:
        _fail("reference", _("A ticket cannot be linked to itself."))
    low, high = sorted((ticket.id, other.id))
    if db.session.get(TicketLink, (low, high)) is not None:
        _fail("reference", _("%(reference)s is already linked to this ticket.", reference=other.reference))
    db.session.add(TicketLink(ticket_id=low, related_id=high))
    services.record_change(ticket, actor, "link", "", other.reference)
    services.record_change(other, actor, "link", "", ticket.reference)
    services.touch(ticket)
    services.commit_and_send()
    return other


def unlink(actor, ticket_id, other_id, expected_version=None):
    """Remove the link between two tickets; return the other ticket."""
    ticket = ticket_for_agent(actor, ticket_id, expected_version)
    low, high = sorted((ticket.id, other_id))
    row = db.session.get(TicketLink, (low, high))
    if row is None:
        _fail("reference", _("These tickets are not linked."))
    other = db.session.get(Ticket, other_id)
    db.session.delete(row)
    services.record_change(ticket, actor, "link", other.reference, "")
    services.record_change(other, actor, "link", ticket.reference, "")
    services.touch(ticket)
    services.commit_and_send()
    return other

