"""Where every school and municipal office stands on plan items 2.1–2.4, read in one statement.

progress_rows() returns plain rows (no ORM objects) as of a day; dashboards, quarterly reports and
reminders aggregate them in Python, which at a region's size (hundreds of schools) costs less than a
statement per figure.
"""

import functools
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import Date, Integer, String, bindparam, cast, func, null, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.functions import FunctionElement

from app.directory import kinds
from app.directory.models import Appointment, Organization
from app.directory.services import in_force
from app.extensions import db
from app.rollout import constants as c
from app.rollout.models import PlanActivity, RolloutStatus
from app.rollout.plan import is_late, state_of


@dataclass
class ProgressRow:
    """One school's or municipal office's milestone dates, as of `day` (later dates do not count)."""

    id: int
    code: str
    name: str
    kind: str
    municipality_id: int | None
    municipality_name: str
    day: date
    appointed_on: date | None = None
    activated_on: date | None = None
    info_space_on: date | None = None
    daily_entry_on: date | None = None
    checklist: dict = field(default_factory=dict)

    @property
    def milestones(self):
        """The milestones that concern this kind of organization."""
        return c.SCHOOL_MILESTONES if self.kind == kinds.SCHOOL else c.OFFICE_MILESTONES

    def done_on(self, key):
        """The day the milestone was done, if it was by `day`."""
        done = getattr(self, f"{key}_on")
        return done if done is not None and done <= self.day else None

    def is_done(self, key):
        """Whether the milestone was done by `day`."""
        return self.done_on(key) is not None


@dataclass
class MilestoneState:
    """One milestone of one organization: deadline, completion and state on a day."""

    key: str
    deadline: date | None
    done_on: date | None
    state: str

    @property
    def label(self):
        """Translated milestone name."""
        return c.MILESTONE_LABELS[self.key]

    @property
    def state_label(self):
        """Translated state."""
        return c.STATE_LABELS[self.state]

    @property
    def is_late(self):
        """Done, but after the deadline."""
        return is_late(self.done_on, self.deadline)


@dataclass
class MilestoneCounts:
    """How many schools of a group have done each milestone, and how many are overdue on it."""

    total: int = 0
    done: dict = field(default_factory=lambda: dict.fromkeys(c.MILESTONES, 0))
    overdue: dict = field(default_factory=lambda: dict.fromkeys(c.MILESTONES, 0))

    def percent(self, key):
        """Share of the schools that have done the milestone, whole per cent (None without schools)."""
        return round(100 * self.done[key] / self.total) if self.total else None

    @property
    def overdue_total(self):
        """Overdue milestones of all the schools together."""
        return sum(self.overdue.values())

    def add(self, row, deadlines):
        """Count one school row."""
        self.total += 1
        for key in c.SCHOOL_MILESTONES:
            if row.is_done(key):
                self.done[key] += 1
            elif state_of(None, deadlines.get(key), row.day) == c.OVERDUE:
                self.overdue[key] += 1


def _appointed_on(day):
    """Subquery: per organization, the order date of its earliest appointment in force on the day."""
    return (select(Appointment.organization_id, func.min(Appointment.order_date).label("order_date"))
            .where(in_force(day)).group_by(Appointment.organization_id).subquery())


def _progress_query(day, with_offices, read_appointments):
    municipality = aliased(Organization)
    status = RolloutStatus
    appointed = _appointed_on(day) if read_appointments else None
    kind_list = [kinds.SCHOOL, kinds.MUNICIPALITY] if with_offices else [kinds.SCHOOL]
    municipality_key = func.coalesce(municipality.id, Organization.id)
    query = (
        select(Organization.id, Organization.code, Organization.name, Organization.short_name,
               Organization.kind, Organization.parent_id, municipality.name, municipality.short_name,
               null() if appointed is None else appointed.c.order_date, status.activated_on,
               status.info_space_on, status.daily_entry_on,
               *(getattr(status, f"{item}_on") for item in c.CHECKLIST))
        .outerjoin(municipality, (municipality.id == Organization.parent_id)
                   & (Organization.kind == kinds.SCHOOL))
        .outerjoin(status, status.organization_id == Organization.id)
        .where(Organization.kind.in_(kind_list))
        .order_by(func.coalesce(municipality.name, Organization.name), municipality_key,
                  Organization.kind != kinds.MUNICIPALITY, Organization.name, Organization.id)
    )
    if appointed is not None:
        query = query.outerjoin(appointed, appointed.c.organization_id == Organization.id)
    return query


def progress_rows(day, municipality_id=None, organization_id=None, with_offices=True, appointed=None):
    """Schools (and municipal offices) with their milestone dates as of the day, by municipality and name.

    Limit to one municipality (its office and schools) or one organization; one SQL statement. Pass
    `appointed` (appointed_dates() of the same day and scope) when they have been read already.
    """
    query = _progress_query(day, with_offices, read_appointments=appointed is None)
    if municipality_id is not None:
        query = query.where((Organization.id == municipality_id)
                            | (Organization.parent_id == municipality_id))
    if organization_id is not None:
        query = query.where(Organization.id == organization_id)
    rows = [_row(values, day) for values in db.session.execute(query)]
    for row in rows if appointed is not None else ():
        row.appointed_on = appointed.get(row.id)
    return rows


