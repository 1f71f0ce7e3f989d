"""Role × page access matrix: who gets which page, within which organization."""

import pytest

from app.auth import roles

# A small region: two municipalities, a school in each; the signed-in user sits in "home".
PAGES = ("/", "/directory/", "/directory/{own_school}", "/directory/{other_school}",
         "/directory/{own_school}/edit", "/directory/{other_school}/edit", "/directory/import",
         "/admin/users/", "/admin/audit/", "/account/password")

ALLOWED = 200
DENIED = 403
HIDDEN = 404

EXPECTED = {
    roles.ADMIN: (200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    roles.COORDINATOR: (200, 200, 200, 200, DENIED, DENIED, DENIED, DENIED, DENIED, 200),
    roles.OPERATOR: (200, 200, 200, 200, DENIED, DENIED, DENIED, DENIED, DENIED, 200),
    roles.METHODOLOGIST: (200, 200, 200, 200, DENIED, DENIED, DENIED, DENIED, DENIED, 200),
    roles.MUNICIPAL: (200, 200, 200, HIDDEN, 200, HIDDEN, DENIED, DENIED, DENIED, 200),
    roles.SCHOOL: (200, 200, 200, HIDDEN, 200, HIDDEN, DENIED, DENIED, DENIED, 200),
    roles.TEACHER: (200, 200, 200, HIDDEN, DENIED, HIDDEN, DENIED, DENIED, DENIED, 200),
}


@pytest.fixture
def region(make):
    home = make.municipality(name="Бондарский район")
    away = make.municipality(name="Мичуринский район")
    return {"home": home, "own_school": make.school(home), "other_school": make.school(away)}


def _organization_for(role, region, make):
    kind = roles.ROLE_ORGANIZATION_KINDS[role][0]
    if kind == "municipality":
        return region["home"]
    if kind == "school":
        return region["own_school"]
    return make.org(kind)


@pytest.mark.parametrize("role", roles.ALL_ROLES)
def test_role_page_matrix(client, auth, make, region, role):
    auth.login(role, organization=_organization_for(role, region, make))
    ids = {name: org.id for name, org in region.items()}
    actual = tuple(client.get(page.format(**ids)).status_code for page in PAGES)
    assert dict(zip(PAGES, actual, strict=True)) == dict(zip(PAGES, EXPECTED[role], strict=True))


@pytest.mark.parametrize("page", PAGES[1:])
def test_anonymous_visitors_are_sent_to_sign_in(client, region, page):
    ids = {name: org.id for name, org in region.items()}
    response = client.get(page.format(**ids))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_anonymous_home_is_the_landing_page_without_directory_data(client, region):
    response = client.get("/")
    assert response.status_code == 200
    assert "Бондарский район" not in response.get_data(as_text=True)
