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
    "/rollout/?sort=%00&dir=zz&format=pdf", "/rollout/overdue?milestone=zzz&municipality=abc&page=0",
    "/rollout/reports/?year=abc&quarter=9", "/rollout/reports/1/2010/9", "/rollout/plan/9.9.9.9/edit",
])
def test_malformed_query_strings_are_not_server_errors(client, auth, make, url):
    services.ensure_queues()
    auth.login("admin")
    r = client.get(url)
    assert r.status_code < 500, (url, r.status_code)


HUGE = "99999999999999999999"


@pytest.mark.parametrize("url", [
    f"/tickets/{HUGE}", f"/directory/{HUGE}", f"/training/seminars/{HUGE}", f"/rollout/schools/{HUGE}",
    f"/rollout/municipalities/{HUGE}", f"/rollout/reports/{HUGE}/2010/4", f"/journal/diary/{HUGE}",
])
def test_ids_beyond_the_id_columns_are_not_found(client, auth, url):
    auth.login("admin")
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", ["/kb/search?q=%00", "/tickets/?q=a%00b", "/rollout/overdue?milestone=%00",
                                 "/directory/?q=%00"])
def test_a_nul_character_in_the_query_is_a_400(client, auth, url):
    auth.login("admin")
    response = client.get(url)
    assert response.status_code == 400
    assert "NUL" in response.get_data(as_text=True)


def test_a_nul_character_in_a_form_is_a_400_and_nothing_is_stored(client, auth, db):
    from tickets.models import Ticket

    services.ensure_queues()
    auth.login("teacher")
    response = auth.post("/tickets/new", {"queue": "technical", "subject": "Тема\x00", "body": "Текст"})
    assert response.status_code == 400
    assert db.session.query(Ticket).count() == 0


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