def _row(values, day):
    (org_id, code, name, short_name, kind, parent_id, muni_name, muni_short, appointed_on, activated_on,
     info_space_on, daily_entry_on, *checklist) = values
    is_school = kind == kinds.SCHOOL
    return ProgressRow(
        id=org_id, code=code, name=short_name or name, kind=kind,
        municipality_id=parent_id if is_school else org_id,
        municipality_name=(muni_short or muni_name or "") if is_school else (short_name or name),
        day=day, appointed_on=appointed_on,
        activated_on=activated_on if is_school else None,
        info_space_on=info_space_on if is_school else None,
        daily_entry_on=daily_entry_on if is_school else None,
        checklist=dict(zip(c.CHECKLIST, checklist, strict=True)) if is_school else {},
    )


class _IsoDate(FunctionElement):
    """A date as «YYYY-MM-DD» text, whatever the database server's date style."""

    type = String()
    name = "iso_date"
    inherit_cache = True


@compiles(_IsoDate)
def _iso_date(element, compiler, **kw):
    return f"to_char({compiler.process(element.clauses, **kw)}, 'YYYY-MM-DD')"


@compiles(_IsoDate, "sqlite")
def _iso_date_sqlite(element, compiler, **kw):
    return compiler.process(element.clauses, **kw)  # SQLite keeps dates as that text already


def _in_force_text(in_municipality):
    """Scalar subquery: the appointments in force on :day as «organization:order date,…» (NULL: none)."""
    query = select(func.aggregate_strings(
        cast(Appointment.organization_id, String) + ":" + _IsoDate(Appointment.order_date), ",")
    ).where(in_force(bindparam("day", type_=Date)))
    if in_municipality:
        municipality_id = bindparam("municipality_id", type_=Integer)
        query = query.where(Appointment.organization_id.in_(select(Organization.id).where(
            (Organization.id == municipality_id) | (Organization.parent_id == municipality_id))))
    return query.scalar_subquery()


@functools.cache
def _version_statement(in_municipality):
    # Built once: the statement and its cache key are reused by every request.
    parts = []
    for model in (RolloutStatus, Organization, PlanActivity):
        parts += [select(func.count(model.id)).scalar_subquery(),
                  select(func.max(model.updated_at)).scalar_subquery()]
    return select(*parts, _in_force_text(in_municipality))


def data_version(day, municipality_id=None):
    """What the milestone rows of the region (or a municipality) are computed from, in one statement.

    (count, latest change) of the rollout statuses, the organizations and the plan's activities, and the
    appointments in force on the day as text (appointments have no time of change; appointed_dates() reads
    that text). Any insert, update or delete of those rows changes the tuple.
    """
    params = {"day": day} if municipality_id is None else {"day": day, "municipality_id": municipality_id}
    return tuple(db.session.execute(_version_statement(municipality_id is not None), params).one())


def appointed_dates(version):
    """{organization id: the earliest order date in force} from a data_version(), for progress_rows()."""
    dates = {}
    for item in version[-1].split(",") if version[-1] else ():
        org_id, order_date = item.split(":")
        org_id, order_date = int(org_id), date.fromisoformat(order_date)
        if org_id not in dates or order_date < dates[org_id]:
            dates[org_id] = order_date
    return dates


def milestone_states(row, deadlines):
    """The state of each milestone of the row's organization on the row's day."""
    return [MilestoneState(key, deadlines.get(key), row.done_on(key),
                           state_of(row.done_on(key), deadlines.get(key), row.day))
            for key in row.milestones]


def counts_by_municipality(rows, deadlines):
    """{municipality id: MilestoneCounts of its schools}; offices are not counted here."""
    counts = {}
    for row in rows:
        if row.kind == kinds.SCHOOL:
            counts.setdefault(row.municipality_id, MilestoneCounts()).add(row, deadlines)
    return counts


def total_counts(rows, deadlines):
    """MilestoneCounts of all the schools among the rows."""
    counts = MilestoneCounts()
    for row in rows:
        if row.kind == kinds.SCHOOL:
            counts.add(row, deadlines)
    return counts


@dataclass
class OverdueItem:
    """A milestone an organization has not done although its deadline has passed."""

    row: ProgressRow
    key: str
    deadline: date

    @property
    def days_overdue(self):
        """Days since the deadline."""
        return (self.row.day - self.deadline).days

    @property
    def label(self):
        """Translated milestone name."""
        return c.MILESTONE_LABELS[self.key]


def overdue_items(rows, deadlines):
    """Every overdue milestone among the rows, longest overdue first, then by municipality and name."""
    items = [OverdueItem(row, key, deadlines[key]) for row in rows for key in row.milestones
             if state_of(row.done_on(key), deadlines.get(key), row.day) == c.OVERDUE]
    return sorted(items, key=lambda item: (item.deadline, item.row.municipality_name, item.row.name,
                                           c.MILESTONES.index(item.key)))


def office_label():
    """How a municipal office's own row is named in tables of its schools."""
    return _("Municipal education office")
