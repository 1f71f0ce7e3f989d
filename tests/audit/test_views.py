"""The audit log page."""

import pytest

from tests.fixtures.factories import NON_ADMIN_ROLES


def test_admin_sees_sign_ins_and_failures_with_address(client, auth, make):
    target = make.user("teacher")
    auth.post("/login", {"email": target.email, "password": "wrong-password"})
    auth.login("admin")
    html = client.get("/admin/audit/").get_data(as_text=True)
    assert "Неудачный вход" in html and target.email in html
    assert "127.0.0.1" in html
    filtered = client.get("/admin/audit/?action=auth.login").get_data(as_text=True)
    assert "Неудачный вход</td>" not in filtered and "Вход в систему</td>" in filtered


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_others_cannot_read_the_audit_log(client, auth, role):
    auth.login(role)
    assert client.get("/admin/audit/").status_code == 403


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/admin/audit/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
