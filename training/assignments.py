"""Assigning a course to people or whole organizations with a due date, and following their progress."""

from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from app.audit import services as audit
from app.auth import permissions, roles
from app.auth.models import User
from app.directory import kinds
from app.directory.models import Organization, Person
from app.errors import PermissionDenied, ValidationFailed
from app.extensions import db
from app.mail import services as mail
from app.parsing import apply_filters, positive_int
from app.timeutil import local_today, utc_to_moscow
from training import constants as c
from training import progress
from training.models import Assignment, Course, Enrollment

# Whole-organization assignments and the «not enrolled» count cover school staff with these roles.
STAFF_ROLES = (roles.TEACHER, roles.SCHOOL)
TARGET_KINDS = (kinds.MUNICIPALITY, kinds.SCHOOL)
PAGE_SIZE = 50
HISTORY_PAGE_SIZE = 20
MAIL_TEMPLATE = "training_assigned"
# A whole municipality can mean hundreds of letters: beyond this many, `opora mail send` delivers them
# from the outbox instead of keeping the page waiting on the SMTP server.
DELIVER_AT_ONCE_MAX = 30


# --- who and what may be assigned -------------------------------------------------------------


def may_assign(actor):
    """Whether the actor assigns courses at all (methodologists, municipal and school coordinators)."""
    return permissions.is_signed_in(actor) and permissions.can_assign_course(actor, actor.organization)


def _require_assigner(actor):
    if not may_assign(actor):
        raise PermissionDenied()


def assignable_courses():
    """Published courses, by title."""
    return db.session.scalars(select(Course).where(Course.status == c.PUBLISHED).order_by(Course.title)).all()


def scope_organizations(actor):
    """Municipalities and schools within the actor's training scope, by name."""
    query = (select(Organization)
             .where(Organization.kind.in_(TARGET_KINDS), permissions.training_scope(Organization.id, actor))
             .order_by(Organization.name))
    return db.session.scalars(query).all()


def assignable_organizations(actor):
    """The municipalities and schools the actor may assign a course to."""
    _require_assigner(actor)
    return [org for org in scope_organizations(actor) if permissions.can_assign_course(actor, org)]


def _area(organization_id, column):
    """SQL criterion on an organization id column: the organization and, for a municipality, its schools."""
    schools = select(Organization.id).where(Organization.parent_id == organization_id,
                                            Organization.kind == kinds.SCHOOL)
    return or_(column == organization_id, column.in_(schools))


def _staff_query(organization):
    """Whole-organization targets: active teachers and coordinators of the school, or of the schools."""
    area = _area(organization.id, Person.organization_id)
    return (select(User).join(User.person)
            .where(User.is_enabled.is_(True), User.role.in_(STAFF_ROLES), area)
            .order_by(Person.last_name, Person.first_name, User.id))


def assignable_people(actor, organization_id):
    """Active users of an organization in the actor's scope (with its schools' staff for a municipality)."""
    organization = _organization_in_scope(actor, organization_id)
    if organization is None:
        return []
    query = (select(User).join(User.person)
             .where(User.is_enabled.is_(True), _area(organization.id, Person.organization_id))
             .order_by(Person.last_name, Person.first_name, User.id))
    return db.session.scalars(query).all()


def not_enrolled_ids(actor, course_id, organization_id):
    """Ids of an organization's staff who are not enrolled in the course (to preselect them)."""
    organization = _organization_in_scope(actor, organization_id)
    if organization is None or not course_id:
        return []
    enrolled = select(Enrollment.user_id).where(Enrollment.course_id == course_id)
    query = _staff_query(organization).where(User.id.not_in(enrolled)).with_only_columns(User.id)
    return list(db.session.scalars(query))


def _organization_in_scope(actor, organization_id):
    organization = db.session.get(Organization, organization_id) if organization_id else None
    if organization is None or organization.kind not in TARGET_KINDS:
        return None
    return organization if permissions.can_assign_course(actor, organization) else None


# --- assigning --------------------------------------------------------------------------------


@dataclass
class AssignmentResult:
    """What an assignment did: its rows, how many people it covers, who was assigned the course anew."""

    course: Course
    assignments: list
    people: list
    newly_assigned: list
    message_ids: list = field(default_factory=list)


def _invalid(name, message):
    return ValidationFailed(message, {name: [message]})


def _check_course(course_id):
    course = db.session.get(Course, course_id) if course_id else None
    if course is None or not course.is_published:
        raise _invalid("course", _("Choose a published course from the list."))
    return course


def _check_organization(actor, organization_id):
    organization = db.session.get(Organization, organization_id) if organization_id else None
    if organization is None or organization.kind not in TARGET_KINDS:
        raise _invalid("organization", _("Choose a school or a municipality from the list."))
    if not permissions.can_assign_course(actor, organization):
        raise PermissionDenied(_("You may not assign courses in this organization."))
    return organization


