"""A school coordinator signs in, sees their school and signs out, in a real Chromium."""

import pytest

from tests.fixtures.factories import PASSWORD

pytestmark = pytest.mark.e2e


def test_school_coordinator_signs_in_sees_school_and_signs_out(live_server, page, make, artifacts_dir):
    school = make.school(name="МБОУ «Бондарская СОШ № 1»")
    other = make.school(name="МБОУ «Лицей № 14»")
    user = make.user("school", organization=school)

    page.goto(f"{live_server}/")
    page.get_by_role("link", name="Войти").first.click()
    page.get_by_label("Электронная почта").fill(user.email)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()

    page.wait_for_url(f"{live_server}/")
    assert school.name in page.content()
    assert other.name not in page.content()
    page.screenshot(path=str(artifacts_dir / "school-coordinator-home.png"), full_page=True)

    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("logout").click()
    page.wait_for_url(f"{live_server}/login")
    assert "Вы вышли" in page.content()
    page.goto(f"{live_server}/account/password")
    assert "/login" in page.url
