"""Organizations of the directory with their rollout milestones (plan items 2.1–2.4)."""

from app.api.blueprint import api
from app.api.rollout_schemas import (
    Milestone,
    Organization,
    OrganizationDetail,
    OrganizationList,
    OrganizationQuery,
    Responsible,
)
from app.api.schemas import page_info
from app.rollout import constants as rc
from app.rollout import organization_progress

MILESTONES_NOTE = ("Milestones are given for schools and municipal offices to the region's staff, the "
                   "municipality's specialists and the school's coordinator; otherwise they are null.")


def milestone(state):
    """A MilestoneState as the API shows it."""
    return Milestone(key=state.key, label=str(state.label), plan_item=rc.MILESTONE_PLAN_ITEMS[state.key],
                     deadline=state.deadline, done_on=state.done_on, state=state.state, is_late=state.is_late)


def _fields(item):
    org = item.organization
    milestones = None if item.milestones is None else [milestone(state) for state in item.milestones]
    return {"id": org.id, "code": org.code, "name": org.name, "short_name": org.short_name or "",
            "kind": org.kind, "parent_id": org.parent_id, "address": org.address or "",
            "phone": org.phone or "", "email": org.email or "", "milestones": milestones}


def responsible(appointment):
    """An appointment in force as the API shows it."""
    person = appointment.person
    return Responsible(name=person.full_name, position=person.position or "",
                       order_number=appointment.order_number, order_date=appointment.order_date,
                       starts_on=appointment.starts_on, ends_on=appointment.ends_on)


@api.operation("/organizations", summary="Organizations you may see, with rollout milestones",
               tag="organizations", query=OrganizationQuery, response=OrganizationList,
               description="Your scope as on the portal: the region's staff see every organization, a "
                           "municipal specialist their municipality and its schools, school staff their "
                           "school. " + MILESTONES_NOTE)
def list_organizations(user, query):
    """A page of the organizations in the user's scope."""
    result = organization_progress.organizations_page(
        user, kind=query.kind, municipality_id=query.municipality, search=query.q, page=query.page,
        per_page=query.per_page)
    return OrganizationList(items=[Organization(**_fields(item)) for item in result.items],
                            page=page_info(result.page))


@api.operation("/organizations/<int:org_id>", summary="An organization with milestones and responsibles",
               tag="organizations", response=OrganizationDetail,
               description=MILESTONES_NOTE + " Responsible persons (plan item 2.1) are shown to those who "
                                             "may view the organization's staff.")
def show_organization(user, org_id):
    """One organization in the user's scope (404 outside it)."""
    item = organization_progress.organization_progress(user, org_id)
    responsibles = None if item.responsibles is None else [responsible(a) for a in item.responsibles]
    return OrganizationDetail(**_fields(item), responsibles=responsibles)
