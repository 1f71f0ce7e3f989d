"""Hotline statistics for a period: volume, response and resolution times, SLA and satisfaction.

Aggregates come from SQL GROUP BY; weekly buckets and medians are computed in Python from three
columns of the period's tickets (no ORM objects), so the page costs a fixed number of statements.
"""

import statistics as stats
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import case, func, select
from sqlalchemy.orm import aliased

from app.auth import permissions
from app.directory import kinds
from app.directory.models import Organization
from app.errors import PermissionDenied, ValidationFailed
from app.extensions import db
from app.parsing import parse_iso_date
from app.timeutil import MOSCOW_OFFSET, local_today, moscow_days_utc
from tickets import constants as c
from tickets.models import Category, Ticket, TicketQueue

DEFAULT_WEEKS = 12
MAX_PERIOD_DAYS = 3 * 366
RATINGS = (1, 2, 3, 4, 5)


@dataclass
class Period:
    """Inclusive local dates, and the queue the figures are limited to (None: both)."""

    start: date
    end: date
    queue_key: str | None = None

    @property
    def utc_bounds(self):
        """[start, end) of the period as naive UTC datetimes, as the *_at columns store time."""
        return moscow_days_utc(self.start, self.end)


@dataclass
class Share:
    """How many of the counted tickets met the target."""

    met: int
    total: int

    @property
    def percent(self):
        """Share in percent, or None when nothing was counted."""
        return round(100 * self.met / self.total, 1) if self.total else None


@dataclass
class TicketStatistics:
    """Every figure of the statistics page."""

    period: Period
    queues: list  # (key, label) of the queues shown
    total: int = 0
    weekly: list = field(default_factory=list)  # (monday, {queue key: count}, total)
    by_queue: list = field(default_factory=list)  # (key, label, count)
    by_category: list = field(default_factory=list)  # (label, queue key, count)
    by_municipality: list = field(default_factory=list)  # (name, count)
    first_response_hours: float | None = None
    resolution_hours: float | None = None
    first_response_sla: Share = field(default_factory=lambda: Share(0, 0))
    resolution_sla: Share = field(default_factory=lambda: Share(0, 0))
    ratings: dict = field(default_factory=lambda: dict.fromkeys(RATINGS, 0))

    @property
    def rating_count(self):
        """How many tickets were rated."""
        return sum(self.ratings.values())

    @property
    def rating_average(self):
        """Average rating, or None when nobody rated."""
        count = self.rating_count
        return round(sum(n * k for n, k in self.ratings.items()) / count, 2) if count else None


def week_start(day):
    """The Monday of the day's week."""
    return day - timedelta(days=day.weekday())


def local_week(moment):
    """The Monday (Moscow calendar) of the week a UTC datetime falls in."""
    return week_start((moment + MOSCOW_OFFSET).date())


def parse_period(date_from="", date_to="", queue_key="", today=None):
    """The period asked for; by default the last 12 weeks up to today. ValidationFailed on bad input."""
    end = parse_iso_date(date_to, "date_to") or today or local_today()
    start = parse_iso_date(date_from, "date_from") or week_start(end) - timedelta(weeks=DEFAULT_WEEKS - 1)
    if start > end:
        message = _("The start of the period must not be later than its end.")
        raise ValidationFailed(message, {"date_from": [message]})
    if (end - start).days > MAX_PERIOD_DAYS:
        message = _("Choose a period of at most three years.")
        raise ValidationFailed(message, {"date_from": [message]})
    if queue_key and queue_key not in c.QUEUES:
        message = _("Choose a hotline from the list.")
        raise ValidationFailed(message, {"queue": [message]})
    return Period(start, end, queue_key or None)


