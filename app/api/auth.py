"""Who is calling: the bearer token of the request, checked against its hash, scope and expiry."""

import hashlib
from datetime import timedelta

from flask import g, request
from flask_babel import gettext as _
from sqlalchemy import select

from app.api import constants as c
from app.api.errors import ApiError
from app.api.models import ApiToken
from app.extensions import db
from app.timeutil import utcnow

# last_used_at is written at most this often per token, so reads do not turn into writes.
LAST_USED_RESOLUTION = timedelta(minutes=5)
BEARER = {"WWW-Authenticate": 'Bearer realm="opora"'}


def token_hash(raw):
    """The stored form of a token (SHA-256: tokens are long random strings, so no slow hash is needed)."""
    return hashlib.sha256(raw.encode()).hexdigest()


def bearer_token():
    """The token of the Authorization header, or None."""
    header = request.headers.get("Authorization", "")
    scheme, _space, value = header.partition(" ")
    return value.strip() or None if scheme.lower() == "bearer" else None


def _unauthorized(message):
    return ApiError(401, message, headers=BEARER)


def find_token(raw):
    """The active token for a raw value and its enabled user, or ApiError 401."""
    if not raw or not raw.startswith(c.TOKEN_PREFIX) or len(raw) > 200:
        raise _unauthorized(_("Send a valid API token: «Authorization: Bearer <token>»."))
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(raw)))
    now = utcnow()
    if token is None or not token.is_active_at(now) or not token.user.is_active:
        raise _unauthorized(_("The API token is unknown, expired or revoked. Create a new one in your "
                              "profile."))
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        token.last_used_at = now
        db.session.commit()
    return token


def authenticate(scope):
    """The calling user for an operation needing `scope`; sets Flask-Login's user for this request only."""
    token = find_token(bearer_token())
    if scope == c.WRITE and not token.can_write:
        raise ApiError(403, _("This token may only read. Create a token with the «write» scope to make "
                              "changes."), code="insufficient_scope")
    g._login_user = token.user  # current_user (locale, templates) is the token's owner; no session is made
    g.api_token = token
    return token.user
