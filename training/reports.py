"""Completion of courses and attendance of seminars by municipality and school, aggregated in SQL.

The figure functions take plain arguments, so other reports (the rollout's) reuse them; scope_rows()
decides what a user sees. Each function issues a fixed number of GROUP BY statements whatever the
number of rows; Python only merges the per-organization counts into rows.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, case, distinct, func, or_, select
from sqlalchemy.orm import aliased

from app.auth import permissions
from app.auth.models import User
from app.directory import kinds
from app.directory.models import Organization, Person
from app.errors import PermissionDenied, ValidationFailed
from app.extensions import db
from app.parsing import parse_iso_date
from app.timeutil import MOSCOW_OFFSET
from training import constants as c
from training.assignments import STAFF_ROLES, listed_courses
from training.models import Certificate, Course, Enrollment, Registration, Seminar

MUNICIPALITY, SCHOOL = "municipality", "school"
GROUPINGS = (MUNICIPALITY, SCHOOL)
REGION, OWN_MUNICIPALITY, OWN_SCHOOL = "region", "municipality", "school"


@dataclass
class Period:
    """Inclusive Moscow dates; either end may be open."""

    start: date | None = None
    end: date | None = None

    def criteria(self, column):
        """SQL criteria keeping a naive-UTC datetime column within the period."""
        criteria = []
        if self.start is not None:
            criteria.append(column >= datetime.combine(self.start, time()) - MOSCOW_OFFSET)
        if self.end is not None:
            criteria.append(column < datetime.combine(self.end + timedelta(days=1), time()) - MOSCOW_OFFSET)
        return criteria

    def __bool__(self):
        return self.start is not None or self.end is not None


@dataclass
class Row:
    """Course completion in one organization: staff with accounts, enrolled, studying, finished."""

    organization_id: int | None
    name: str
    kind: str = kinds.SCHOOL
    staff: int = 0
    enrolled: int = 0
    studying: int = 0
    finished: int = 0
    certificates: int = 0

    @property
    def share(self):
        """Finished of the staff, per cent (None without staff)."""
        return round(100 * self.finished / self.staff, 1) if self.staff else None


@dataclass
class AttendanceRow:
    """Seminar places taken by one organization's people, and how they attended."""

    organization_id: int | None
    name: str
    kind: str = kinds.SCHOOL
    registered: int = 0
    attended: int = 0
    partial: int = 0
    no_show: int = 0


def _grouping(org, group_by, municipality_id=None, school_id=None, offices=False):
    """(row key, criteria) mapping a fact's organization to its report row.

    Completion counts school staff only. With `offices`, a municipality's own specialists count too:
    in its row, or as a row of their own beside its schools; other organizations get the key None.
    """
    is_school = org.kind == kinds.SCHOOL
    if group_by == MUNICIPALITY:
        if offices:
            return case((is_school, org.parent_id), (org.kind == kinds.MUNICIPALITY, org.id), else_=None), []
        return org.parent_id, [is_school]
    criteria = [is_school]
    if municipality_id is not None:
        in_municipality = and_(is_school, org.parent_id == municipality_id)
        criteria = [or_(in_municipality, org.id == municipality_id) if offices else in_municipality]
    if school_id is not None:
        criteria.append(org.id == school_id)
    return org.id, criteria


def _row_organizations(group_by, municipality_id=None, school_id=None, offices=False):
    """The organizations the rows are about, by name (a municipality's own row first)."""
    if group_by == MUNICIPALITY:
        criteria = [Organization.kind == kinds.MUNICIPALITY]
    else:
        criteria = [Organization.kind == kinds.SCHOOL]
        if municipality_id is not None:
            criteria.append(Organization.parent_id == municipality_id)
            if offices:
                criteria = [or_(and_(*criteria), Organization.id == municipality_id)]
        if school_id is not None:
            criteria.append(Organization.id == school_id)
    query = select(Organization.id, Organization.name, Organization.short_name, Organization.kind).where(
        *criteria).order_by((Organization.kind == kinds.SCHOOL), Organization.name)
    return db.session.execute(query).all()


