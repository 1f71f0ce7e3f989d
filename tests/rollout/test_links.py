"""The rollout section's own menu shows each role the pages it may open."""

import re

import pytest


def menu(client, url):
    page = client.get(url).get_data(as_text=True)
    block = re.search(r'data-testid="rollout-links">(.*?)</ul>', page, re.S)
    return re.findall(r'href="([^"]+)"', block.group(1)) if block else []


@pytest.mark.parametrize(("role", "expected"), [
    ("coordinator", ["/rollout/", "/rollout/overdue", "/rollout/reports/", "/rollout/plan"]),
    ("admin", ["/rollout/", "/rollout/overdue", "/rollout/reports/", "/rollout/plan", "/rollout/import"]),
])
def test_region_roles_see_their_pages(client, auth, rollout, role, expected):
    auth.login(role)
    assert menu(client, "/rollout/plan") == expected


def test_municipal_specialist_may_upload_and_teachers_have_no_menu(client, auth, make, rollout):
    municipality = make.municipality()
    auth.login(make.user("municipal", organization=municipality))
    assert "/rollout/import" in menu(client, "/rollout/")
    auth.logout()
    auth.login("teacher")
    assert menu(client, "/rollout/plan") == []
