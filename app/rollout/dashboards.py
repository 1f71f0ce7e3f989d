"""Control dashboards (plan items 2.5, 2.7): the region by municipality, a municipality by school, overdue.

Everything is computed on each request from progress_rows() (one statement) and a few GROUP BY statements
for the hotline and training figures, so a change shows at once and the cost does not grow with the number
of schools.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from app.auth import permissions
from app.directory import kinds
from app.directory.models import Organization
from app.errors import NotFound, PermissionDenied, ValidationFailed
from app.extensions import db
from app.pagination import ListPage
from app.rollout import clock
from app.rollout import constants as c
from app.rollout import dashboard_tables as tables
from app.rollout import milestones as m
from app.rollout.milestones import MilestoneCounts, ProgressRow
from app.rollout.plan import milestone_deadlines, state_of
from tickets import constants as ticket_constants
from tickets.municipal_stats import HotlineFigures, hotline_by_municipality
from training import reports as training_reports

HOTLINE_DAYS = 30
OVERDUE_SHOWN = 20
OVERDUE_PER_PAGE = 50


@dataclass
class HotlineLoad:
    """Tickets of the scope created in the last HOTLINE_DAYS days."""

    start: date
    end: date
    figures: HotlineFigures
    can_view_statistics: bool = False

    @property
    def queues(self):
        """(hotline label, tickets) in the hotlines' order."""
        return [(ticket_constants.QUEUE_LABELS[key], self.figures.by_queue.get(key, 0))
                for key in ticket_constants.QUEUES]


@dataclass
class TrainingLoad:
    """Course completion of the scope's school staff."""

    staff: int = 0
    finished: int = 0
    can_view_reports: bool = False

    @property
    def share(self):
        """Finished of the staff, per cent with one decimal (None without staff)."""
        return round(100 * self.finished / self.staff, 1) if self.staff else None


@dataclass
class MunicipalityRow:
    """One line of the region's table: a municipality's schools by milestone and its office's appointment."""

    id: int
    name: str
    counts: MilestoneCounts
    office_appointed_on: date | None = None
    is_office_overdue: bool = False

    def percent(self, key):
        """Share of its schools that have done the milestone (None without schools)."""
        return self.counts.percent(key)

    @property
    def is_office_appointed(self):
        """Whether the municipal office has a responsible person in force."""
        return self.office_appointed_on is not None

    @property
    def overdue(self):
        """Overdue milestones of its schools and its office."""
        return self.counts.overdue_total + int(self.is_office_overdue)


@dataclass
class SchoolRow:
    """One line of a municipality's table: a school and the state of each of its milestones."""

    row: ProgressRow
    states: dict  # {milestone key: MilestoneState}

    @property
    def overdue(self):
        """How many of the school's milestones are overdue."""
        return sum(state.state == c.OVERDUE for state in self.states.values())


@dataclass
class RegionDashboard:
    """The region by municipality: headline figures, the table, overdue items, hotline, training."""

    day: date
    deadlines: dict
    totals: MilestoneCounts
    rows: list  # MunicipalityRow, sorted as asked
    offices_appointed: int
    overdue: list  # every OverdueItem, longest overdue first
    hotline: HotlineLoad
    training: TrainingLoad
    sort: str = tables.DEFAULT_SORT
    direction: str = tables.ASC

    @property
    def overdue_shown(self):
        """The longest-overdue items the page lists."""
        return self.overdue[:OVERDUE_SHOWN]

    @property
    def offices_total(self):
        """Municipal offices in the region."""
        return len(self.rows)


@dataclass
class MunicipalityDashboard:
    """One municipality by school, with its office's appointment state."""

    day: date
    deadlines: dict
    municipality: Organization
    office: ProgressRow | None
    office_states: list
    counts: MilestoneCounts
    schools: list  # SchoolRow, sorted as asked
    overdue: list  # every OverdueItem of its schools and office, longest overdue first
    hotline: HotlineLoad
    training: TrainingLoad
    is_region_viewer: bool = False
    sort: str = tables.DEFAULT_SORT
    direction: str = tables.ASC

    @property
    def overdue_shown(self):
        """The longest-overdue items the page lists."""
        return self.overdue[:OVERDUE_SHOWN]


@dataclass
class OverdueList:
    """A page of overdue items of the user's scope, with the filters that apply."""

    day: date
    page: ListPage
    items: list  # every matching item (for the export)
    municipalities: list = field(default_factory=list)  # (id, name) the user may filter by
    municipality_id: int | None = None
    milestone: str = ""
    is_forced_scope: bool = False


def _hotline(actor, day, municipality_id=None):
    start = day - timedelta(days=HOTLINE_DAYS - 1)
    breakdown = hotline_by_municipality(start, day, municipality_id)
    return HotlineLoad(start, day, breakdown.total, permissions.can_view_ticket_statistics(actor))


def _training(actor, municipality_id=None):
    if municipality_id is None:
        rows = training_reports.completion_by_organization(group_by=training_reports.MUNICIPALITY)
    else:
        rows = training_reports.completion_by_organization(group_by=training_reports.SCHOOL,
                                                           municipality_id=municipality_id)
    return TrainingLoad(sum(row.staff for row in rows), sum(row.finished for row in rows),
                        permissions.can_view_training_reports(actor))


