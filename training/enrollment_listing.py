"""Enrolments as the JSON API lists them: the actor's own, and those within their training scope."""

from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from app.auth import permissions
from app.auth.models import User
from app.directory.models import Organization, Person
from app.errors import PermissionDenied
from app.extensions import db
from training.models import Course, Enrollment, Module


@dataclass
class EnrollmentPage:
    """A page of enrolments and {course id: number of modules} of their courses."""

    page: object
    modules_total: dict = field(default_factory=dict)


def _criteria(actor, course_slug, municipality_id, status):
    criteria = [or_(Enrollment.user_id == actor.id,
                    permissions.training_scope(Enrollment.organization_id, actor))]
    if course_slug:
        criteria.append(Enrollment.course_id.in_(select(Course.id).where(Course.slug == course_slug)))
    if municipality_id:
        schools = select(Organization.id).where(Organization.parent_id == municipality_id)
        criteria.append(or_(Enrollment.organization_id == municipality_id,
                            Enrollment.organization_id.in_(schools)))
    if status:
        criteria.append(Enrollment.status == status)
    return criteria


def _modules_total(course_ids):
    if not course_ids:
        return {}
    rows = db.session.execute(select(Module.course_id, func.count(Module.id))
                              .where(Module.course_id.in_(course_ids)).group_by(Module.course_id))
    return dict(rows.all())


def enrollment_page(actor, course_slug="", municipality_id=None, status="", page=1, per_page=20):
    """The actor's own enrolments and those in their training scope, filtered; a fixed statement count."""
    if not permissions.is_signed_in(actor):
        raise PermissionDenied()
    query = (select(Enrollment).join(Enrollment.user).outerjoin(User.person)
             .outerjoin(Organization, Enrollment.organization_id == Organization.id)
             .where(*_criteria(actor, course_slug, municipality_id, status))
             .options(joinedload(Enrollment.user), joinedload(Enrollment.organization),
                      joinedload(Enrollment.course), joinedload(Enrollment.certificate))
             .order_by(Organization.name, Person.last_name, Person.first_name, Enrollment.id))
    result = db.paginate(query, page=page, per_page=per_page, error_out=False)
    return EnrollmentPage(result, _modules_total({enrollment.course_id for enrollment in result.items}))
