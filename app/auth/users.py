"""Account management by the administrator (and by `opora user create`)."""

from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, or_, select

from app.audit import services as audit
from app.auth import passwords, permissions, roles
from app.auth.models import LoginSession, PasswordResetToken, User
from app.auth.services import find_user_by_email, normalize_email, validate_new_password
from app.auth.tokens import new_token, token_hash
from app.directory.models import Organization, Person
from app.errors import NotFound, PermissionDenied, ValidationFailed
from app.extensions import db
from app.mail import services as mail
from app.timeutil import utcnow

INVITE_DAYS = 7
PERSON_FIELDS = ("last_name", "first_name", "middle_name", "position", "phone")


def list_users(actor, search="", role=None, page=1, per_page=25):
    """A page of accounts for the administrator, filtered by text and role."""
    if not permissions.can_manage_users(actor):
        raise PermissionDenied()
    query = select(User).join(User.person).order_by(Person.last_name, Person.first_name, User.id)
    if role:
        query = query.where(User.role == role)
    if search:
        pattern = f"%{search.strip().lower()}%"
        query = query.where(
            or_(func.lower(User.email).like(pattern), func.lower(Person.last_name).like(pattern))
        )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def get_user(actor, user_id):
    """One account for editing."""
    if not permissions.can_manage_users(actor):
        raise PermissionDenied()
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound()
    return user


def _check_fields(data, user=None):
    errors = {}
    email = normalize_email(data.get("email"))
    existing = find_user_by_email(email)
    if existing is not None and existing is not user:
        errors["email"] = [_("An account with this e-mail already exists.")]
    if data.get("role") not in roles.ALL_ROLES:
        errors["role"] = [_("Choose a role from the list.")]
    organization = db.session.get(Organization, data.get("organization_id") or 0)
    if organization is None:
        errors["organization_id"] = [_("Choose an organization from the list.")]
    elif organization.kind not in roles.ROLE_ORGANIZATION_KINDS.get(data.get("role"), ()):
        errors["organization_id"] = [_("This role works in another kind of organization.")]
    if errors:
        raise ValidationFailed(_("Please correct the fields marked below."), errors)
    return email, organization


def create_user(actor, data, send_invite=True):
    """Create a person and their account; without a password, mail an invitation link."""
    if actor is not None and not permissions.can_manage_users(actor):
        raise PermissionDenied()
    email, organization = _check_fields(data)
    if data.get("password"):
        validate_new_password(data["password"])
    person = Person(organization=organization, email=email, **_person_values(data))
    user = User(
        person=person,
        email=email,
        role=data["role"],
        is_enabled=data.get("is_enabled", True),
        password_hash=passwords.hash_password(data.get("password") or new_token()),
    )
    db.session.add(user)
    db.session.flush()
    invite = None
    if not data.get("password") and send_invite:
        invite = _queue_invitation(user)
    audit.record("users.created", actor=actor, target=user, email=email, role=user.role,
                 organization=organization.code)
    db.session.commit()
    if invite is not None:
        mail.deliver_soon([invite.id])
    return user


def _person_values(data):
    return {name: (data.get(name) or "").strip() for name in PERSON_FIELDS}


def _queue_invitation(user):
    token = new_token()
    db.session.add(
        PasswordResetToken(
            user=user, token_hash=token_hash(token), expires_at=utcnow() + timedelta(days=INVITE_DAYS)
        )
    )
    return mail.queue(
        user.email,
        _("Your account on the Opora portal"),
        "invitation",
        name=user.person.first_name,
        role=user.role_label,
        link=f"{current_app.config['BASE_URL']}/reset/{token}",
        days=INVITE_DAYS,
    )


def update_user(actor, user, data):
    """Change an account's person data, role, organization, status or password."""
    if not permissions.can_manage_users(actor):
        raise PermissionDenied()
    email, organization = _check_fields(data, user=user)
    if user.id == actor.id and (data["role"] != roles.ADMIN or not data.get("is_enabled", True)):
        raise ValidationFailed(_("You cannot take away your own administrator rights."),
                               {"role": [_("Ask another administrator to do this.")]})
    before = _snapshot(user)
    for name, value in _person_values(data).items():
        setattr(user.person, name, value)
    user.person.organization = organization
    user.person.email = email
    user.email, user.role = email, data["role"]
    user.is_enabled = data.get("is_enabled", True)
    if data.get("password"):
        validate_new_password(data["password"])
        user.password_hash = passwords.hash_password(data["password"])
        user.password_changed_at = utcnow()
    if data.get("password") or not user.is_enabled:
        db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
    changes = {k: [v, after] for k, v in before.items() if (after := _snapshot(user)[k]) != v}
    audit.record("users.updated", actor=actor, target=user, changes=changes,
                 password_set=bool(data.get("password")))
    db.session.commit()
    return user


def _snapshot(user):
    return {
        "email": user.email,
        "role": user.role,
        "organization": user.person.organization.code,
        "is_enabled": user.is_enabled,
        "name": user.person.full_name,
    }


def organization_choices():
    """(id, label) pairs of organizations, for the account form."""
    rows = db.session.execute(
        select(Organization.id, Organization.name, Organization.kind).order_by(
            Organization.kind, Organization.name
        )
    ).all()
    return [(row.id, row.name) for row in rows]
