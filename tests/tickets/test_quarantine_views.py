"""Quarantine review: agents list, read, download, turn into a ticket or discard mail that was held back."""

from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.extensions import db as _db
from tickets import constants as c
from tickets import mail_in
from tickets.models import QuarantinedMail, Ticket

EML = Path(__file__).resolve().parents[1] / "mail" / "eml"


def eml(name):
    return (EML / name).read_bytes()


@pytest.fixture
def held(queues):
    """A letter from an unknown sender, quarantined."""
    return _db.session.get(QuarantinedMail, mail_in.ingest(eml("unknown-sender.eml")).quarantine_id)


@pytest.fixture
def operator(auth, queues):
    return auth.login("operator")


def test_only_agents_may_review(client, auth, held):
    assert client.get("/tickets/quarantine/").status_code == 302  # to the sign-in page
    auth.login("school")
    assert client.get("/tickets/quarantine/").status_code == 403
    assert client.get(f"/tickets/quarantine/{held.id}").status_code == 403
    assert client.get(f"/tickets/quarantine/{held.id}/original.eml").status_code == 403


def test_list_shows_new_mail_newest_first_and_filters_by_status(client, operator, held):
    mail_in.ingest(eml("garbage.eml"))
    page = client.get("/tickets/quarantine/").get_data(as_text=True)
    assert "vasya1987@example.org" in page and "Программа для журнала" in page
    assert page.count('data-testid="quarantine-row"') == 2
    rows = page.split('data-testid="quarantine-row"')[1:]
    assert "vasya1987@example.org" in rows[1]  # the garbage arrived later, so it is listed first
    accepted = client.get("/tickets/quarantine/?status=accepted").get_data(as_text=True)
    assert "vasya1987@example.org" not in accepted


def test_list_paginates(client, operator, app, queues):
    for number in range(app.config["PAGE_SIZE"] + 1):
        raw = eml("unknown-sender.eml").replace(b"vasya1987@", f"sender{number}@".encode())
        mail_in.ingest(raw)
    first = client.get("/tickets/quarantine/").get_data(as_text=True)
    second = client.get("/tickets/quarantine/?page=2").get_data(as_text=True)
    assert first.count('data-testid="quarantine-row"') == app.config["PAGE_SIZE"]
    assert second.count('data-testid="quarantine-row"') == 1 and "sender0@example.org" in second