def _check_due_on(due_on, today):
    if due_on is not None and due_on < (today or local_today()):
        raise _invalid("due_on", _("The due date must not be in the past."))
    return due_on


def _chosen_people(actor, organization, user_ids):
    wanted = {int(user_id) for user_id in user_ids}
    people = [user for user in assignable_people(actor, organization.id) if user.id in wanted]
    if len(people) != len(wanted):
        raise _invalid("people", _("Choose people of the selected organization from the list."))
    return people


def assign_course(actor, course_id, organization_id, user_ids=(), due_on=None, today=None):
    """Assign a published course to chosen people of an organization, or to its whole staff; e-mail them."""
    _require_assigner(actor)
    course = _check_course(course_id)
    organization = _check_organization(actor, organization_id)
    due_on = _check_due_on(due_on, today)
    if user_ids:
        people = _chosen_people(actor, organization, user_ids)
    else:
        people = db.session.scalars(_staff_query(organization)).all()
    if not people:
        message = _("Nobody in this organization has an account to assign the course to.")
        raise _invalid("organization", message)
    result = _assign(actor, course, organization, people, due_on, whole=not user_ids)
    db.session.commit()
    if len(result.message_ids) <= DELIVER_AT_ONCE_MAX:
        mail.deliver_soon(result.message_ids)
    return result


def _assign(actor, course, organization, people, due_on, whole):
    """Record the assignments, enrol everyone (progress kept), audit and queue the e-mails; no commit."""
    already = set(db.session.scalars(select(Enrollment.user_id).where(
        Enrollment.course_id == course.id, Enrollment.source == c.ASSIGNED,
        Enrollment.user_id.in_([person.id for person in people]))))
    targets = [None] if whole else people
    assignments = {}
    for target in targets:
        assignment = Assignment(course=course, due_on=due_on, assigned_by=actor,
                                organization=organization if target is None else None, user=target)
        db.session.add(assignment)
        assignments[target] = assignment
    db.session.flush()
    for person in people:
        progress.enrol(person, course, source=c.ASSIGNED, due_on=due_on,
                       assignment=assignments[None if whole else person])
    newly = [person for person in people if person.id not in already]
    for target, assignment in assignments.items():
        covered = people if target is None else [target]
        audit.record("training.course_assigned", actor=actor, target=assignment, course=course.title,
                     organization=organization.display_name, user=target.email if target else None,
                     due_on=due_on.isoformat() if due_on else None, people=len(covered),
                     newly_assigned=sum(1 for person in covered if person.id not in already))
    result = AssignmentResult(course, list(assignments.values()), people, newly)
    result.message_ids = [_queue_mail(actor, course, due_on, person).id for person in newly if person.email]
    return result


def _queue_mail(actor, course, due_on, person):
    url = f"{current_app.config['BASE_URL']}/training/courses/{course.slug}"
    return mail.queue(person.email, _("Course assigned: %(title)s", title=course.title), MAIL_TEMPLATE,
                      actor=actor, course=course, due_on=due_on, url=url, reader=person)


def assignments_by(actor, page=1, per_page=HISTORY_PAGE_SIZE):
    """A page of the assignments the actor made, newest first."""
    _require_assigner(actor)
    query = (select(Assignment).where(Assignment.assigned_by_id == actor.id)
             .options(joinedload(Assignment.course), joinedload(Assignment.organization),
                      joinedload(Assignment.user))
             .order_by(Assignment.created_at.desc(), Assignment.id.desc()))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


# --- who has finished -------------------------------------------------------------------------


@dataclass
class ProgressFilters:
    """The progress list's filters as understood; `ignored` names the parameters that were not."""

    course_id: int | None = None
    organization_id: int | None = None
    status: str = ""
    overdue: bool = False
    ignored: list = field(default_factory=list)

    def args(self):
        """The active filters as query parameters (for pagination and download links)."""
        values = {"course": self.course_id, "organization": self.organization_id, "status": self.status,
                  "overdue": 1 if self.overdue else None}
        return {name: value for name, value in values.items() if value not in (None, "")}


def parse_progress_filters(args, courses, organizations):
    """Read the filters from plain strings; a course or organization must be one of those offered."""
    result = ProgressFilters()
    course_ids, organization_ids = {course.id for course in courses}, {org.id for org in organizations}
    converters = {
        "course": ("course_id", lambda v: positive_int(v) if positive_int(v) in course_ids else None),
        "organization": ("organization_id",
                         lambda v: positive_int(v) if positive_int(v) in organization_ids else None),
        "status": ("status", lambda v: v if v in c.PROGRESS_STATUSES else None),
        "overdue": ("overdue", lambda v: {"1": True, "y": True, "0": False}.get(v)),
    }
    return apply_filters(result, args, converters)


