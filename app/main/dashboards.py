"""The data of each role's home page: read-only queries, a fixed number per page."""

from dataclasses import dataclass

from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased

from app.audit import services as audit
from app.auth import roles
from app.auth.models import User
from app.directory import kinds
from app.directory.models import Appointment, Organization, Person
from app.directory.services import in_force, today
from app.extensions import db
from app.rollout.constants import APPOINTED, MILESTONE_SHORT_LABELS
from app.rollout.plan import milestone_deadlines
from app.rollout.school_milestones import school_progress
from app.rollout.services import milestone_summary
from tickets.workload import workload
from training.catalog import learner_summary

SUPPORT_KINDS = (kinds.COMPUTER_CENTER, kinds.INSTITUTE)
MUNICIPALITIES_SHOWN = 100
SCHOOLS_SHOWN = 50
UNAPPOINTED_SHOWN = 10
STAFF_SHOWN = 30
CONTACTS_PER_ORGANIZATION = 15
EVENTS_SHOWN = 10


@dataclass
class Coverage:
    """How many organizations have a responsible person in force."""

    total: int
    appointed: int

    @property
    def missing(self):
        """Organizations still without a responsible person."""
        return self.total - self.appointed

    @property
    def percent(self):
        """Share appointed, whole percent (0 when there is nothing to count)."""
        return round(100 * self.appointed / self.total) if self.total else 0


def home_summary(user):
    """The template name and data of the user's home page."""
    builder = HOME_BUILDERS.get(user.role)
    if builder is None:
        return {"template": "default"}
    return builder(user, today())


# --- shared queries ----------------------------------------------------------------------


def _appointed_ids(day):
    """Subquery: ids of organizations with a responsible person in force on the day."""
    return select(Appointment.organization_id).where(in_force(day)).distinct().subquery()


def coverage(day, kind, parent_id=None):
    """Appointment coverage of the organizations of a kind, region-wide or under one parent."""
    appointed = _appointed_ids(day)
    query = (
        select(func.count(Organization.id), func.count(appointed.c.organization_id))
        .outerjoin(appointed, appointed.c.organization_id == Organization.id)
        .where(Organization.kind == kind)
    )
    if parent_id is not None:
        query = query.where(Organization.parent_id == parent_id)
    total, done = db.session.execute(query).one()
    return Coverage(total, done)


def region_overview(day):
    """Coverage of municipalities and schools across the region."""
    return {"municipalities": coverage(day, kinds.MUNICIPALITY), "schools": coverage(day, kinds.SCHOOL)}


def current_appointments(org_ids, day):
    """{organization id: its newest appointment in force}, for a few organizations."""
    ids = [org_id for org_id in org_ids if org_id is not None]
    rows = db.session.scalars(
        select(Appointment)
        .where(Appointment.organization_id.in_(ids), in_force(day))
        .order_by(Appointment.starts_on.desc(), Appointment.id.desc())
    ).all()
    result = {}
    for appointment in rows:
        result.setdefault(appointment.organization_id, appointment)
    return result


def support_organizations():
    """The computer center and the institute: the two hotlines (plan items 1.1, 1.2)."""
    return db.session.scalars(
        select(Organization).where(Organization.kind.in_(SUPPORT_KINDS)).order_by(Organization.kind)
    ).all()


# --- per role ----------------------------------------------------------------------------


def admin_home(user, day):
    """Directory totals, accounts by role, schools without a responsible person, recent events."""
    overview = region_overview(day)
    by_role = dict(db.session.execute(select(User.role, func.count(User.id)).group_by(User.role)).all())
    return {
        "template": "admin",
        "overview": overview,
        "people_count": db.session.scalar(select(func.count(Person.id))),
        "users_by_role": [(roles.role_label(role), by_role.get(role, 0)) for role in roles.ALL_ROLES],
        "unappointed": unappointed_schools(day, UNAPPOINTED_SHOWN),
        "events": audit.recent_events(1, EVENTS_SHOWN).items,
    }


def unappointed_schools(day, limit):
    """(school id, name, municipality name) of schools without a responsible person, bounded."""
    appointed = _appointed_ids(day)
    municipality = aliased(Organization)
    return db.session.execute(
        select(Organization.id, Organization.name, municipality.name.label("municipality"))
        .outerjoin(municipality, municipality.id == Organization.parent_id)
        .outerjoin(appointed, appointed.c.organization_id == Organization.id)
        .where(Organization.kind == kinds.SCHOOL, appointed.c.organization_id.is_(None))
        .order_by(municipality.name, Organization.name)
        .limit(limit)
    ).all()


def coordinator_home(user, day):
    """Per-municipality coverage of plan item 2.1 with regional totals."""
    return {"template": "coordinator", "overview": region_overview(day),
            "municipalities": municipality_table(day, MUNICIPALITIES_SHOWN), "rollout": milestone_summary(),
            "rollout_labels": list(MILESTONE_SHORT_LABELS.items()),
            "deadline": milestone_deadlines()[APPOINTED]}


