"""Sign-in, sign-out and sessions through the web pages."""

from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.auth.models import LoginSession
from tests.fixtures.factories import PASSWORD


def test_login_page_is_russian_by_default(client):
    html = client.get("/login").get_data(as_text=True)
    assert "Вход" in html
    assert 'lang="ru"' in html


def test_good_credentials_sign_in_and_audit(client, auth, db):
    user = auth.login("school")
    assert user.full_name in client.get("/").get_data(as_text=True)
    events = db.session.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == user.id)).all()
    assert "auth.login" in events


def test_email_is_case_insensitive(client, auth, make):
    user = make.user("teacher")
    response = auth.post("/login", {"email": user.email.upper(), "password": PASSWORD})
    assert response.status_code == 302


def test_wrong_password_is_refused_and_audited(client, auth, make, db):
    user = make.user("teacher")
    response = auth.post("/login", {"email": user.email, "password": "wrong-password"})
    assert response.status_code == 401
    assert "Неверный адрес электронной почты или пароль" in response.get_data(as_text=True)
    failed = db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "auth.login_failed")
    )
    assert failed == 1
    assert client.get("/admin/users/").status_code == 302  # still anonymous: sent to /login


def test_disabled_account_cannot_sign_in(auth, make, db):
    user = make.user("teacher")
    user.is_enabled = False
    db.session.commit()
    response = auth.post("/login", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 401


def test_empty_form_says_what_to_fix(auth):
    response = auth.post("/login", {"email": "", "password": ""})
    assert response.status_code == 400
    assert "Заполните это поле" in response.get_data(as_text=True)


def test_next_parameter_only_redirects_within_the_site(auth, make):
    user = make.user("admin")
    response = auth.post("/login?next=https://evil.example/", {"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_logout_really_ends_the_session(app, client, auth, db):
    auth.login("municipal")
    captured = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    assert client.get("/account/password").status_code == 200
    assert auth.logout().status_code == 302
    assert db.session.scalar(select(func.count()).select_from(LoginSession)) == 0

    thief = app.test_client()
    thief.set_cookie(app.config["SESSION_COOKIE_NAME"], captured)
    response = thief.get("/account/password")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_remember_cookie_dies_with_logout(app, client, auth, make):
    user = make.user("teacher")
    auth.post("/login", {"email": user.email, "password": PASSWORD, "remember": "y"})
    remember = client.get_cookie(app.config["REMEMBER_COOKIE_NAME"])
    assert remember is not None and remember.http_only
    auth.logout()

    thief = app.test_client()
    thief.set_cookie(app.config["REMEMBER_COOKIE_NAME"], remember.value)
    assert thief.get("/account/password").status_code == 302


def test_session_cookie_flags(app, client, auth):
    auth.login("teacher")
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie.http_only
    assert cookie.same_site == "Lax"


def test_rehash_on_login_when_parameters_change(app, auth, make, db):
    user = make.user("teacher")
    old_hash = user.password_hash
    app.config["ARGON2_TIME_COST"] = 2
    auth.post("/login", {"email": user.email, "password": PASSWORD})
    db.session.refresh(user)
    assert user.password_hash != old_hash
    assert "t=2" in user.password_hash
    assert user.password_hash.startswith("$argon2id$")


def test_users_compare_by_identity_not_by_session(make):
    first, second = make.user("teacher"), make.user("teacher")
    assert first != second and first == first
    assert len({first, second}) == 2
