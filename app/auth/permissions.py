"""Every access rule of the portal, as plain functions. Deny by default.

A rule takes the acting user (or an anonymous user) and the object, and answers yes or no.
Query scopes return a SQL criterion that limits a list to what the user may see.
"""

from sqlalchemy import false, or_, true

from app.auth import roles
from app.directory import kinds
from app.directory.models import Organization

REGION_WIDE_VIEWERS = (roles.ADMIN, roles.COORDINATOR, roles.OPERATOR, roles.METHODOLOGIST)


def is_signed_in(user):
    """Whether the user is an authenticated, enabled account."""
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def has_role(user, *allowed):
    """Whether the signed-in user holds one of the allowed roles."""
    return is_signed_in(user) and user.role in allowed


def _is_in_municipality(user, organization):
    """Whether the organization is the user's municipality or one of its schools."""
    own = user.organization_id
    return organization.id == own or organization.parent_id == own


# --- directory ---------------------------------------------------------------------------


def can_view_organization(user, organization):
    """Region-wide roles see all; a municipal specialist their municipality; school staff their school."""
    if has_role(user, *REGION_WIDE_VIEWERS):
        return True
    if has_role(user, roles.MUNICIPAL):
        return _is_in_municipality(user, organization)
    if has_role(user, roles.SCHOOL, roles.TEACHER):
        return organization.id == user.organization_id
    return False


def can_edit_organization(user, organization):
    """Admins edit all; municipal specialists their municipality's; school coordinators their school."""
    if has_role(user, roles.ADMIN):
        return True
    if has_role(user, roles.MUNICIPAL):
        return _is_in_municipality(user, organization)
    if has_role(user, roles.SCHOOL):
        return organization.id == user.organization_id
    return False


def can_create_organization(user, parent, kind):
    """Admins create any organization; municipal specialists add schools to their municipality."""
    if has_role(user, roles.ADMIN):
        return True
    return (
        has_role(user, roles.MUNICIPAL)
        and kind == kinds.SCHOOL
        and parent is not None
        and parent.id == user.organization_id
    )


def can_change_organization_code(user, organization):
    """Codes are the key of the CSV import: only admins change an existing organization's code."""
    return has_role(user, roles.ADMIN)


def can_delete_organization(user, organization):
    """Only admins remove organizations from the directory."""
    return has_role(user, roles.ADMIN)


def can_manage_appointments(user, organization):
    """Who records responsible-person appointments of an organization (plan item 2.1)."""
    return organization.kind in kinds.APPOINTING_KINDS and can_edit_organization(user, organization)


def can_view_people(user, organization):
    """Staff lists are personal data: the same scope as the organization, signed-in only."""
    return can_view_organization(user, organization)


def can_manage_people(user, organization):
    """Who adds and edits the staff of an organization."""
    return can_edit_organization(user, organization)


def can_import_organizations(user):
    """Only admins load schools and appointments in bulk."""
    return has_role(user, roles.ADMIN)


def organization_scope(user):
    """SQL criterion on Organization limiting a query to what the user may view."""
    if has_role(user, *REGION_WIDE_VIEWERS):
        return true()
    if has_role(user, roles.MUNICIPAL):
        own = user.organization_id
        return or_(Organization.id == own, Organization.parent_id == own)
    if has_role(user, roles.SCHOOL, roles.TEACHER):
        return Organization.id == user.organization_id
    return false()


# --- accounts and administration ---------------------------------------------------------


def can_manage_users(user):
    """Users and roles are managed by the regional administrator."""
    return has_role(user, roles.ADMIN)


def can_view_audit_log(user):
    """The audit log is for the administrator."""
    return has_role(user, roles.ADMIN)


def can_browse_directory(user):
    """Every signed-in user has the directory page (scoped by organization_scope)."""
    return is_signed_in(user)