def municipality_table(day, limit):
    """Rows (id, name, schools, appointed schools, municipality appointed) by municipality name."""
    school = aliased(Organization)
    schools_done = _appointed_ids(day)
    own_done = _appointed_ids(day)
    rows = db.session.execute(
        select(Organization.id, Organization.name, func.count(school.id),
               func.count(schools_done.c.organization_id), func.max(own_done.c.organization_id))
        .outerjoin(school, and_(school.parent_id == Organization.id, school.kind == kinds.SCHOOL))
        .outerjoin(schools_done, schools_done.c.organization_id == school.id)
        .outerjoin(own_done, own_done.c.organization_id == Organization.id)
        .where(Organization.kind == kinds.MUNICIPALITY)
        .group_by(Organization.id, Organization.name)
        .order_by(Organization.name)
        .limit(limit)
    ).all()
    return [{"id": org_id, "name": name, "coverage": Coverage(total, done), "own_appointed": own is not None}
            for org_id, name, total, done, own in rows]


def support_home(user, day):
    """Operators and methodologists: the region at a glance and the support staff's contacts."""
    return {"template": "support", "overview": region_overview(day), "hotline": workload(user),
            "contacts": support_contacts(CONTACTS_PER_ORGANIZATION)}


def support_contacts(per_organization):
    """[(organization, [people])] of the computer center and the institute, bounded per organization."""
    ranked = (
        select(Person.id, func.row_number().over(
            partition_by=Person.organization_id, order_by=(Person.last_name, Person.first_name, Person.id)
        ).label("rank"))
        .join(Organization, Organization.id == Person.organization_id)
        .where(Organization.kind.in_(SUPPORT_KINDS))
        .subquery()
    )
    people = db.session.scalars(
        select(Person).join(ranked, ranked.c.id == Person.id).where(ranked.c.rank <= per_organization)
        .order_by(Person.organization_id, ranked.c.rank)
    ).all()
    grouped = {org.id: (org, []) for org in support_organizations()}
    for person in people:
        grouped[person.organization_id][1].append(person)
    return list(grouped.values())


def municipal_home(user, day):
    """The specialist's municipality: its schools with their responsible persons, and its own."""
    municipality = user.organization
    return {
        "template": "municipal",
        "municipality": municipality,
        "coverage": coverage(day, kinds.SCHOOL, parent_id=municipality.id),
        "schools": schools_with_responsible(municipality.id, day, SCHOOLS_SHOWN),
        "responsible": current_appointments([municipality.id], day).get(municipality.id),
        "deadline": milestone_deadlines()[APPOINTED],
        "hotline": workload(user),
        "rollout": milestone_summary(municipality.id),
        "rollout_labels": list(MILESTONE_SHORT_LABELS.items()),
    }


def schools_with_responsible(municipality_id, day, limit):
    """[(school, appointment in force or None)] of a municipality, by name, bounded."""
    candidate = aliased(Appointment)
    newest = (
        select(candidate.id)
        .where(candidate.organization_id == Organization.id, in_force(day, candidate))
        .order_by(candidate.starts_on.desc(), candidate.id.desc())
        .limit(1)
        .correlate(Organization)
        .scalar_subquery()
    )
    return db.session.execute(
        select(Organization, Appointment)
        .outerjoin(Appointment, Appointment.id == newest)
        .where(Organization.parent_id == municipality_id, Organization.kind == kinds.SCHOOL)
        .order_by(Organization.name)
        .limit(limit)
    ).all()


def school_home(user, day):
    """The coordinator's school: its card, the responsible person (plan item 2.1), its staff."""
    school = user.organization
    of_school = Person.organization_id == school.id
    staff = db.session.scalars(
        select(Person).where(of_school)
        .order_by(Person.last_name, Person.first_name, Person.id).limit(STAFF_SHOWN)
    ).all()
    return {
        "template": "school",
        "school": school,
        "responsible": current_appointments([school.id], day).get(school.id),
        "staff": staff,
        "staff_count": db.session.scalar(select(func.count(Person.id)).where(of_school)),
        "support": support_organizations(),
        "deadline": milestone_deadlines()[APPOINTED],
        "hotline": workload(user),
        "training": learner_summary(user),
        "milestones": school_progress(school.id)[1],
    }


def teacher_home(user, day):
    """The teacher's school and whom to ask: the school's and the municipality's responsible persons."""
    school = user.organization
    municipality = db.session.get(Organization, school.parent_id) if school.parent_id else None
    responsible = current_appointments([school.id, school.parent_id], day)
    return {
        "template": "teacher",
        "school": school,
        "municipality": municipality,
        "school_responsible": responsible.get(school.id),
        "municipality_responsible": responsible.get(school.parent_id),
        "support": support_organizations(),
        "hotline": workload(user),
        "training": learner_summary(user),
    }


HOME_BUILDERS = {
    roles.ADMIN: admin_home,
    roles.COORDINATOR: coordinator_home,
    roles.OPERATOR: support_home,
    roles.METHODOLOGIST: support_home,
    roles.MUNICIPAL: municipal_home,
    roles.SCHOOL: school_home,
    roles.TEACHER: teacher_home,
}
