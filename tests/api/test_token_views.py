"""The profile page of API tokens: create (shown once, never cached), list, revoke; CSRF and sign-in."""

import re

from sqlalchemy import select

from app.api import constants as c
from app.api import tokens
from app.api.models import ApiToken

TOKEN_PATTERN = re.compile(r"opora_[A-Za-z0-9_-]{40,}")


def create(auth, **fields):
    data = {"name": "Бот поддержки", "scope": c.WRITE, "days": "30"}
    data.update(fields)
    return auth.post("/account/tokens", data)


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for response in (client.get("/account/tokens"), client.post("/account/tokens", data={"name": "x"})):
        assert response.status_code in (302, 400)
    response = client.get("/account/tokens")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_user_menu_links_to_the_page(client, auth):
    auth.login("teacher")
    page = client.get("/").get_data(as_text=True)
    assert 'href="/account/tokens"' in page and "API-токены" in page


def test_created_token_is_shown_once_and_never_cached(client, auth, db):
    user = auth.login("teacher")
    response = create(auth)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    raw = TOKEN_PATTERN.search(html).group(0)
    assert "скопируйте сейчас — больше он не будет показан" in html.lower()
    assert f"Bearer {raw}" in html  # the curl example
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert token.scope == c.WRITE and token.name == "Бот поддержки"
    with client.session_transaction() as session:
        assert raw not in str(dict(session))
    assert "Set-Cookie" not in response.headers or raw not in response.headers["Set-Cookie"]
    listing = client.get("/account/tokens").get_data(as_text=True)
    assert raw not in listing and TOKEN_PATTERN.search(listing) is None
    assert token.prefix + "…" in listing and "Бот поддержки" in listing and "действует" in listing
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert me.status_code == 200 and me.get_json()["email"] == user.email


def test_creating_needs_the_csrf_token(client, auth, db):
    auth.login("teacher")
    response = client.post("/account/tokens", data={"name": "bot", "scope": c.READ, "days": "30"})
    assert response.status_code == 400
    assert db.session.scalar(select(ApiToken.id)) is None


def test_bad_fields_re_show_the_form_with_what_to_fix(client, auth, db):
    auth.login("teacher")
    for fields in ({"name": ""}, {"name": "x" * 101}, {"scope": "admin"}, {"days": "0"}, {"days": "367"},
                   {"days": "abc"}, {"days": ""}, {"days": "9" * 40}):
        response = create(auth, **fields)
        assert response.status_code == 400, fields
        assert "Исправьте" in response.get_data(as_text=True) or "invalid-feedback" in response.get_data(
            as_text=True)
    assert db.session.scalar(select(ApiToken.id)) is None


def test_the_limit_is_explained_on_the_page(client, auth, db):
    user = auth.login("teacher")
    for number in range(c.TOKENS_PER_USER_MAX):
        tokens.create_token(user, f"t{number}", c.READ, 30)
    response = create(auth)
    assert response.status_code == 400
    assert "Отзовите тот, которым больше не пользуетесь" in response.get_data(as_text=True)


def test_revoking_one_s_own_token(client, auth, db):
    user = auth.login("teacher")
    raw, token = tokens.create_token(user, "Скрипт", c.READ, 30)
    page = client.get("/account/tokens").get_data(as_text=True)
    assert f'action="/account/tokens/{token.id}/revoke"' in page and "data-confirm" in page
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 400  # no CSRF token
    response = auth.post(f"/account/tokens/{token.id}/revoke")
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/tokens")
    listing = client.get("/account/tokens").get_data(as_text=True)
    assert "отозван" in listing
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
    assert auth.post(f"/account/tokens/{token.id}/revoke").status_code == 302  # twice: harmless


def test_another_user_s_token_cannot_be_revoked_or_seen(client, auth, make):
    other = make.user("teacher")
    _raw, token = tokens.create_token(other, "Чужой", c.READ, 30)
    auth.login("admin")
    assert "Чужой" not in client.get("/account/tokens").get_data(as_text=True)
    assert auth.post(f"/account/tokens/{token.id}/revoke").status_code == 404
    assert auth.post(f"/account/tokens/{2**31}/revoke").status_code == 404
    assert token.revoked_at is None
