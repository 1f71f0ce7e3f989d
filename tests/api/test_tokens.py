"""The token service: hashed storage, prefix, expiry, scope, the per-user limit, revocation, and the API."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.api import constants as c
from app.api import tokens
from app.api.auth import token_hash
from app.api.models import ApiToken
from app.audit.models import AuditEvent
from app.errors import NotFound, PermissionDenied, ValidationFailed
from app.timeutil import utcnow


def events(db, action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_only_the_hash_is_stored_and_the_prefix_tells_tokens_apart(db, make):
    user = make.user("teacher")
    raw, token = tokens.create_token(user, "  Бот поддержки  ", c.WRITE, 30)
    assert raw.startswith(c.TOKEN_PREFIX) and len(raw) > 40
    assert token.token_hash == token_hash(raw) and token.prefix == raw[:12]
    assert token.name == "Бот поддержки" and token.scope == c.WRITE
    row = db.session.execute(select(ApiToken.__table__).where(ApiToken.id == token.id)).one()
    assert not any(raw in str(value) for value in row)
    created = events(db, "api.token_created")
    assert len(created) == 1 and created[0].details["prefix"] == token.prefix
    assert created[0].details["scope"] == c.WRITE and created[0].details["name"] == "Бот поддержки"
    assert raw not in str(created[0].details) and raw[12:] not in str(created[0].details)


def test_expiry_defaults_and_bounds(db, make):
    user = make.user("teacher")
    before = utcnow()
    _raw, default = tokens.create_token(user, "default", c.READ)
    assert timedelta(days=c.TOKEN_DAYS_DEFAULT) <= default.expires_at - before < timedelta(days=90, minutes=1)
    _raw, longest = tokens.create_token(user, "longest", c.READ, c.TOKEN_DAYS_MAX)
    assert longest.expires_at - before >= timedelta(days=c.TOKEN_DAYS_MAX)
    _raw, shortest = tokens.create_token(user, "shortest", c.READ, 1)
    assert timedelta(days=1) <= shortest.expires_at - before < timedelta(days=1, minutes=1)
    for days in (0, -5, c.TOKEN_DAYS_MAX + 1, "30", 2.5, True, 10**30):
        with pytest.raises(ValidationFailed) as error:
            tokens.create_token(user, "bad", c.READ, days)
        assert set(error.value.field_errors) == {"days"}
        assert "от 1 до 366" in error.value.field_errors["days"][0]


@pytest.mark.parametrize("name, scope, fields", [
    ("", c.READ, {"name"}), ("   ", c.READ, {"name"}), ("x" * 101, c.READ, {"name"}),
    (None, c.READ, {"name"}),
    ("ok", "admin", {"scope"}), ("ok", None, {"scope"}), ("", "everything", {"name", "scope"}),
])
def test_bad_name_and_scope_say_what_to_fix(db, make, name, scope, fields):
    user = make.user("teacher")
    with pytest.raises(ValidationFailed) as error:
        tokens.create_token(user, name, scope, 30)
    assert set(error.value.field_errors) == fields
    assert db.session.scalar(select(ApiToken.id)) is None


def test_a_name_of_100_characters_is_accepted(db, make):
    _raw, token = tokens.create_token(make.user("teacher"), "я" * 100, c.READ, 30)
    assert len(token.name) == 100


def test_at_most_twenty_active_tokens_per_user(db, make):
    user, other = make.user("teacher"), make.user("teacher")
    made = [tokens.create_token(user, f"t{n}", c.READ, 30)[1] for n in range(c.TOKENS_PER_USER_MAX)]
    with pytest.raises(ValidationFailed) as error:
        tokens.create_token(user, "one too many", c.READ, 30)
    assert "20" in error.value.message and "Отзовите" in error.value.message
    tokens.create_token(other, "someone else's", c.READ, 30)
    tokens.revoke_token(user, made[0].id)
    tokens.create_token(user, "after a revocation", c.READ, 30)
    made[1].expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    tokens.create_token(user, "after an expiry", c.READ, 30)


def test_a_disabled_account_gets_no_token(db, make):
    user = make.user("teacher")
    user.is_enabled = False
    db.session.commit()
    with pytest.raises(PermissionDenied):
        tokens.create_token(user, "bot", c.READ, 30)
    with pytest.raises(PermissionDenied):
        tokens.create_token(None, "bot", c.READ, 30)


def test_the_list_has_active_tokens_first_then_newest(db, make):
    user, other = make.user("teacher"), make.user("teacher")
    _raw, old = tokens.create_token(user, "old", c.READ, 30)
    _raw, revoked = tokens.create_token(user, "revoked", c.READ, 30)
    _raw, expired = tokens.create_token(user, "expired", c.READ, 30)
    _raw, new = tokens.create_token(user, "new", c.READ, 30)
    tokens.create_token(other, "not mine", c.READ, 30)
    tokens.revoke_token(user, revoked.id)
    expired.expires_at = utcnow() - timedelta(days=1)
    db.session.commit()
    assert [t.name for t in tokens.list_tokens(user)] == ["new", "old", "expired", "revoked"]
    states = {t.name: tokens.token_state(t) for t in tokens.list_tokens(user)}
    assert states == {"new": "active", "old": "active", "expired": "expired", "revoked": "revoked"}


def test_revoking_own_token_twice_is_harmless_and_another_s_is_not_found(db, make):
    user, other = make.user("teacher"), make.user("admin")
    _raw, token = tokens.create_token(user, "bot", c.READ, 30)
    for bad_id in (token.id + 1000, 0, -1, 2**31, "1", None):
        with pytest.raises(NotFound):
            tokens.revoke_token(user, bad_id)
    with pytest.raises(NotFound):
        tokens.revoke_token(other, token.id)
    assert token.revoked_at is None
    tokens.revoke_token(user, token.id)
    first = token.revoked_at
    assert first is not None
    assert tokens.revoke_token(user, token.id).revoked_at == first
    assert len(events(db, "api.token_revoked")) == 1


def test_the_api_accepts_a_created_token_until_it_is_revoked(client, db, make):
    user = make.user("teacher")
    raw, token = tokens.create_token(user, "bot", c.READ, 30)
    headers = {"Authorization": f"Bearer {raw}"}
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 200 and response.get_json()["email"] == user.email
    assert db.session.get(ApiToken, token.id).last_used_at is not None
    tokens.revoke_token(user, token.id)
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_the_api_refuses_a_created_token_after_it_expires(client, db, make):
    raw, token = tokens.create_token(make.user("teacher"), "bot", c.READ, 1)
    headers = {"Authorization": f"Bearer {raw}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get("/api/v1/me", headers=headers).status_code == 401