def test_detail_shows_the_decoded_message_escaped(client, operator, queues):
    raw = eml("unknown-sender.eml").replace(
        "Подскажите".encode(), "<script>alert(1)</script> Подскажите".encode()
    )
    row_id = mail_in.ingest(raw).quarantine_id
    response = client.get(f"/tickets/quarantine/{row_id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Василий" in page and "vasya1987@example.org" in page and "Программа для журнала" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Подскажите, где скачать программу" in page
    assert "<script>alert(1)" not in page


def test_detail_lists_attachment_names(client, operator, queues):
    raw = eml("attachments-rfc2231.eml").replace(b"ivanova@school.test", b"nobody@example.org")
    row_id = mail_in.ingest(raw).quarantine_id
    page = client.get(f"/tickets/quarantine/{row_id}").get_data(as_text=True)
    for name in ("Скрин.png", "Акт активации.pdf", "setup.exe"):
        assert name in page


def test_unparseable_mail_can_be_opened_and_downloaded(client, operator, queues):
    row_id = mail_in.ingest(eml("garbage.eml")).quarantine_id
    assert client.get(f"/tickets/quarantine/{row_id}").status_code == 200
    assert client.get(f"/tickets/quarantine/{row_id}/original.eml").data == eml("garbage.eml")


def test_original_is_downloaded_byte_for_byte(client, operator, held):
    response = client.get(f"/tickets/quarantine/{held.id}/original.eml")
    assert response.status_code == 200 and response.mimetype == "message/rfc822"
    assert response.headers["Content-Disposition"] == f'attachment; filename="quarantine-{held.id}.eml"'
    assert response.data == eml("unknown-sender.eml")


def test_missing_message_is_404(client, operator):
    assert client.get("/tickets/quarantine/999999").status_code == 404


def test_create_ticket_for_an_existing_user(client, auth, make, operator, held):
    requester = make.user("school", email="vasily@school.test")
    response = auth.post(f"/tickets/quarantine/{held.id}/ticket",
                         {"email": "Vasily@School.test", "queue": c.METHODOLOGICAL})
    assert response.status_code == 302
    ticket = _db.session.scalar(select(Ticket))
    assert response.headers["Location"].endswith(f"/tickets/{ticket.id}")
    assert ticket.requester_id == requester.id and ticket.queue.key == c.METHODOLOGICAL
    assert ticket.subject == "Программа для журнала" and ticket.source == c.EMAIL
    assert ticket.body == "Здравствуйте! Подскажите, где скачать программу для электронного журнала?"
    _db.session.refresh(held)
    assert (held.status, held.ticket_id, held.reviewed_by_id) == ("accepted", ticket.id, operator.id)
    event = _db.session.scalar(select(AuditEvent).where(AuditEvent.action == "tickets.mail_accepted"))
    assert event.actor_id == operator.id and event.target_id == held.id
    assert event.details["ticket"] == ticket.reference


def test_create_ticket_for_an_unknown_user_is_refused_and_changes_nothing(client, auth, operator, held):
    response = auth.post(f"/tickets/quarantine/{held.id}/ticket",
                         {"email": "nobody@school.test", "queue": c.TECHNICAL})
    assert response.status_code == 400
    assert 'value="nobody@school.test"' in response.get_data(as_text=True)
    _db.session.refresh(held)
    assert held.status == "new" and _db.session.scalar(select(func.count()).select_from(Ticket)) == 0


def test_create_ticket_with_a_bad_queue_is_refused(client, auth, make, operator, held):
    make.user("school", email="vasily@school.test")
    response = auth.post(f"/tickets/quarantine/{held.id}/ticket",
                         {"email": "vasily@school.test", "queue": "nonsense"})
    assert response.status_code == 400
    assert _db.session.scalar(select(func.count()).select_from(Ticket)) == 0


def test_a_message_becomes_a_ticket_only_once(client, auth, make, operator, held):
    make.user("school", email="vasily@school.test")
    form = {"email": "vasily@school.test", "queue": c.TECHNICAL}
    auth.post(f"/tickets/quarantine/{held.id}/ticket", form)
    again = auth.post(f"/tickets/quarantine/{held.id}/ticket", form)
    assert again.status_code == 302 and again.headers["Location"].endswith(f"/tickets/quarantine/{held.id}")
    assert _db.session.scalar(select(func.count()).select_from(Ticket)) == 1


def test_attachments_of_an_accepted_message_go_into_the_ticket(client, auth, make, operator, queues):
    raw = eml("attachments-rfc2231.eml").replace(b"ivanova@school.test", b"nobody@example.org")
    row_id = mail_in.ingest(raw).quarantine_id
    make.user("school", email="ivanova@school.test")
    auth.post(f"/tickets/quarantine/{row_id}/ticket", {"email": "ivanova@school.test", "queue": c.TECHNICAL})
    ticket = _db.session.scalar(select(Ticket))
    assert [a.filename for a in ticket.attachments] == ["Скрин.png", "Акт активации.pdf"]
    assert any("setup.exe" in m.body for m in ticket.messages if m.is_internal)


def test_discard(client, auth, operator, held):
    response = auth.post(f"/tickets/quarantine/{held.id}/discard")
    assert response.status_code == 302
    _db.session.refresh(held)
    assert held.status == "discarded" and held.reviewed_by_id == operator.id
    assert _db.session.scalar(select(AuditEvent).where(AuditEvent.action == "tickets.mail_discarded"))
    new_only = client.get("/tickets/quarantine/").get_data(as_text=True)
    assert "vasya1987@example.org" not in new_only
    discarded = client.get("/tickets/quarantine/?status=discarded").get_data(as_text=True)
    assert "vasya1987@example.org" in discarded
    again = auth.post(f"/tickets/quarantine/{held.id}/discard")
    assert again.headers["Location"].endswith(f"/tickets/quarantine/{held.id}")


def test_forms_need_the_csrf_token(client, operator, held):
    assert client.post(f"/tickets/quarantine/{held.id}/discard").status_code == 400
    _db.session.refresh(held)
    assert held.status == "new"