def completion_by_organization(group_by=MUNICIPALITY, municipality_id=None, course_id=None, period=None,
                               school_id=None):
    """Completion per municipality (or per school of one municipality, or one school): list of Row.

    Finished and certificates count only those within the period (completed / issued), when one is given.
    """
    period = period or Period()
    org = aliased(Organization)
    key, criteria = _grouping(org, group_by, municipality_id, school_id)
    staff = dict(db.session.execute(
        select(key, func.count(User.id)).select_from(User)
        .join(Person, User.person_id == Person.id).join(org, Person.organization_id == org.id)
        .where(User.is_enabled.is_(True), User.role.in_(STAFF_ROLES), *criteria).group_by(key)
    ).all())
    finished = and_(Enrollment.status == c.COMPLETED, *period.criteria(Enrollment.completed_at))
    valid = and_(Certificate.revoked_at.is_(None), *period.criteria(Certificate.issued_at))
    query = (
        select(key, func.count(distinct(Enrollment.user_id)),
               func.count(distinct(case((Enrollment.status == c.IN_PROGRESS, Enrollment.user_id)))),
               func.count(distinct(case((finished, Enrollment.user_id)))),
               func.count(distinct(case((valid, Certificate.id)))))
        .select_from(Enrollment).join(org, Enrollment.organization_id == org.id)
        .outerjoin(Certificate, Certificate.enrollment_id == Enrollment.id)
        .where(*criteria).group_by(key)
    )
    if course_id:
        query = query.where(Enrollment.course_id == course_id)
    counts = {row[0]: row[1:] for row in db.session.execute(query)}
    rows = []
    for org_id, name, short_name, kind in _row_organizations(group_by, municipality_id, school_id):
        enrolled, studying, done, certificates = counts.get(org_id, (0, 0, 0, 0))
        rows.append(Row(org_id, short_name or name, kind, staff.get(org_id, 0), enrolled, studying, done,
                        certificates))
    return rows


def attendance_by_organization(group_by=MUNICIPALITY, municipality_id=None, period=None, school_id=None,
                               offices=True):
    """Seminar attendance per municipality (or school): list of AttendanceRow.

    Cancelled seminars do not count. With `offices`, a municipality's own specialists count in its row
    (or have their own row beside its schools), and at the top level everyone else forms a last row.
    """
    period = period or Period()
    org = aliased(Organization)
    key, criteria = _grouping(org, group_by, municipality_id, school_id, offices)

    def marked(mark):
        return func.count(case((Registration.attendance == mark, Registration.id)))

    query = (
        select(key, func.count(case((Registration.status == c.REGISTERED, Registration.id))),
               marked(c.ATTENDED), marked(c.PARTIAL), marked(c.NO_SHOW))
        .select_from(Registration).join(Seminar, Registration.seminar_id == Seminar.id)
        .outerjoin(org, Registration.organization_id == org.id)
        .where(Seminar.status != c.CANCELLED, *period.criteria(Seminar.starts_at), *criteria).group_by(key)
    )
    counts = {row[0]: row[1:] for row in db.session.execute(query)}
    rows = [AttendanceRow(org_id, short_name or name, kind, *counts.get(org_id, (0, 0, 0, 0)))
            for org_id, name, short_name, kind
            in _row_organizations(group_by, municipality_id, school_id, offices)]
    if offices and group_by == MUNICIPALITY and any(counts.get(None, ())):
        rows.append(AttendanceRow(None, _("Region and other organizations"), "", *counts[None]))
    return rows


def total(rows, label):
    """A row summing the rows (Row or AttendanceRow)."""
    if not rows:
        return None
    kind = type(rows[0])
    names = [name for name in kind.__dataclass_fields__ if name not in ("organization_id", "name", "kind")]
    return kind(None, label, "", *(sum(getattr(row, name) for row in rows) for name in names))


# --- what a user sees -------------------------------------------------------------------------


@dataclass
class ReportFilters:
    """The course, the period and the municipality drilled into (region level only)."""

    course: Course | None = None
    period: Period = field(default_factory=Period)
    municipality_id: int | None = None

    def args(self):
        """The course and period as query parameters (for drill-down and download links)."""
        values = {"course": self.course.id if self.course else None,
                  "from": self.period.start.isoformat() if self.period.start else None,
                  "to": self.period.end.isoformat() if self.period.end else None}
        return {name: value for name, value in values.items() if value is not None}


def _parse_id(text, name, message):
    text = (text or "").strip()
    if not text:
        return None
    if not text.isdigit() or int(text) <= 0:
        raise ValidationFailed(message, {name: [message]})
    return int(text)


def parse_filters(course="", date_from="", date_to="", municipality=""):
    """The report's filters from plain strings; ValidationFailed says which one is wrong."""
    course_message = _("Choose a course from the list.")
    course_id = _parse_id(course, "course", course_message)
    chosen = db.session.get(Course, course_id) if course_id else None
    if course_id and (chosen is None or chosen.status == c.DRAFT):
        raise ValidationFailed(course_message, {"course": [course_message]})
    period = Period(parse_iso_date(date_from, "date_from"), parse_iso_date(date_to, "date_to"))
    if period.start and period.end and period.start > period.end:
        message = _("The start of the period must not be later than its end.")
        raise ValidationFailed(message, {"date_from": [message]})
    municipality_id = _parse_id(municipality, "municipality", _("Choose a municipality from the list."))
    return ReportFilters(chosen, period, municipality_id)


