"""Control dashboards (plan items 2.5, 2.7): the region by municipality, a municipality by school, overdue.

The milestone figures come from progress_rows() (one statement) and are kept between requests under a key
of everything they are computed from — the day and data_version(), read on each request in one small
statement — so a change shows at once. The hotline and training figures (a few GROUP BY statements) are
kept for up to a minute (dashboard_cache.FIGURES_TTL). The number of statements does not grow with the
number of schools or tickets.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from app.auth import permissions
from app.caching import BoundedCache
from app.directory import kinds
from app.directory.models import Organization
from app.errors import NotFound, PermissionDenied, ValidationFailed
from app.extensions import db
from app.pagination import ListPage
from app.rollout import clock, dashboard_cache
from app.rollout import constants as c
from app.rollout import dashboard_tables as tables
from app.rollout import milestones as m
from app.rollout.milestones import MilestoneCounts, ProgressRow
from app.rollout.plan import milestone_deadlines, state_of
from tickets import constants as ticket_constants
from tickets.municipal_stats import HotlineFigures, hotline_totals
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
    fragments: BoundedCache | None = None  # the page's HTML made of these figures (views)

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
    fragments: BoundedCache | None = None  # the page's HTML made of these figures (views)

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


@dataclass
class RegionFigures:
    """The region's milestone figures as kept between requests (the table in name order)."""

    deadlines: dict
    totals: MilestoneCounts
    table: list  # MunicipalityRow
    offices_appointed: int
    overdue: list  # OverdueItem, longest overdue first
    fragments: BoundedCache = field(default_factory=dashboard_cache.fragment_cache)  # the page's HTML


@dataclass
class MunicipalityFigures:
    """One municipality's milestone figures as kept between requests (the schools in name order)."""

    deadlines: dict
    office: ProgressRow | None
    office_states: list
    counts: MilestoneCounts
    schools: list  # SchoolRow
    overdue: list
    fragments: BoundedCache = field(default_factory=dashboard_cache.fragment_cache)  # the page's HTML


def _hotline(actor, day, municipality_id=None):
    start = day - timedelta(days=HOTLINE_DAYS - 1)
    figures = dashboard_cache.lagging_figures(("hotline", municipality_id), day,
                                              lambda: hotline_totals(start, day, municipality_id))
    return HotlineLoad(start, day, figures, permissions.can_view_ticket_statistics(actor))


def _training_counts(municipality_id):
    if municipality_id is None:
        rows = training_reports.completion_by_organization(group_by=training_reports.MUNICIPALITY)
    else:
        rows = training_reports.completion_by_organization(group_by=training_reports.SCHOOL,
                                                           municipality_id=municipality_id)
    return sum(row.staff for row in rows), sum(row.finished for row in rows)


def _training(actor, municipality_id=None):
    staff, finished = dashboard_cache.lagging_figures(("training", municipality_id), None,
                                                      lambda: _training_counts(municipality_id))
    return TrainingLoad(staff, finished, permissions.can_view_training_reports(actor))


def _cached_figures(day, municipality_id=None):
    """The region's (or a municipality's) milestone figures, kept under everything they are computed from.

    One statement a request (data_version()); the deadlines and progress_rows() only when it is new.
    """
    version = m.data_version(day, municipality_id)

    def compute():
        deadlines, appointed = milestone_deadlines(), m.appointed_dates(version)
        if municipality_id is None:
            return _region_figures(day, deadlines, appointed)
        return _municipality_figures(day, deadlines, municipality_id, appointed)

    return dashboard_cache.milestone_figures(municipality_id, (day, version), compute)


def _region_figures(day, deadlines, appointed):
    rows = m.progress_rows(day, appointed=appointed)
    counts = m.counts_by_municipality(rows, deadlines)
    table = []
    for office in (row for row in rows if row.kind == kinds.MUNICIPALITY):
        state = state_of(office.done_on(c.APPOINTED), deadlines.get(c.APPOINTED), day)
        table.append(MunicipalityRow(office.id, office.name, counts.get(office.id, MilestoneCounts()),
                                     office.done_on(c.APPOINTED), state == c.OVERDUE))
    return RegionFigures(deadlines=deadlines, totals=m.total_counts(rows, deadlines),
                         table=tables.sort_municipalities(table, tables.DEFAULT_SORT, tables.ASC),
                         offices_appointed=sum(row.is_office_appointed for row in table),
                         overdue=m.overdue_items(rows, deadlines))


def region_dashboard(actor, sort="", direction=""):
    """The region's dashboard for region-wide viewers."""
    if not permissions.can_view_regional_rollout(actor):
        raise PermissionDenied()
    day = clock.today()
    figures = _cached_figures(day)
    sort, direction = tables.parse_sort(sort, direction, tables.REGION_COLUMNS)
    return RegionDashboard(
        day=day, deadlines=figures.deadlines, totals=figures.totals,
        rows=tables.sort_municipalities(figures.table, sort, direction),
        offices_appointed=figures.offices_appointed, overdue=figures.overdue,
        hotline=_hotline(actor, day), training=_training(actor), sort=sort, direction=direction,
        fragments=figures.fragments,
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


def _municipality_figures(day, deadlines, municipality_id, appointed):
    rows = m.progress_rows(day, municipality_id=municipality_id, appointed=appointed)
    office = next((row for row in rows if row.kind == kinds.MUNICIPALITY), None)
    schools = [SchoolRow(row, {state.key: state for state in m.milestone_states(row, deadlines)})
               for row in rows if row.kind == kinds.SCHOOL]
    return MunicipalityFigures(
        deadlines=deadlines, office=office,
        office_states=m.milestone_states(office, deadlines) if office else [],
        counts=m.total_counts(rows, deadlines),
        schools=tables.sort_schools(schools, tables.DEFAULT_SORT, tables.ASC),
        overdue=m.overdue_items(rows, deadlines))


def municipality_dashboard(actor, municipality_id, sort="", direction=""):
    """One municipality's dashboard: the region's viewers and the municipality's own specialists."""
    municipality = visible_municipality(actor, municipality_id)
    day = clock.today()
    figures = _cached_figures(day, municipality.id)
    sort, direction = tables.parse_sort(sort, direction, tables.SCHOOL_COLUMNS)
    return MunicipalityDashboard(
        day=day, deadlines=figures.deadlines, municipality=municipality, office=figures.office,
        office_states=figures.office_states, counts=figures.counts,
        schools=tables.sort_schools(figures.schools, sort, direction), overdue=figures.overdue,
        hotline=_hotline(actor, day, municipality.id), training=_training(actor, municipality.id),
        is_region_viewer=permissions.can_view_regional_rollout(actor), sort=sort, direction=direction,
        fragments=figures.fragments,
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