def ticket_statistics(actor, date_from="", date_to="", queue_key="", today=None):
    """The statistics of the period for those allowed to see them (operators, methodologists, region)."""
    if not permissions.can_view_ticket_statistics(actor):
        raise PermissionDenied()
    period = parse_period(date_from, date_to, queue_key, today)
    keys = [period.queue_key] if period.queue_key else list(c.QUEUES)
    report = TicketStatistics(period=period, queues=[(key, str(c.QUEUE_LABELS[key])) for key in keys])
    criteria = _criteria(period)
    queue_keys = _fill_by_queue(report, criteria)
    _fill_times(report, criteria, queue_keys)
    _fill_totals(report, criteria)
    _fill_by_category(report, criteria)
    _fill_by_municipality(report, criteria)
    return report


def _criteria(period):
    start, end = period.utc_bounds
    criteria = [Ticket.created_at >= start, Ticket.created_at < end]
    if period.queue_key:
        queue_id = select(TicketQueue.id).where(TicketQueue.key == period.queue_key)
        criteria.append(Ticket.queue_id.in_(queue_id))
    return criteria


def _fill_by_queue(report, criteria):
    """Tickets per queue; returns {queue id: key} for the weekly split."""
    rows = db.session.execute(
        select(TicketQueue.id, TicketQueue.key, func.count(Ticket.id))
        .join(Ticket, Ticket.queue_id == TicketQueue.id)
        .where(*criteria)
        .group_by(TicketQueue.id, TicketQueue.key)
    ).all()
    counts = {key: count for _id, key, count in rows}
    report.by_queue = [(key, label, counts.get(key, 0)) for key, label in report.queues]
    return {queue_id: key for queue_id, key, _count in rows}


def _hours(later, earlier):
    return (later - earlier).total_seconds() / 3600


def _median(values):
    return round(stats.median(values), 2) if values else None


def _fill_times(report, criteria, queue_keys):
    """Weekly volume and median times, from the three timestamps of each ticket of the period."""
    rows = db.session.execute(
        select(Ticket.queue_id, Ticket.created_at, Ticket.first_responded_at, Ticket.resolved_at)
        .where(*criteria)
    )
    weeks, responses, resolutions = Counter(), [], []
    for queue_id, created, responded, resolved in rows:
        weeks[local_week(created), queue_keys.get(queue_id)] += 1
        if responded is not None:
            responses.append(_hours(responded, created))
        if resolved is not None:
            resolutions.append(_hours(resolved, created))
    monday, last = week_start(report.period.start), week_start(report.period.end)
    while monday <= last:
        per_queue = {key: weeks[monday, key] for key, _label in report.queues}
        report.weekly.append((monday, per_queue, sum(per_queue.values())))
        monday += timedelta(weeks=1)
    report.first_response_hours = _median(responses)
    report.resolution_hours = _median(resolutions)


def _on_time(done, due):
    return func.coalesce(func.sum(case((done <= due, 1), else_=0)), 0)


def _fill_totals(report, criteria):
    """Ticket count, SLA compliance and the rating distribution, in one aggregate statement."""
    columns = [
        func.count(Ticket.id),
        func.count(Ticket.first_responded_at),
        _on_time(Ticket.first_responded_at, Ticket.first_response_due_at),
        func.count(Ticket.resolved_at),
        _on_time(Ticket.resolved_at, Ticket.resolution_due_at),
        *(func.coalesce(func.sum(case((Ticket.rating == n, 1), else_=0)), 0) for n in RATINGS),
    ]
    total, responded, responded_on_time, resolved, resolved_on_time, *ratings = db.session.execute(
        select(*columns).where(*criteria)
    ).one()
    report.total = int(total)
    report.first_response_sla = Share(int(responded_on_time), int(responded))
    report.resolution_sla = Share(int(resolved_on_time), int(resolved))
    report.ratings = {n: int(count) for n, count in zip(RATINGS, ratings, strict=True)}


