"""Sign-in, sessions, passwords and password reset."""

from datetime import timedelta
from functools import cache

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import bindparam, delete, func, select

from app.audit import services as audit
from app.auth import passwords
from app.auth.models import LoginSession, PasswordResetToken, User
from app.auth.tokens import new_token, token_hash
from app.errors import ValidationFailed
from app.extensions import db
from app.mail import services as mail
from app.timeutil import utcnow


def normalize_email(email):
    """E-mail addresses are compared lower-cased and trimmed."""
    return (email or "").strip().lower()


def find_user_by_email(email):
    """The account with this e-mail, or None."""
    return db.session.scalar(select(User).where(func.lower(User.email) == normalize_email(email)))


def sign_in(email, password, ip_address="", user_agent=""):
    """Check the credentials and open a session; return (user, session token) or None."""
    user = find_user_by_email(email)
    if user is None:
        passwords.burn_time()
    if user is None or not user.is_enabled or not passwords.verify_password(user.password_hash, password):
        audit.record("auth.login_failed", actor=None, target=user, email=normalize_email(email))
        db.session.commit()
        return None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    user.last_login_at = utcnow()
    token = _open_session(user, ip_address, user_agent)
    audit.record("auth.login", actor=user, target=user)
    db.session.commit()
    user.session_token = token
    return user, token


def _open_session(user, ip_address, user_agent):
    token = new_token()
    lifetime = timedelta(days=current_app.config["LOGIN_SESSION_DAYS"])
    db.session.add(
        LoginSession(
            user=user,
            token_hash=token_hash(token),
            expires_at=utcnow() + lifetime,
            ip_address=(ip_address or "")[:45],
            user_agent=(user_agent or "")[:300],
        )
    )
    return token


@cache
def _user_by_session_hash():
    # Built once: every page runs it, and building a statement costs more than running it. The user
    # and the session's expiry only: the session row itself would be one more object to build.
    return (select(User, LoginSession.expires_at).join(LoginSession, LoginSession.user_id == User.id)
            .where(LoginSession.token_hash == bindparam("token_hash")))


def user_for_session(token):
    """The user of a live session token, or None (expired, revoked or disabled)."""
    if not token:
        return None
    row = db.session.execute(_user_by_session_hash(), {"token_hash": token_hash(token)}).first()
    if row is None or row.expires_at < utcnow() or not row.User.is_enabled:
        return None
    user = row.User
    user.session_token = token
    return user


def sign_out(user):
    """End the current session so its cookies stop working."""
    if user.session_token:
        db.session.execute(
            delete(LoginSession).where(LoginSession.token_hash == token_hash(user.session_token))
        )
    audit.record("auth.logout", actor=user, target=user)
    db.session.commit()


def validate_new_password(password):
    """Raise ValidationFailed when the password is too weak."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password or "") < minimum:
        raise ValidationFailed(
            _("The password must be at least %(n)d characters long.", n=minimum),
            {"new_password": [_("At least %(n)d characters.", n=minimum)]},
        )


def change_password(user, current_password, new_password):
    """Change the password after checking the current one; end every other session."""
    if not passwords.verify_password(user.password_hash, current_password):
        message = _("The current password is wrong.")
        raise ValidationFailed(message, {"current_password": [message]})
    validate_new_password(new_password)
    _set_password(user, new_password, keep_token=user.session_token)
    audit.record("auth.password_changed", actor=user, target=user)
    db.session.commit()


def _set_password(user, new_password, keep_token=None):
    user.password_hash = passwords.hash_password(new_password)
    user.password_changed_at = utcnow()
    other_sessions = delete(LoginSession).where(LoginSession.user_id == user.id)
    if keep_token:
        other_sessions = other_sessions.where(LoginSession.token_hash != token_hash(keep_token))
    db.session.execute(other_sessions)


def request_password_reset(email):
    """Mail a single-use reset link if the account exists; say nothing either way."""
    user = find_user_by_email(email)
    if user is None or not user.is_enabled:
        audit.record("auth.reset_requested_unknown", email=normalize_email(email))
        db.session.commit()
        return None
    token = new_token()
    minutes = current_app.config["PASSWORD_RESET_MINUTES"]
    db.session.add(
        PasswordResetToken(
            user=user, token_hash=token_hash(token), expires_at=utcnow() + timedelta(minutes=minutes)
        )
    )
    link = f"{current_app.config['BASE_URL']}/reset/{token}"
    message = mail.queue(
        user.email,
        _("Password reset on the Opora portal"),
        "reset_password",
        name=user.person.first_name,
        link=link,
        minutes=minutes,
    )
    audit.record("auth.reset_requested", actor=None, target=user, email=user.email)
    db.session.commit()
    mail.deliver_soon([message.id])
    return token


def find_reset_token(token):
    """The live reset token record, or None if unknown, used or expired."""
    record = db.session.scalar(
        select(PasswordResetToken).where(PasswordResetToken.token_hash == token_hash(token or ""))
    )
    if record is None or record.used_at is not None or record.expires_at < utcnow():
        return None
    return record


def reset_password(token, new_password):
    """Set a new password by a reset token; the token is used up, every session ends."""
    record = find_reset_token(token)
    if record is None:
        raise ValidationFailed(_("This reset link is invalid or has expired. Request a new one."))
    validate_new_password(new_password)
    record.used_at = utcnow()
    _set_password(record.user, new_password)
    audit.record("auth.password_reset", actor=record.user, target=record.user)
    db.session.commit()
    return record.user
