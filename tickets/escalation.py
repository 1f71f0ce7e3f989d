"""Escalation run by cron (`opora tickets escalate`): auto-closing and overdue alerts.

Resolved tickets nobody reopened within CLOSE_RESOLVED_AFTER_DAYS are closed; open tickets past a
deadline are reported once to the queue lead (or, without a lead, to the queue's agents).
"""

from dataclasses import dataclass, field
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from app.extensions import db
from app.mail import services as mail
from app.timeutil import utcnow
from tickets import constants as c
from tickets import notifications, queries, services
from tickets.models import Ticket


@dataclass
class EscalationResult:
    """What one run did: references of closed and of reported tickets, and e-mails queued."""

    closed: list = field(default_factory=list)
    alerted: list = field(default_factory=list)
    messages: int = 0
    unreported: list = field(default_factory=list)  # overdue, but the queue has nobody to tell


def escalate(now=None):
    """Close long-resolved tickets and alert about overdue ones; one commit, mail after it."""
    now = now or utcnow()
    result = EscalationResult()
    cutoff = now - timedelta(days=c.CLOSE_RESOLVED_AFTER_DAYS)
    result.closed = [_close(ticket, now) for ticket in _resolved_before(cutoff)]
    outgoing = _alert_overdue(now, result)
    db.session.commit()
    mail.deliver_soon([message.id for message in outgoing])
    result.messages = len(outgoing)
    return result


def _resolved_before(moment):
    return db.session.scalars(
        select(Ticket).where(Ticket.status == c.RESOLVED, Ticket.resolved_at < moment).order_by(Ticket.id)
    ).all()


def _close(ticket, now):
    """Close a resolved ticket on nobody's behalf, with the history row saying why."""
    old = ticket.status
    ticket.status = c.CLOSED
    ticket.closed_at = ticket.updated_at = now
    change = services.record_change(ticket, None, "status", old, c.CLOSED, note=_("closed automatically"))
    change.created_at = now
    return ticket.reference


def _alert_overdue(now, result):
    """Queue one alert per overdue ticket not yet reported; remember that it was reported."""
    tickets = db.session.scalars(
        select(Ticket)
        .where(queries.overdue_criterion(now), Ticket.overdue_notified_at.is_(None),
               Ticket.merged_into_id.is_(None))
        .order_by(Ticket.id)
    ).all()
    recipients_by_queue, outgoing = {}, []
    for ticket in tickets:
        if ticket.queue_id not in recipients_by_queue:
            recipients_by_queue[ticket.queue_id] = _alert_recipients(ticket.queue)
        recipients = recipients_by_queue[ticket.queue_id]
        if not recipients:
            result.unreported.append(ticket.reference)
            continue
        for person in recipients:
            outgoing.extend(notifications.overdue_alert(ticket, person))
        _mark_reported(ticket, now, recipients)
        result.alerted.append(ticket.reference)
    return outgoing


def _mark_reported(ticket, now, recipients):
    ticket.overdue_notified_at = now
    change = services.record_change(ticket, None, "overdue_notified_at", "",
                                    now.isoformat(sep=" ", timespec="minutes"),
                                    note=", ".join(person.email for person in recipients))
    change.created_at = now


def _alert_recipients(queue):
    """The queue lead if there is an enabled one, else every agent of the queue."""
    if queue.lead is not None and queue.lead.is_enabled:
        return [queue.lead]
    return services.queue_agents(queue)
