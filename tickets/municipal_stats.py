"""Hotline figures per municipality for a period: what the rollout dashboards and quarterly reports show.

hotline_by_municipality(): two statements whatever the number of tickets: the municipalities, then one row
per ticket of the period (its municipality, queue, whether open, two timestamps and the rating). Medians
need every resolution time, so the figures are summed in Python from those narrow rows rather than per
municipality in SQL. hotline_totals() gives the same figures for one scope in total (what the dashboards
show) from two statements that do the counting in SQL: counts per queue, then the resolution hours.
"""

import statistics as stats
from dataclasses import dataclass, field

from sqlalchemy import Float, case, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.functions import FunctionElement

from app.directory import kinds
from app.directory.models import Organization
from app.extensions import db
from app.timeutil import moscow_days_utc
from tickets import constants as c
from tickets.models import Ticket, TicketQueue


def _empty_queues():
    return dict.fromkeys(c.QUEUES, 0)


@dataclass
class HotlineFigures:
    """Tickets of one scope created in the period: volume by queue, open, resolution time, satisfaction."""

    by_queue: dict = field(default_factory=_empty_queues)  # {queue key: tickets created in the period}
    open: int = 0  # of those, still open now
    open_by_queue: dict = field(default_factory=_empty_queues)  # {queue key: of those, open now}
    resolved: int = 0  # of those, resolved (resolved_at set)
    median_resolution_hours: float | None = None  # created → resolved, of the resolved ones
    rating_count: int = 0
    rating_average: float | None = None  # 1–5, two decimals

    @property
    def total(self):
        """Tickets created in the period, both hotlines."""
        return sum(self.by_queue.values())


@dataclass
class HotlineBreakdown:
    """The period's figures per municipality, for the region's other organizations, and in total."""

    by_municipality: dict  # {municipality id: HotlineFigures}; every municipality present
    other: HotlineFigures  # the region's own staff, the institute, the computer center
    total: HotlineFigures  # everything (medians over all tickets, not a median of medians)


class _Tally:
    """Accumulates one scope's tickets, then turns into HotlineFigures."""

    def __init__(self):
        self.by_queue = _empty_queues()
        self.open_by_queue = _empty_queues()
        self.hours = []
        self.ratings = []

    def add(self, queue_key, is_open, created_at, resolved_at, rating):
        """Count one ticket."""
        self.by_queue[queue_key] = self.by_queue.get(queue_key, 0) + 1
        self.open_by_queue[queue_key] = self.open_by_queue.get(queue_key, 0) + bool(is_open)
        if resolved_at is not None:
            self.hours.append((resolved_at - created_at).total_seconds() / 3600)
        if rating is not None:
            self.ratings.append(rating)

    def figures(self):
        """The tally as figures, rounded as the pages show them."""
        return HotlineFigures(
            by_queue=self.by_queue,
            open=sum(self.open_by_queue.values()),
            open_by_queue=self.open_by_queue,
            resolved=len(self.hours),
            median_resolution_hours=round(stats.median(self.hours), 2) if self.hours else None,
            rating_count=len(self.ratings),
            rating_average=round(sum(self.ratings) / len(self.ratings), 2) if self.ratings else None,
        )


def hotline_by_municipality(start, end, municipality_id=None):
    """Tickets created between two Moscow dates (inclusive), by the requester organization's municipality.

    A school's tickets count for its municipality, the municipal office's own too; merged tickets are
    excluded. With municipality_id, only that municipality (other/total cover it alone).
    """
    municipalities = select(Organization.id).where(Organization.kind == kinds.MUNICIPALITY)
    if municipality_id is not None:
        municipalities = municipalities.where(Organization.id == municipality_id)
    ids = db.session.scalars(municipalities.order_by(Organization.name))
    tallies = {muni_id: _Tally() for muni_id in ids}
    other, total = _Tally(), _Tally()
    for muni_id, queue_key, is_open, created_at, resolved_at, rating in db.session.execute(
        _ticket_rows(start, end, municipality_id)
    ):
        tally = tallies.get(muni_id, other)
        tally.add(queue_key, is_open, created_at, resolved_at, rating)
        total.add(queue_key, is_open, created_at, resolved_at, rating)
    return HotlineBreakdown(
        by_municipality={muni_id: tally.figures() for muni_id, tally in tallies.items()},
        other=other.figures(),
        total=total.figures(),
    )