def region_dashboard(actor, sort="", direction=""):
    """The region's dashboard for region-wide viewers."""
    if not permissions.can_view_regional_rollout(actor):
        raise PermissionDenied()
    day, deadlines = clock.today(), milestone_deadlines()
    rows = m.progress_rows(day)
    counts = m.counts_by_municipality(rows, deadlines)
    table = []
    for office in (row for row in rows if row.kind == kinds.MUNICIPALITY):
        state = state_of(office.done_on(c.APPOINTED), deadlines.get(c.APPOINTED), day)
        table.append(MunicipalityRow(office.id, office.name, counts.get(office.id, MilestoneCounts()),
                                     office.done_on(c.APPOINTED), state == c.OVERDUE))
    sort, direction = tables.parse_sort(sort, direction, tables.REGION_COLUMNS)
    return RegionDashboard(
        day=day, deadlines=deadlines, totals=m.total_counts(rows, deadlines),
        rows=tables.sort_municipalities(table, sort, direction),
        offices_appointed=sum(row.is_office_appointed for row in table),
        overdue=m.overdue_items(rows, deadlines), hotline=_hotline(actor, day), training=_training(actor),
        sort=sort, direction=direction,
    )


def visible_municipality(actor, municipality_id):
    """The municipality if the user may see its rollout; NotFound otherwise (hides which)."""
    if not permissions.can_view_rollout(actor):
        raise PermissionDenied()
    municipality = db.session.get(Organization, municipality_id) if municipality_id else None
    if (municipality is None or municipality.kind != kinds.MUNICIPALITY
            or not permissions.can_view_rollout_of(actor, municipality)):
        raise NotFound()
    return municipality


def municipality_dashboard(actor, municipality_id, sort="", direction=""):
    """One municipality's dashboard: the region's viewers and the municipality's own specialists."""
    municipality = visible_municipality(actor, municipality_id)
    day, deadlines = clock.today(), milestone_deadlines()
    rows = m.progress_rows(day, municipality_id=municipality.id)
    office = next((row for row in rows if row.kind == kinds.MUNICIPALITY), None)
    schools = [SchoolRow(row, {state.key: state for state in m.milestone_states(row, deadlines)})
               for row in rows if row.kind == kinds.SCHOOL]
    sort, direction = tables.parse_sort(sort, direction, tables.SCHOOL_COLUMNS)
    return MunicipalityDashboard(
        day=day, deadlines=deadlines, municipality=municipality, office=office,
        office_states=m.milestone_states(office, deadlines) if office else [],
        counts=m.total_counts(rows, deadlines), schools=tables.sort_schools(schools, sort, direction),
        overdue=m.overdue_items(rows, deadlines),
        hotline=_hotline(actor, day, municipality.id), training=_training(actor, municipality.id),
        is_region_viewer=permissions.can_view_regional_rollout(actor), sort=sort, direction=direction,
    )


def _parse_filters(municipality, milestone, choices):
    """(municipality id or None, milestone key or '') from the query; ValidationFailed on bad values."""
    errors = {}
    municipality_id = None
    if str(municipality or "").strip():
        text = str(municipality).strip()
        municipality_id = int(text) if text.isdigit() else None
        if municipality_id not in choices:
            errors["municipality"] = [_("Choose a municipality from the list.")]
    milestone = str(milestone or "").strip()
    if milestone and milestone not in c.MILESTONES:
        errors["milestone"] = [_("Choose a milestone from the list.")]
    if errors:
        raise ValidationFailed(_("Check the filters of the list."), errors)
    return municipality_id, milestone


def _overdue_scope(actor, day):
    """(progress rows the user may see, whether the scope is forced to their organization)."""
    if permissions.can_view_regional_rollout(actor):
        return m.progress_rows(day), False
    organization = actor.organization if permissions.can_view_rollout(actor) else None
    if not permissions.can_view_rollout_of(actor, organization):
        raise PermissionDenied()
    if organization.kind == kinds.MUNICIPALITY:
        return m.progress_rows(day, municipality_id=organization.id), True
    return m.progress_rows(day, organization_id=organization.id), True


def overdue_list(actor, municipality="", milestone="", page=1):
    """Every overdue item of the user's scope, filtered by municipality and milestone, a page at a time."""
    day = clock.today()
    rows, is_forced = _overdue_scope(actor, day)
    choices = {row.id: row.name for row in rows if row.kind == kinds.MUNICIPALITY}
    if is_forced:  # a municipality or a school sees its own items: the filter cannot widen that
        municipality = ""
    municipality_id, milestone = _parse_filters(municipality, milestone, choices)
    items = m.overdue_items(rows, milestone_deadlines())
    if municipality_id is not None:
        items = [item for item in items if item.row.municipality_id == municipality_id]
    if milestone:
        items = [item for item in items if item.key == milestone]
    return OverdueList(day=day, page=ListPage(items, page, OVERDUE_PER_PAGE), items=items,
                       municipalities=[] if is_forced else sorted(choices.items(), key=lambda p: p[1]),
                       municipality_id=municipality_id, milestone=milestone, is_forced_scope=is_forced)


def filter_municipalities(actor):
    """(id, name) of the municipalities the user may filter the overdue list by (none unless region-wide)."""
    if not permissions.can_view_regional_rollout(actor):
        return []
    rows = db.session.execute(select(Organization.id, Organization.name, Organization.short_name)
                              .where(Organization.kind == kinds.MUNICIPALITY)).all()
    return sorted(((org_id, short_name or name) for org_id, name, short_name in rows),
                  key=lambda pair: pair[1])


def landing(actor):
    """What /rollout/ shows the user: ("region", None), ("municipality", id) or ("school", id)."""
    if permissions.can_view_regional_rollout(actor):
        return "region", None
    organization = actor.organization if permissions.can_view_rollout(actor) else None
    if not permissions.can_view_rollout_of(actor, organization):
        raise PermissionDenied()
    if organization.kind == kinds.MUNICIPALITY:
        return "municipality", organization.id
    return "school", organization.id
