"""The hotline at a glance for the home pages."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.auth import permissions
from app.extensions import db
from app.timeutil import utcnow
from tickets import constants as c
from tickets.models import Ticket, TicketQueue
from tickets.queries import overdue_criterion

RECENT_SHOWN = 5


@dataclass
class Workload:
    """The hotline at a glance for one user: their queues (agents) or their own tickets."""

    is_agent: bool
    open: int
    unassigned: int
    overdue: int
    mine: int
    recent: list


def workload(actor, now=None):
    """Figures for the home page in two statements: counts by SUM(CASE) and the latest tickets."""
    now = now or utcnow()
    is_agent = permissions.is_agent(actor)
    if is_agent:
        scope = Ticket.queue_id.in_(
            select(TicketQueue.id).where(TicketQueue.key.in_(permissions.agent_queue_keys(actor))))
        mine = Ticket.assignee_id == actor.id
    else:
        scope = permissions.ticket_scope(actor)
        mine = Ticket.requester_id == actor.id
    is_open = Ticket.status.in_(c.OPEN_STATUSES)
    counts = db.session.execute(select(
        func.count(Ticket.id).filter(is_open),
        func.count(Ticket.id).filter(is_open, Ticket.assignee_id.is_(None)),
        func.count(Ticket.id).filter(overdue_criterion(now)),
        func.count(Ticket.id).filter(is_open, mine),
    ).where(scope, Ticket.merged_into_id.is_(None))).one()
    recent = db.session.scalars(
        select(Ticket).options(joinedload(Ticket.requester))
        .where(scope, mine if not is_agent else is_open).order_by(Ticket.updated_at.desc())
        .limit(RECENT_SHOWN)
    ).unique().all()
    return Workload(is_agent, *counts, recent=recent)
