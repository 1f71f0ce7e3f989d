"""Account administration: pages, service rules, invitations and the audit trail."""

import re

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.auth import users
from app.auth.models import LoginSession, User
from app.errors import PermissionDenied, ValidationFailed
from tests.fixtures.factories import NON_ADMIN_ROLES


@pytest.fixture
def app_settings(mail_settings):
    return mail_settings


def _new_user_form(organization, **overrides):
    data = {"last_name": "Соколова", "first_name": "Елена", "middle_name": "Петровна",
            "position": "Директор", "phone": "", "email": "sokolova@school.test", "role": "school",
            "organization_id": str(organization.id), "is_enabled": "y", "password": ""}
    data.update(overrides)
    return data


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_only_the_administrator_manages_users(client, auth, role):
    auth.login(role)
    assert client.get("/admin/users/").status_code == 403
    assert auth.post("/admin/users/new", {}).status_code == 403


def test_admin_creates_a_user_who_is_invited_by_email(client, auth, make, mailbox, db):
    auth.login("admin")
    school = make.school()
    response = auth.post("/admin/users/new", _new_user_form(school))
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "sokolova@school.test"))
    assert user.role == "school" and user.person.organization_id == school.id
    body = mailbox.bodies_to("sokolova@school.test")[0]
    assert "Здравствуйте, Елена!" in body
    token = re.search(r"/reset/(\S+)", body).group(1)
    assert client.get(f"/reset/{token}").status_code == 200
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "users.created" in actions


def test_duplicate_email_and_wrong_organization_kind_are_explained(auth, make):
    admin = auth.login("admin")
    school = make.school()
    response = auth.post("/admin/users/new", _new_user_form(school, email=admin.email, role="operator"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "уже существует" in html
    assert "другого типа" in html


def test_admin_changes_a_role_and_disabling_ends_sessions(client, auth, make, db, app):
    auth.login("admin")
    municipality = make.municipality()
    target = make.user("teacher")
    other = app.test_client()
    type(auth)(other, make).login(target)
    form = _new_user_form(municipality, email=target.email, role="municipal", is_enabled="")
    response = auth.post(f"/admin/users/{target.id}", form)
    assert response.status_code == 302
    db.session.refresh(target)
    assert target.role == "municipal" and not target.is_enabled
    assert db.session.query(LoginSession).filter_by(user_id=target.id).count() == 0
    assert other.get("/account/password").status_code == 302
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "users.updated"))
    assert event.details["changes"]["role"] == ["teacher", "municipal"]


def test_admin_cannot_demote_themselves(make, db):
    admin = make.user("admin")
    data = {"email": admin.email, "role": "coordinator", "organization_id": admin.organization_id,
            "last_name": "А", "first_name": "Б", "is_enabled": True}
    with pytest.raises(ValidationFailed):
        users.update_user(admin, admin, data)


def test_service_refuses_non_admin_actors(make):
    coordinator = make.user("coordinator")
    with pytest.raises(PermissionDenied):
        users.list_users(coordinator)


def test_user_list_searches_and_paginates(client, auth, make):
    auth.login("admin")
    make.user("teacher", last_name="Уникальнова")
    html = client.get("/admin/users/?q=уникальнова").get_data(as_text=True)
    assert "Уникальнова" in html
    assert client.get("/admin/users/?page=999").status_code == 200