def _fill_by_category(report, criteria):
    rows = db.session.execute(
        select(Category.name, TicketQueue.key, func.count(Ticket.id))
        .select_from(Ticket)
        .outerjoin(Category, Ticket.category_id == Category.id)
        .outerjoin(TicketQueue, Category.queue_id == TicketQueue.id)
        .where(*criteria)
        .group_by(Category.id, Category.name, TicketQueue.key)
    ).all()
    named = Counter(name for name, _key, _count in rows if name is not None)
    result = []
    for name, key, count in rows:
        if name is None:
            label = _("No category")
        elif named[name] > 1:  # the same name in both queues: say which hotline
            label = f"{name} ({c.QUEUE_PREFIXES.get(key, '?')})"
        else:
            label = name
        result.append((label, key, count))
    report.by_category = sorted(result, key=lambda row: (-row[2], row[0]))


def _fill_by_municipality(report, criteria):
    """Tickets per municipality of the requester's organization (a school counts for its parent)."""
    org, municipality = aliased(Organization), aliased(Organization)
    municipality_id = case(
        (org.kind == kinds.MUNICIPALITY, org.id), (org.kind == kinds.SCHOOL, org.parent_id), else_=None
    )
    rows = db.session.execute(
        select(municipality.name, municipality.short_name, municipality.kind, func.count(Ticket.id))
        .select_from(Ticket)
        .join(org, Ticket.organization_id == org.id)
        .outerjoin(municipality, municipality.id == municipality_id)
        .where(*criteria)
        .group_by(municipality.id, municipality.name, municipality.short_name, municipality.kind)
    ).all()
    counts, other = Counter(), 0
    for name, short_name, kind, count in rows:
        if kind == kinds.MUNICIPALITY:
            counts[short_name or name] += count
        else:
            other += count
    report.by_municipality = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    if other:  # the region's own staff, the institute, the computer center: listed last
        report.by_municipality.append((_("Region and other organizations"), other))


# --- tables for the page's exports -----------------------------------------------------------


def export_filename(report, extension):
    """A download name that says what and for when: «ticket-statistics-2024-09-01-2024-11-30.csv»."""
    period = report.period
    queue = f"-{period.queue_key}" if period.queue_key else ""
    return f"{_('ticket-statistics')}{queue}-{period.start.isoformat()}-{period.end.isoformat()}.{extension}"


def summary_rows(report):
    """(indicator, value) of the headline figures."""
    return [
        (_("Tickets created"), report.total),
        (_("Median first response, hours"), report.first_response_hours),
        (_("Median resolution, hours"), report.resolution_hours),
        (_("Tickets with a first response"), report.first_response_sla.total),
        (_("First response on time, %"), report.first_response_sla.percent),
        (_("Resolved tickets"), report.resolution_sla.total),
        (_("Resolved on time, %"), report.resolution_sla.percent),
        (_("Ratings"), report.rating_count),
        (_("Average rating"), report.rating_average),
    ]


def export_sheets(report):
    """The report as (title, header, rows) sections: one sheet each in Excel."""
    queue_labels = [label for _key, label in report.queues]
    return [
        (_("Summary"), [_("Indicator"), _("Value")], summary_rows(report)),
        (_("Weeks"), [_("Week starting"), *queue_labels, _("Total")],
         [(monday, *per_queue.values(), total) for monday, per_queue, total in report.weekly]),
        (_("Hotlines"), [_("Hotline"), _("Tickets")], [(label, n) for _key, label, n in report.by_queue]),
        (_("Categories"), [_("Category"), _("Hotline"), _("Tickets")],
         [(label, str(c.QUEUE_LABELS.get(key, "")), n) for label, key, n in report.by_category]),
        (_("Municipalities"), [_("Municipality"), _("Tickets")], report.by_municipality),
        (_("Ratings"), [_("Rating"), _("Tickets")], list(report.ratings.items())),
    ]


def export_table(report):
    """The report as one long table (section, item, value) for CSV."""
    rows = []
    for index, (title, _header, section_rows) in enumerate(export_sheets(report)):
        for row in section_rows:
            # Weeks: the date and the total; elsewhere the label (and hotline) and the count.
            item = row[0].strftime("%d.%m.%Y") if index == 1 else " · ".join(str(v) for v in row[:-1] if v)
            rows.append((title, item, row[-1]))
    return [_("Section"), _("Item"), _("Value")], rows
