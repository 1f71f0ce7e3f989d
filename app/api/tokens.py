"""Personal API tokens: created by their owner, shown once, stored hashed, revoked by their owner."""

import secrets
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import case, func, select

from app.api import constants as c
from app.api.auth import token_hash
from app.api.models import ApiToken
from app.api.schemas import ID_MAX
from app.audit import services as audit
from app.auth import permissions
from app.errors import NotFound, PermissionDenied, ValidationFailed
from app.extensions import db
from app.timeutil import utcnow

NAME_MAX = 100
# The list shows every active token (at most TOKENS_PER_USER_MAX) and the latest inactive ones.
LIST_MAX = 100


def _active_criterion(now):
    return (ApiToken.revoked_at.is_(None)) & (ApiToken.expires_at > now)


def _count_active(user, now):
    return db.session.scalar(select(func.count(ApiToken.id))
                             .where(ApiToken.user_id == user.id, _active_criterion(now)))


def _clean(name, scope, days):
    """(name, scope, days) checked, or ValidationFailed with a message per field."""
    errors = {}
    name = (name or "").strip() if isinstance(name, str) else ""
    if not name:
        errors["name"] = [_("Name the token, e.g. after the program that will use it.")]
    elif len(name) > NAME_MAX:
        errors["name"] = [_("The name may be at most %(n)d characters long.", n=NAME_MAX)]
    if scope not in c.SCOPES:
        errors["scope"] = [_("Choose the scope: read only, or read and write.")]
    days = c.TOKEN_DAYS_DEFAULT if days is None else days
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= c.TOKEN_DAYS_MAX:
        errors["days"] = [_("The token may live from 1 to %(n)d days.", n=c.TOKEN_DAYS_MAX)]
    if errors:
        raise ValidationFailed(_("Check the fields of the token."), errors)
    return name, scope, days


def create_token(actor, name, scope=c.READ, days=None):
    """A new token of the actor: (raw token, ApiToken); only its hash is stored, the raw is shown once."""
    if not permissions.is_signed_in(actor):
        raise PermissionDenied(_("Only an enabled account may have API tokens."))
    name, scope, days = _clean(name, scope, days)
    now = utcnow()
    if _count_active(actor, now) >= c.TOKENS_PER_USER_MAX:
        raise ValidationFailed(
            _("You already have %(n)d active tokens. Revoke one you no longer use.", n=c.TOKENS_PER_USER_MAX))
    raw = c.TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=actor.id, name=name, prefix=raw[:12], token_hash=token_hash(raw), scope=scope,
                     created_at=now, expires_at=now + timedelta(days=days))
    db.session.add(token)
    db.session.flush()
    audit.record("api.token_created", actor=actor, target=token, name=name, scope=scope,
                 expires_at=token.expires_at.isoformat(timespec="seconds"), prefix=token.prefix)
    db.session.commit()
    return raw, token


def list_tokens(actor):
    """The actor's tokens: active ones first, then expired and revoked ones; newest first in each group."""
    if not permissions.is_signed_in(actor):
        return []
    inactive_last = case((_active_criterion(utcnow()), 0), else_=1)
    query = (select(ApiToken).where(ApiToken.user_id == actor.id)
             .order_by(inactive_last, ApiToken.created_at.desc(), ApiToken.id.desc()).limit(LIST_MAX))
    return db.session.scalars(query).all()


def revoke_token(actor, token_id):
    """Revoke one of the actor's own tokens (another's is NotFound); revoking twice changes nothing."""
    known_id = isinstance(token_id, int) and not isinstance(token_id, bool) and 0 < token_id <= ID_MAX
    token = db.session.get(ApiToken, token_id) if known_id else None
    if token is None or not permissions.is_signed_in(actor) or token.user_id != actor.id:
        raise NotFound(_("There is no such token among yours."))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record("api.token_revoked", actor=actor, target=token, name=token.name, prefix=token.prefix)
        db.session.commit()
    return token


def token_state(token, moment=None):
    """'active', 'expired' or 'revoked' (revoked wins: it was the owner's decision)."""
    moment = moment or utcnow()
    if token.revoked_at is not None:
        return "revoked"
    return "active" if token.is_active_at(moment) else "expired"
