"""Organizations with their rollout milestones, as the JSON API lists them (plan items 2.1–2.4).

A page of organizations costs a fixed number of statements: the page, the deadlines, and one
progress read (of one municipality when the page's schools share it, else of the region).
"""

from dataclasses import dataclass, field

from sqlalchemy import or_, select

from app.auth import permissions
from app.directory import kinds
from app.directory.models import Appointment, Organization
from app.directory.services import in_force, visible_organization
from app.extensions import db
from app.rollout import clock
from app.rollout.milestones import milestone_states, progress_rows
from app.rollout.plan import milestone_deadlines

ROLLOUT_KINDS = (kinds.SCHOOL, kinds.MUNICIPALITY)


@dataclass
class OrganizationProgress:
    """An organization, its milestone states (None when the actor may not see them) and responsibles."""

    organization: Organization
    milestones: list | None = None
    responsibles: list | None = None


@dataclass
class ProgressPage:
    """A page of organizations with progress, and the Flask-SQLAlchemy page it came from."""

    page: object
    items: list = field(default_factory=list)


def _text_filter(search):
    # icontains() compares lower(); on SQLite the app registers a lower() that folds Cyrillic too.
    columns = (Organization.name, Organization.short_name, Organization.code)
    return or_(*(column.icontains(search, autoescape=True) for column in columns))


def _criteria(actor, kind, municipality_id, search):
    criteria = [permissions.organization_scope(actor)]
    if kind:
        criteria.append(Organization.kind == kind)
    if municipality_id:
        criteria.append(or_(Organization.id == municipality_id, Organization.parent_id == municipality_id))
    search = (search or "").strip()
    if search:
        criteria.append(_text_filter(search))
    return criteria


def _states_by_id(organizations):
    """{organization id: [MilestoneState]} of the given schools and offices, in one progress read."""
    if not organizations:
        return {}
    municipalities = {org.id if org.kind == kinds.MUNICIPALITY else org.parent_id for org in organizations}
    only = municipalities.pop() if len(municipalities) == 1 else None
    wanted = {org.id for org in organizations}
    deadlines = milestone_deadlines()
    rows = progress_rows(clock.today(), municipality_id=only)
    return {row.id: milestone_states(row, deadlines) for row in rows if row.id in wanted}


def organizations_page(actor, kind=None, municipality_id=None, search="", page=1, per_page=20):
    """The organizations the actor may see, by kind and name, with milestones where the actor may see them."""
    query = (select(Organization).where(*_criteria(actor, kind, municipality_id, search))
             .order_by(Organization.kind, Organization.name, Organization.id))
    result = db.paginate(query, page=page, per_page=per_page, error_out=False)
    shown = [org for org in result.items if permissions.can_view_rollout_of(actor, org)]
    states = _states_by_id(shown)
    items = [OrganizationProgress(org, states.get(org.id) if org in shown else None) for org in result.items]
    return ProgressPage(result, items)


def _responsibles(organization):
    day = clock.today()
    return db.session.scalars(
        select(Appointment).where(Appointment.organization_id == organization.id, in_force(day))
        .order_by(Appointment.order_date, Appointment.id)).all()


def organization_progress(actor, org_id):
    """One organization the actor may see, with its milestones and responsible persons in force."""
    organization = visible_organization(actor, org_id)
    result = OrganizationProgress(organization)
    if permissions.can_view_rollout_of(actor, organization):
        result.milestones = _states_by_id([organization]).get(organization.id, [])
    if organization.kind in kinds.APPOINTING_KINDS and permissions.can_view_people(actor, organization):
        result.responsibles = list(_responsibles(organization))
    return result