@dataclass
class TrainingReport:
    """Both tables of the report page, their totals, and where the user is in the drill-down."""

    level: str
    filters: ReportFilters
    courses: list
    municipality: Organization | None = None
    school: Organization | None = None
    completion: list = field(default_factory=list)
    attendance: list = field(default_factory=list)

    @property
    def can_drill_down(self):
        """Whether municipality rows link to their schools."""
        return self.level == REGION and self.municipality is None

    @property
    def completion_total(self):
        """The completion rows summed."""
        return total(self.completion, _("Total"))

    @property
    def attendance_total(self):
        """The attendance rows summed."""
        return total(self.attendance, _("Total"))


def _level(actor):
    """Which report the actor gets: the region's, their municipality's or their school's."""
    if not permissions.can_view_training_reports(actor):
        raise PermissionDenied()
    if permissions.can_view_regional_training_reports(actor):
        return REGION
    organization = actor.organization
    if organization is not None and organization.kind == kinds.MUNICIPALITY:
        return OWN_MUNICIPALITY
    if organization is not None and organization.kind == kinds.SCHOOL:
        return OWN_SCHOOL
    raise PermissionDenied()


def _drilled_municipality(actor, level, municipality_id):
    if level == OWN_MUNICIPALITY:
        municipality_id = municipality_id or actor.organization_id
    if municipality_id is None or level == OWN_SCHOOL:
        return None
    municipality = db.session.get(Organization, municipality_id)
    if municipality is None or municipality.kind != kinds.MUNICIPALITY:
        message = _("Choose a municipality from the list.")
        raise ValidationFailed(message, {"municipality": [message]})
    if level == OWN_MUNICIPALITY and municipality.id != actor.organization_id:
        raise PermissionDenied()
    return municipality


def scope_rows(actor, filters):
    """The report the actor may see: by municipality, by the schools of one, or their school alone."""
    level = _level(actor)
    report = TrainingReport(level, filters, listed_courses())
    report.municipality = _drilled_municipality(actor, level, filters.municipality_id)
    course_id = filters.course.id if filters.course else None
    if level == OWN_SCHOOL:
        report.school = actor.organization
        options = {"group_by": SCHOOL, "school_id": report.school.id}
    elif report.municipality is not None:
        options = {"group_by": SCHOOL, "municipality_id": report.municipality.id}
    else:
        options = {"group_by": MUNICIPALITY}
    report.completion = completion_by_organization(course_id=course_id, period=filters.period, **options)
    report.attendance = attendance_by_organization(period=filters.period, offices=level != OWN_SCHOOL,
                                                   **options)
    return report


def training_report(actor, course="", date_from="", date_to="", municipality=""):
    """The report page's service: access first, then the filters from plain strings, then the figures."""
    _level(actor)
    return scope_rows(actor, parse_filters(course, date_from, date_to, municipality))


# --- the workbook ------------------------------------------------------------------------------


def _with_total(rows, total_row):
    return [*rows, total_row] if total_row is not None else rows


def export_sheets(report):
    """Both tables as (title, header, rows) sheets, totals last."""
    completion = [(row.name, row.staff, row.enrolled, row.studying, row.finished, row.share, row.certificates)
                  for row in _with_total(report.completion, report.completion_total)]
    attendance = [(row.name, row.registered, row.attended, row.partial, row.no_show)
                  for row in _with_total(report.attendance, report.attendance_total)]
    completion_header = [_("Organization"), _("Staff with accounts"), _("Enrolled"), _("Studying now"),
                         _("Have finished"), _("Finished of staff, %"), _("Certificates")]
    attendance_header = [_("Organization"), _("Have registered"), _("Were present"), _("Were partly present"),
                         _("Stayed away")]
    return [(_("Course completion"), completion_header, completion),
            (_("Seminar attendance"), attendance_header, attendance)]


def export_filename(report):
    """A download name saying what and where: «training-report-<municipality>-<dates>.xlsx»."""
    parts = [_("training-report")]
    place = report.school or report.municipality
    if place is not None:
        parts.append(place.display_name)
    period = report.filters.period
    if period:
        parts.append(f"{period.start or ''}–{period.end or ''}")
    return "-".join(parts) + ".xlsx"
