"""Malformed query strings and form posts get a 4xx page, never a 500."""

import pytest

from tickets import services


@pytest.mark.parametrize("url", [
    "/tickets/?page=abc", "/tickets/?page=-5", "/tickets/?assignee=xyz", "/tickets/?category=abc",
    "/tickets/?municipality=%00", "/tickets/?status=%27;drop", "/tickets/?q=" + "%25" * 300,
    "/tickets/999999", "/tickets/1/attachments/abc", "/tickets/statistics/?from=2020-13-45",
    "/tickets/statistics/?format=pdf", "/tickets/quarantine/?status=zzz", "/tickets/quarantine/99999",
    "/tickets/queues/nope/settings", "/tickets/queues/nope/canned-replies", "/directory/?kind=zzz&page=x",
    "/admin/users/?role=zzz&page=0", "/tickets/?page=99999999999999999999",
    "/kb/manage?page=99999999999999999999",
    "/audit/?page=99999999999999999999", "/training/assign/progress?page=99999999999999999999",
    "/training/manage/?page=99999999999999999999", "/training/seminars/?page=99999999999999999999",
    "/training/certificates/" + "Z" * 300, "/training/reports/?course=abc&from=2020-13-45",
])
def test_malformed_query_strings_are_not_server_errors(client, auth, make, url):
    services.ensure_queues()
    auth.login("admin")
    r = client.get(url)
    assert r.status_code < 500, (url, r.status_code)


def test_malformed_posts_are_not_server_errors(client, auth, make):
    services.ensure_queues()
    user = auth.login("admin")
    t = services.open_ticket(user, "technical", "s", "b")
    for url, data in [
        (f"/tickets/{t.id}/reply", {"body": "x", "version": "abc"}),
        (f"/tickets/{t.id}/reply", {"body": "x", "version": "99999999999999999999999"}),
        (f"/tickets/{t.id}/status", {"status": "zzz", "version": "1"}),
        (f"/tickets/{t.id}/status", {"status": "closed", "version": ""}),
        (f"/tickets/{t.id}/rating", {"rating": "9"}),
        (f"/tickets/{t.id}/assign", {"assignee_id": "abc", "version": "1"}),
        (f"/tickets/{t.id}/merge", {"target": "zzz", "version": "1"}),
        (f"/tickets/{t.id}/links", {"target": "Т-999999", "version": "1"}),
        (f"/tickets/{t.id}/priority", {"priority": "zzz", "version": "1"}),
        (f"/tickets/{t.id}/transfer", {"reason": "", "version": "1"}),
        (f"/tickets/{t.id}/watchers", {"email": "not-an-email", "version": "1"}),
        ("/tickets/new", {"queue": "zzz", "subject": "", "body": ""}),
        ("/directory/import", {}),
        ("/admin/users/new", {"organization_id": "abc"}),
    ]:
        r = auth.post(url, data)
        assert r.status_code < 500, (url, data, r.status_code)
