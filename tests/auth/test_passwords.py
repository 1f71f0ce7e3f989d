"""Password change and password reset by e-mail (through a real SMTP server)."""

import re

import pytest
from sqlalchemy import select

from app.auth.models import LoginSession, PasswordResetToken
from app.timeutil import utcnow
from tests.fixtures.factories import PASSWORD

NEW_PASSWORD = "a-brand-new-password"


def test_change_password_asks_for_the_current_one(auth):
    auth.login("teacher")
    response = auth.post(
        "/account/password",
        {"current_password": "not-it", "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 400
    assert "Текущий пароль указан неверно" in response.get_data(as_text=True)


def test_change_password_rejects_a_short_one(auth):
    auth.login("teacher")
    response = auth.post(
        "/account/password", {"current_password": PASSWORD, "new_password": "short", "confirm": "short"}
    )
    assert response.status_code == 400
    assert "10" in response.get_data(as_text=True)


def test_change_password_ends_other_sessions(app, client, auth, make, db):
    user = make.user("teacher")
    other_browser = app.test_client()
    other_auth = type(auth)(other_browser, make)
    other_auth.login(user)
    auth.login(user)
    assert db.session.query(LoginSession).filter_by(user_id=user.id).count() == 2

    response = auth.post(
        "/account/password",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert client.get("/account/password").status_code == 200
    assert other_browser.get("/account/password").status_code == 302
    assert auth.logout().status_code == 302
    assert auth.post("/login", {"email": user.email, "password": NEW_PASSWORD}).status_code == 302


@pytest.fixture
def app_settings(mail_settings):
    return mail_settings


def _reset_link(mailbox, email):
    bodies = mailbox.bodies_to(email)
    assert bodies, "no e-mail arrived"
    return re.search(r"https?://\S+/reset/(\S+)", bodies[-1]).group(1)


def test_reset_by_email_is_single_use(client, auth, make, mailbox, db):
    user = make.user("school")
    response = auth.post("/forgot", {"email": user.email})
    assert response.status_code == 302
    token = _reset_link(mailbox, user.email)
    stored = db.session.scalars(select(PasswordResetToken.token_hash)).all()
    assert token not in stored and len(stored) == 1  # stored hashed

    assert client.get(f"/reset/{token}").status_code == 200
    response = auth.post(f"/reset/{token}", {"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert auth.post("/login", {"email": user.email, "password": NEW_PASSWORD}).status_code == 302

    auth.logout()
    another = "another-password-1"
    again = auth.post(f"/reset/{token}", {"new_password": another, "confirm": another})
    assert again.status_code == 302 and "/forgot" in again.headers["Location"]


def test_reset_for_unknown_email_sends_nothing_and_says_the_same(auth, make, mailbox):
    response = auth.post("/forgot", {"email": "nobody@opora.test"}, follow_redirects=True)
    assert "Если учётная запись" in response.get_data(as_text=True)
    assert mailbox.messages == []


def test_expired_reset_token_is_refused(auth, make, mailbox, db):
    user = make.user("teacher")
    auth.post("/forgot", {"email": user.email})
    token = _reset_link(mailbox, user.email)
    record = db.session.scalar(select(PasswordResetToken))
    record.expires_at = utcnow()
    db.session.commit()
    response = auth.post(f"/reset/{token}", {"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302 and "/forgot" in response.headers["Location"]
