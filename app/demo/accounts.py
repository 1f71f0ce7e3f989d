"""Demo step for the accounts: one user per role (and a few more teachers), sharing one password."""

import secrets

from sqlalchemy import delete, select

from app.auth import passwords
from app.auth.models import LoginSession, User
from app.auth.roles import role_label
from app.demo import tambov
from app.demo.region import new_person
from app.directory.models import Appointment, Person
from app.timeutil import utcnow

# The position of a person made for a demo account when the organization has no fitting one.
FALLBACK_POSITIONS = {
    tambov.APPOINTEE: "Ответственный за внедрение электронных журналов",
    tambov.TEACHER: tambov.TEACHER_POSITIONS[0],
}


def demo_logins():
    """(e-mail, role label) of every demo account, in display order."""
    return [(email, str(role_label(role))) for email, role, _code, _pick in tambov.DEMO_USERS]


def build_users(ctx):
    """Create the missing demo accounts; (re)set the password when given or when accounts are new."""
    emails = [spec[0] for spec in tambov.DEMO_USERS]
    existing = {user.email: user for user in ctx.session.scalars(select(User).where(User.email.in_(emails)))}
    missing = [spec for spec in tambov.DEMO_USERS if spec[0] not in existing]
    password = ctx.password or (secrets.token_urlsafe(9) if missing else None)
    ctx.users.update(existing)
    if password is None:
        ctx.progress(f"Учётные записи: все {len(existing)} уже есть, пароли не изменены")
        return
    password_hash = passwords.hash_password(password)
    _reset_passwords(ctx, list(existing.values()), password_hash)
    for email, role, code, pick in missing:
        person = _person_for(ctx, ctx.orgs[code], pick)
        person.email = email
        ctx.users[email] = User(person=person, email=email, role=role, password_hash=password_hash)
        ctx.session.add(ctx.users[email])
    ctx.password_set = password
    ctx.count("users", len(missing))
    ctx.progress(f"Учётные записи: создано {len(missing)}, пароль обновлён у {len(existing)}")


def _reset_passwords(ctx, users, password_hash):
    """Give existing demo users the new password and end their sign-in sessions."""
    for user in users:
        user.password_hash = password_hash
        user.password_changed_at = utcnow()
    if users:
        ctx.session.execute(delete(LoginSession).where(LoginSession.user_id.in_([u.id for u in users])))


def _person_for(ctx, org, pick):
    """A person of the organization without an account: its appointee, a teacher or by position."""
    has_account = select(User.person_id)
    query = select(Person).where(Person.organization_id == org.id, Person.id.not_in(has_account))
    appointees = select(Appointment.person_id).where(Appointment.organization_id == org.id)
    if pick == tambov.APPOINTEE:
        query = query.where(Person.id.in_(appointees))
    elif pick == tambov.TEACHER:
        query = query.where(Person.position.startswith(tambov.TEACHER_PREFIX), Person.id.not_in(appointees))
    else:
        query = query.where(Person.position == pick)
    person = ctx.session.scalars(query.order_by(Person.id).limit(1)).first()
    if person is None:
        person = new_person(ctx, org, FALLBACK_POSITIONS.get(pick, pick))
        ctx.session.add(person)
    return person