class _HoursBetween(FunctionElement):
    """Hours from one timestamp column to another, as a float (each dialect subtracts times its own way)."""

    type = Float()
    name = "hours_between"
    inherit_cache = True


@compiles(_HoursBetween)
def _hours_between(element, compiler, **kw):
    start, end = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST(EXTRACT(EPOCH FROM ({end} - {start})) AS DOUBLE PRECISION) / 3600.0"


@compiles(_HoursBetween, "sqlite")
def _hours_between_sqlite(element, compiler, **kw):
    # julianday() keeps milliseconds: whole milliseconds first, so the hours are as exact as the times.
    start, end = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"ROUND((julianday({end}) - julianday({start})) * 86400000.0) / 3600000.0"


def _period_tickets(query, start, end, municipality_id):
    """The query limited to unmerged tickets created in the period (of the municipality, when given)."""
    lower, upper = moscow_days_utc(start, end)
    query = query.where(Ticket.created_at >= lower, Ticket.created_at < upper,
                        Ticket.merged_into_id.is_(None))
    if municipality_id is None:
        return query
    # The municipality as an expression, not an OR of indexed columns: the planner then reads the period's
    # tickets by creation time instead of every ticket the municipality ever filed.
    org = aliased(Organization)
    return query.join(org, Ticket.organization_id == org.id).where(_municipality_of(org) == municipality_id)


def _municipality_of(org):
    """The municipality an organization's tickets count for: its own id, its parent's for a school."""
    return case((org.kind == kinds.MUNICIPALITY, org.id), (org.kind == kinds.SCHOOL, org.parent_id),
                else_=None)


def hotline_totals(start, end, municipality_id=None):
    """The `total` of hotline_by_municipality() with the same arguments, counted in SQL (two statements)."""
    counts = (
        select(TicketQueue.key, func.count(Ticket.id),
               func.count(case((Ticket.status.in_(c.OPEN_STATUSES), Ticket.id))),
               func.count(Ticket.rating), func.sum(Ticket.rating))
        .select_from(Ticket).join(TicketQueue, Ticket.queue_id == TicketQueue.id).group_by(TicketQueue.key)
    )
    by_queue, open_by_queue = _empty_queues(), _empty_queues()
    rating_count = rating_sum = 0
    for key, tickets, still_open, rated, ratings in db.session.execute(
            _period_tickets(counts, start, end, municipality_id)):
        by_queue[key], open_by_queue[key] = tickets, still_open
        rating_count, rating_sum = rating_count + rated, rating_sum + (ratings or 0)
    hours = db.session.scalars(_period_tickets(
        select(_HoursBetween(Ticket.created_at, Ticket.resolved_at)).where(Ticket.resolved_at.is_not(None)),
        start, end, municipality_id)).all()
    return HotlineFigures(
        by_queue=by_queue, open=sum(open_by_queue.values()), open_by_queue=open_by_queue, resolved=len(hours),
        median_resolution_hours=round(stats.median(hours), 2) if hours else None, rating_count=rating_count,
        rating_average=round(rating_sum / rating_count, 2) if rating_count else None,
    )


def _ticket_rows(start, end, municipality_id):
    """One narrow row per ticket of the period: (municipality id or None, queue, is open, times, rating)."""
    lower, upper = moscow_days_utc(start, end)
    org = aliased(Organization)
    muni_id = _municipality_of(org)
    query = (
        select(muni_id, TicketQueue.key, Ticket.status.in_(c.OPEN_STATUSES), Ticket.created_at,
               Ticket.resolved_at, Ticket.rating)
        .select_from(Ticket)
        .join(TicketQueue, Ticket.queue_id == TicketQueue.id)
        .join(org, Ticket.organization_id == org.id)
        .where(Ticket.created_at >= lower, Ticket.created_at < upper, Ticket.merged_into_id.is_(None))
    )
    if municipality_id is not None:
        query = query.where(muni_id == municipality_id)
    return query