def _require_viewer(actor):
    if not permissions.can_view_training_reports(actor):
        raise PermissionDenied()


def listed_courses():
    """Courses learners may be enrolled in (published and archived), by title."""
    return db.session.scalars(select(Course).where(Course.status != c.DRAFT).order_by(Course.title)).all()


def _progress_criteria(actor, filters, today):
    criteria = [permissions.training_scope(Enrollment.organization_id, actor)]
    if filters.course_id:
        criteria.append(Enrollment.course_id == filters.course_id)
    if filters.organization_id:
        criteria.append(_area(filters.organization_id, Enrollment.organization_id))
    if filters.status:
        criteria.append(Enrollment.status == filters.status)
    if filters.overdue:
        criteria += [Enrollment.due_on < today, Enrollment.status != c.COMPLETED]
    return criteria


def _progress_query(actor, filters, today):
    return (select(Enrollment).join(Enrollment.user).join(User.person)
            .outerjoin(Organization, Enrollment.organization_id == Organization.id)
            .where(*_progress_criteria(actor, filters, today))
            .options(joinedload(Enrollment.user), joinedload(Enrollment.organization),
                     joinedload(Enrollment.course), joinedload(Enrollment.certificate))
            .order_by(Organization.name, Person.last_name, Person.first_name, Enrollment.id))


@dataclass
class ProgressListing:
    """A page of enrolments in the actor's scope, the filters, their choices and who is not enrolled."""

    page: object
    filters: ProgressFilters
    courses: list
    organizations: list
    today: date
    not_enrolled: int | None = None
    assign_organization_id: int | None = None

    def is_overdue(self, enrollment):
        """Whether the due date has passed before the course was finished."""
        return is_overdue(enrollment, self.today)


def is_overdue(enrollment, today):
    """Whether the enrolment's due date has passed before it was finished."""
    return bool(enrollment.due_on and enrollment.due_on < today and not enrollment.is_completed)


def _not_enrolled_count(actor, filters):
    """Staff of the scope (or of the chosen organization) not enrolled in the chosen course."""
    enrolled = select(Enrollment.user_id).where(Enrollment.course_id == filters.course_id)
    criteria = [User.is_enabled.is_(True), User.role.in_(STAFF_ROLES), User.id.not_in(enrolled),
                permissions.training_scope(Person.organization_id, actor)]
    if filters.organization_id:
        criteria.append(_area(filters.organization_id, Person.organization_id))
    query = select(func.count(User.id)).join(User.person).where(*criteria)
    return db.session.scalar(query)


def _assign_target(actor, filters):
    """The organization an «assign them» link preselects: the filter's, else the actor's own."""
    if not may_assign(actor):
        return None
    if filters.organization_id:
        return filters.organization_id
    own = actor.organization
    return own.id if own is not None and own.kind in TARGET_KINDS else None


def progress_listing(actor, args, page=1, per_page=PAGE_SIZE, today=None):
    """Who has started and finished, in the actor's scope, filtered by `args`; a fixed number of queries."""
    _require_viewer(actor)
    today = today or local_today()
    courses, organizations = listed_courses(), scope_organizations(actor)
    filters = parse_progress_filters(args, courses, organizations)
    result = db.paginate(_progress_query(actor, filters, today), page=page, per_page=per_page,
                         error_out=False)
    listing = ProgressListing(result, filters, courses, organizations, today)
    if filters.course_id:
        listing.not_enrolled = _not_enrolled_count(actor, filters)
        listing.assign_organization_id = _assign_target(actor, filters)
    return listing


def _local(moment):
    """A stored UTC moment as Moscow wall-clock time, for spreadsheets."""
    return utc_to_moscow(moment) if moment else None


def progress_table(actor, args, today=None):
    """Every enrolment of the filtered list as (header, rows) for a spreadsheet; the download is audited."""
    _require_viewer(actor)
    today = today or local_today()
    filters = parse_progress_filters(args, listed_courses(), scope_organizations(actor))
    header = [_("Person"), _("Organization"), _("Course"), _("Status"), _("Started on"), _("Finished on"),
              _("Score, %"), _("Due date"), _("Past the due date"), _("Certificate")]
    rows = []
    for enrollment in db.session.scalars(_progress_query(actor, filters, today)):
        certificate, organization = enrollment.certificate, enrollment.organization
        rows.append((
            enrollment.user.full_name, organization.display_name if organization is not None else "",
            enrollment.course.title, str(enrollment.status_label), _local(enrollment.started_at),
            _local(enrollment.completed_at), enrollment.score, enrollment.due_on,
            _("yes") if is_overdue(enrollment, today) else "",
            certificate.number if certificate is not None and certificate.is_valid else "",
        ))
    # Staff data is personal data: a download of it is logged.
    audit.record("training.progress_exported", actor=actor, rows=len(rows), **filters.args())
    db.session.commit()
    return header, rows
