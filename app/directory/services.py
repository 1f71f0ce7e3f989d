"""Directory operations: browsing the tree, organizations and their staff.

Responsible-person appointments (plan item 2.1) live in app/directory/appointments.py,
the CSV import in app/directory/importer.py.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import aliased

from app.audit import services as audit
from app.auth import permissions
from app.directory import kinds
from app.directory.models import Appointment, Organization, Person
from app.errors import NotFound, PermissionDenied, ValidationFailed
from app.extensions import db

MOSCOW = timezone(timedelta(hours=3))
ORG_FIELDS = ("code", "name", "short_name", "address", "phone", "email")
PERSON_FIELDS = ("last_name", "first_name", "middle_name", "position", "email", "phone")
MAX_LENGTHS = {
    "code": 32, "name": 300, "short_name": 120, "address": 300, "phone": 40, "email": 254,
    "last_name": 80, "first_name": 80, "middle_name": 80, "position": 200, "order_number": 40,
}
CHILDREN_SHOWN = 100
# Indentation level of each kind in the browse tree.
TREE_DEPTH = {kinds.REGION: 0, kinds.MUNICIPALITY: 1, kinds.INSTITUTE: 1, kinds.COMPUTER_CENTER: 1,
              kinds.SCHOOL: 2}


def today():
    """Today's date in Moscow time (the region's calendar)."""
    return datetime.now(UTC).astimezone(MOSCOW).date()


def in_force(day, appointment=Appointment):
    """SQL: the appointment is in force on the day."""
    return and_(appointment.starts_on <= day, or_(appointment.ends_on.is_(None), appointment.ends_on >= day))


def is_valid_email(value):
    """Whether the text is a well-formed e-mail address (no DNS lookup)."""
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def clean_text(data, names):
    """The named values of a dict as stripped strings ('' for missing)."""
    return {name: str(data.get(name) or "").strip() for name in names}


def length_errors(values):
    """Field errors for values longer than their column allows."""
    return {
        name: [_("Shorten this to %(max)d characters.", max=MAX_LENGTHS[name])]
        for name, value in values.items()
        if name in MAX_LENGTHS and len(value) > MAX_LENGTHS[name]
    }


def snapshot(obj, names):
    """The named attributes of a model, for before/after audit details."""
    return {name: getattr(obj, name) for name in names}


def changes(before, after):
    """{field: [old, new]} for the fields whose value changed."""
    return {name: [old, after[name]] for name, old in before.items() if after[name] != old}


def _fail(errors):
    raise ValidationFailed(_("Please correct the fields marked below."), errors)


# --- lookups -----------------------------------------------------------------------------


def visible_organization(actor, org_id):
    """The organization if the actor may view it; NotFound hides the others."""
    organization = db.session.get(Organization, org_id) if org_id else None
    if organization is None or not permissions.can_view_organization(actor, organization):
        raise NotFound()
    return organization


def _editable_organization(actor, org_id):
    organization = visible_organization(actor, org_id)
    if not permissions.can_edit_organization(actor, organization):
        raise PermissionDenied()
    return organization


def current_responsibles(org_ids, day=None):
    """{organization id: [short names]} of the persons appointed and in force on the day."""
    day = day or today()
    if not org_ids:
        return {}
    rows = db.session.scalars(
        select(Appointment).where(
            Appointment.organization_id.in_(org_ids),
            Appointment.starts_on <= day,
            or_(Appointment.ends_on.is_(None), Appointment.ends_on >= day),
        )
    ).all()
    result = {}
    for appointment in rows:
        result.setdefault(appointment.organization_id, []).append(appointment.person.short_name)
    return result


# --- browse ------------------------------------------------------------------------------


@dataclass
class DirectoryListing:
    """A page of the directory tree and who is responsible where."""

    page: object
    responsibles: dict
    search: str = ""
    kind: str | None = None
    parent: Organization | None = None


def _text_filter(search):
    # SQLite folds only ASCII case, so Cyrillic input is also tried in its usual spellings.
    variants = {search, search.lower(), search.upper(), search.capitalize()}
    columns = (Organization.name, Organization.short_name, Organization.code)
    return or_(*(column.icontains(v, autoescape=True) for v in variants for column in columns))


def _tree_order(parent_alias):
    school = Organization.kind == kinds.SCHOOL
    branch = case((Organization.kind == kinds.REGION, 0),
                  (Organization.kind.in_((kinds.INSTITUTE, kinds.COMPUTER_CENTER)), 1), else_=2)
    return (
        branch,
        case((school, parent_alias.name), else_=Organization.name),
        case((school, parent_alias.id), else_=Organization.id),
        case((school, 1), else_=0),
        Organization.name,
        Organization.id,
    )


def browse(actor, search="", kind=None, parent_id=None, page=1, per_page=25):
    """A page of the organizations the actor may see, in tree order, filtered by text, kind, parent."""
    if not permissions.can_browse_directory(actor):
        raise PermissionDenied()
    parent = visible_organization(actor, parent_id) if parent_id else None
    parent_alias = aliased(Organization)
    query = (
        select(Organization)
        .outerjoin(parent_alias, Organization.parent_id == parent_alias.id)
        .where(permissions.organization_scope(actor))
        .order_by(*_tree_order(parent_alias))
    )
    search = (search or "").strip()
    if search:
        query = query.where(_text_filter(search))
    if kind in kinds.ALL_KINDS:
        query = query.where(Organization.kind == kind)
    if parent is not None:
        query = query.where(Organization.parent_id == parent.id)
    result = db.paginate(query, page=page, per_page=per_page, error_out=False)
    responsibles = current_responsibles([org.id for org in result.items])
    return DirectoryListing(result, responsibles, search, kind if kind in kinds.ALL_KINDS else None, parent)


# --- the organization page ---------------------------------------------------------------


@dataclass
class OrganizationPage:
    """Everything the organization page shows, and which edit links the actor gets."""

    organization: Organization
    children: list
    children_total: int
    responsibles: dict
    people: object
    appointments: list
    today: object
    rights: dict = field(default_factory=dict)


def _rights(actor, organization):
    return {
        "edit": permissions.can_edit_organization(actor, organization),
        "people": permissions.can_manage_people(actor, organization),
        "appointments": permissions.can_manage_appointments(actor, organization),
        "view_parent": organization.parent is not None
        and permissions.can_view_organization(actor, organization.parent),
        "add": [kind for kind in kinds.ALL_KINDS if organization.kind in kinds.PARENT_KINDS[kind]
                and permissions.can_create_organization(actor, organization, kind)],
    }


def _children(actor, organization):
    criteria = (Organization.parent_id == organization.id, permissions.organization_scope(actor))
    total = db.session.scalar(select(func.count(Organization.id)).where(*criteria))
    children = db.session.scalars(
        select(Organization).where(*criteria).order_by(Organization.name).limit(CHILDREN_SHOWN)
    ).all()
    return children, total


def organization_page(actor, org_id, people_page=1, per_page=25):
    """The organization with its children, staff and appointments; logs the staff-list access."""
    organization = visible_organization(actor, org_id)
    children, total = _children(actor, organization)
    ids = [organization.id] + [child.id for child in children]
    people = None
    if permissions.can_view_people(actor, organization):
        query = select(Person).where(Person.organization_id == organization.id).order_by(
            Person.last_name, Person.first_name, Person.id)
        people = db.paginate(query, page=people_page, per_page=per_page, error_out=False)
        audit.record("directory.people_viewed", actor=actor, target=organization,
                     page=people.page, shown=len(people.items))
        db.session.commit()
    return OrganizationPage(
        organization, children, total, current_responsibles(ids),
        people, list(organization.appointments) if people is not None else [], today(),
        _rights(actor, organization),
    )


# --- organizations -----------------------------------------------------------------------


def organization_for_edit(actor, org_id):
    """The organization, if the actor may edit it (404 outside their scope, else 403)."""
    return _editable_organization(actor, org_id)


def _check_organization(values, organization=None):
    errors = length_errors(values)
    if not values["name"]:
        errors["name"] = [_("Enter the full name of the organization.")]
    if not values["code"]:
        errors["code"] = [_("Enter the organization's code (a short unique identifier).")]
    else:
        existing = db.session.scalar(select(Organization).where(Organization.code == values["code"]))
        if existing is not None and existing is not organization:
            errors["code"] = [_("This code already belongs to %(name)s; choose another one.",
                                name=existing.name)]
    if values["email"] and not is_valid_email(values["email"]):
        errors["email"] = [_("Enter an e-mail address like name@school.ru.")]
    if errors:
        _fail(errors)


def update_organization(actor, org_id, data):
    """Change an organization's details within the actor's scope; audited with before/after."""
    organization = _editable_organization(actor, org_id)
    values = clean_text(data, ORG_FIELDS)
    if not permissions.can_change_organization_code(actor, organization):
        values["code"] = organization.code
    _check_organization(values, organization)
    before = snapshot(organization, ORG_FIELDS)
    for name, value in values.items():
        setattr(organization, name, value)
    changed = changes(before, snapshot(organization, ORG_FIELDS))
    if changed:
        audit.record("directory.organization_updated", actor=actor, target=organization, changes=changed)
    db.session.commit()
    return organization


def _default_parent(kind):
    if kinds.REGION in kinds.PARENT_KINDS.get(kind, ()):
        return db.session.scalar(select(Organization).where(Organization.kind == kinds.REGION))
    return None


def new_organization_parent(actor, parent_id, kind):
    """The parent a new organization of the kind goes under, once the actor may create it there."""
    if kind not in kinds.ALL_KINDS or kind == kinds.REGION:
        raise ValidationFailed(_("Choose which kind of organization to add: a school, a municipality, "
                                 "an institute or a computer center."))
    parent = visible_organization(actor, parent_id) if parent_id else _default_parent(kind)
    if parent is None or parent.kind not in kinds.PARENT_KINDS[kind]:
        raise ValidationFailed(_("A %(kind)s cannot be added here; open the organization it belongs to "
                                 "and add it from there.", kind=kinds.kind_label(kind)))
    if not permissions.can_create_organization(actor, parent, kind):
        raise PermissionDenied()
    return parent


def create_organization(actor, parent_id, kind, data):
    """Add an organization of the kind under the parent; audited."""
    parent = new_organization_parent(actor, parent_id, kind)
    values = clean_text(data, ORG_FIELDS)
    _check_organization(values)
    organization = Organization(kind=kind, parent=parent, **values)
    db.session.add(organization)
    db.session.flush()
    audit.record("directory.organization_created", actor=actor, target=organization,
                 kind=kind, parent=parent.code, **values)
    db.session.commit()
    return organization


# --- people ------------------------------------------------------------------------------


def people_organization(actor, org_id):
    """The organization whose staff the actor is about to change."""
    organization = visible_organization(actor, org_id)
    if not permissions.can_manage_people(actor, organization):
        raise PermissionDenied()
    return organization


def person_for_edit(actor, person_id, log_view=True):
    """A member of staff for the edit form; opening the card is logged."""
    person = db.session.get(Person, person_id) if person_id else None
    if person is None:
        raise NotFound()
    people_organization(actor, person.organization_id)
    if log_view:
        audit.record("directory.person_viewed", actor=actor, target=person)
        db.session.commit()
    return person


def check_person(values, prefix=""):
    """Field errors for a person's name, e-mail and lengths (fields named with the prefix)."""
    errors = {prefix + name: msgs for name, msgs in length_errors(values).items()}
    if not values["last_name"]:
        errors[prefix + "last_name"] = [_("Enter the last name.")]
    if not values["first_name"]:
        errors[prefix + "first_name"] = [_("Enter the first name.")]
    if values["email"] and not is_valid_email(values["email"]):
        errors[prefix + "email"] = [_("Enter an e-mail address like name@school.ru.")]
    return errors


def create_person(actor, org_id, data):
    """Add a member of staff to the organization; audited."""
    organization = people_organization(actor, org_id)
    values = clean_text(data, PERSON_FIELDS)
    errors = check_person(values)
    if errors:
        _fail(errors)
    person = Person(organization=organization, **values)
    db.session.add(person)
    db.session.flush()
    audit.record("directory.person_created", actor=actor, target=person,
                 organization=organization.code, name=person.full_name)
    db.session.commit()
    return person


def update_person(actor, person_id, data):
    """Change a member of staff's details; audited with before/after."""
    person = person_for_edit(actor, person_id, log_view=False)
    values = clean_text(data, PERSON_FIELDS)
    errors = check_person(values)
    if errors:
        _fail(errors)
    before = snapshot(person, PERSON_FIELDS)
    for name, value in values.items():
        setattr(person, name, value)
    changed = changes(before, snapshot(person, PERSON_FIELDS))
    if changed:
        audit.record("directory.person_updated", actor=actor, target=person, changes=changed)
    db.session.commit()
    return person
