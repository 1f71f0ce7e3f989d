"""Hotline pages: filing with files, scope (404), downloads, safe Markdown, replies, status, rating."""

import re
from io import BytesIO

import pytest
from sqlalchemy import func, select

from app.uploads import UploadedFile
from tickets import constants as c
from tickets import services
from tickets.models import Attachment, Ticket, TicketMessage

pytestmark = pytest.mark.usefixtures("queues")

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


@pytest.fixture
def school(make):
    return make.school(name="МБОУ «Бондарская СОШ № 1»")


def text(response):
    return response.get_data(as_text=True)


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def new_ticket_form(**fields):
    data = {"queue": "technical", "category_id": "0", "priority": "normal",
            "subject": "Не открывается журнал", "body": "Пишет «ошибка 500»."}
    data.update(fields)
    return data


def test_anonymous_is_sent_to_sign_in(client):
    for url in ("/tickets/", "/tickets/new", "/tickets/1", "/tickets/1/attachments/1"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_school_coordinator_files_a_ticket_with_an_attachment(auth, client, db, school, queues):
    user = auth.login("school", organization=school)
    page = client.get("/tickets/new")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in text(page)
    category = queues[c.TECHNICAL].categories[1]
    response = auth.post("/tickets/new", new_ticket_form(
        category_id=str(category.id), priority="high",
        files=[(BytesIO(PDF), "Скриншот ошибки.pdf"), (BytesIO(b"log line\n"), "журнал.log")],
    ), content_type="multipart/form-data")
    ticket = db.session.scalar(select(Ticket))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/tickets/{ticket.id}")
    assert (ticket.reference, ticket.requester_id, ticket.category_id, ticket.priority) == (
        "Т-000001", user.id, category.id, "high")
    assert sorted(a.filename for a in ticket.attachments) == ["Скриншот ошибки.pdf", "журнал.log"]
    shown = text(client.get(f"/tickets/{ticket.id}"))
    assert "Т-000001" in shown and "Скриншот ошибки.pdf" in shown and school.name in shown
    assert "Не открывается журнал" in text(client.get("/tickets/"))


@pytest.mark.parametrize("filename, content", [
    ("скриншот.txt", PNG),
    ("page.html", b"<html><script>alert(1)</script></html>"),
    ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
])
def test_dangerous_or_disguised_files_are_refused_and_nothing_is_stored(auth, client, db, school,
                                                                          filename, content):
    auth.login("school", organization=school)
    response = auth.post("/tickets/new", new_ticket_form(files=[(BytesIO(PDF), "ok.pdf"),
                                                                (BytesIO(content), filename)]),
                         content_type="multipart/form-data")
    body = text(response)
    assert response.status_code == 400
    assert filename in body and 'data-testid="files-error"' in body
    assert 'value="Не открывается журнал"' in body  # what the user typed is kept
    assert count(db, Ticket) == 0 and count(db, Attachment) == 0


def test_missing_subject_and_foreign_category_re_render_with_400(auth, db, school, queues):
    auth.login("school", organization=school)
    assert auth.post("/tickets/new", new_ticket_form(subject="  ")).status_code == 400
    method_category = queues[c.METHODOLOGICAL].categories[0]
    response = auth.post("/tickets/new", new_ticket_form(category_id=str(method_category.id)))
    assert response.status_code == 400 and "invalid-feedback" in text(response)
    assert auth.post("/tickets/new", new_ticket_form(priority="urgent")).status_code == 400
    assert count(db, Ticket) == 0


def test_upload_over_the_request_limit_gets_the_413_page(app, auth, db, school):
    auth.login("school", organization=school)
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    response = auth.post("/tickets/new", new_ticket_form(files=[(BytesIO(b"a" * 20_000), "big.txt")]),
                         content_type="multipart/form-data")
    assert response.status_code == 413 and count(db, Ticket) == 0


@pytest.fixture
def filed(make, school):
    """A ticket of the school with a PDF, and an operator's internal note with a file."""
    requester = make.user("school", organization=school)
    ticket = services.open_ticket(requester, "technical", "Ошибка входа", "Описание",
                                  files=[UploadedFile("акт.pdf", PDF)])
    operator = make.user("operator")
    services.add_message(operator, ticket, "Заметка для своих", is_internal=True,
                         files=[UploadedFile("внутренний.txt", b"internal")])
    return {"ticket": ticket, "requester": requester, "operator": operator,
            "public": ticket.attachments[0], "internal": ticket.attachments[1]}


def test_other_school_gets_404_for_the_ticket_and_its_attachment(auth, client, make, filed):
    auth.login("school", organization=make.school())
    ticket = filed["ticket"]
    assert client.get(f"/tickets/{ticket.id}").status_code == 404
    assert client.get(f"/tickets/{ticket.id}/attachments/{filed['public'].id}").status_code == 404
    assert auth.post(f"/tickets/{ticket.id}/reply", {"body": "x", "version": "1"}).status_code == 404
    assert "Ошибка входа" not in text(client.get("/tickets/"))


def test_download_is_always_an_attachment(auth, client, filed):
    auth.login(filed["requester"])
    ticket, public = filed["ticket"], filed["public"]
    response = client.get(f"/tickets/{ticket.id}/attachments/{public.id}")
    assert response.status_code == 200 and response.data == PDF
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''%D0%B0%D0%BA%D1%82.pdf" in response.headers["Content-Disposition"]
    assert response.mimetype == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_internal_note_and_its_file_are_hidden_from_the_requester(auth, client, filed):
    auth.login(filed["requester"])
    ticket = filed["ticket"]
    page = text(client.get(f"/tickets/{ticket.id}"))
    assert "Заметка для своих" not in page and "внутренний.txt" not in page and "is_internal" not in page
    assert client.get(f"/tickets/{ticket.id}/attachments/{filed['internal'].id}").status_code == 404


def test_agent_sees_internal_note_and_downloads_its_file(auth, client, filed):
    auth.login(filed["operator"])
    ticket = filed["ticket"]
    page = text(client.get(f"/tickets/{ticket.id}"))
    assert "Заметка для своих" in page and 'data-testid="internal-note"' in page and "is_internal" in page
    assert client.get(f"/tickets/{ticket.id}/attachments/{filed['internal'].id}").data == b"internal"


def test_attachment_of_another_ticket_is_404(auth, client, filed):
    auth.login(filed["requester"])
    other = services.open_ticket(filed["requester"], "technical", "Вторая", "Текст")
    assert client.get(f"/tickets/{other.id}/attachments/{filed['public'].id}").status_code == 404
    assert client.get(f"/tickets/{other.id}/attachments/999999").status_code == 404


def test_hostile_markdown_renders_inert(auth, client, make, school):
    user = auth.login("school", organization=school)
    hostile = ("**жирный** <script>alert('x')</script> <img src=x onerror=alert(1)>\n\n"
               "[нажми](javascript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=) "
               '<a href="https://example.org" onclick="steal()">ссылка</a>')
    ticket = services.open_ticket(user, "technical", "Markdown", hostile)
    services.add_message(user, ticket, "<iframe src=https://evil.test></iframe> *курсив*")
    body = text(client.get(f"/tickets/{ticket.id}"))
    assert "<strong>жирный</strong>" in body and "<em>курсив</em>" in body
    assert "alert(" not in body and "onerror" not in body and "onclick" not in body
    assert "javascript:" not in body and "data:text/html" not in body and "<iframe" not in body
    assert re.search(r'<a href="https://example.org" rel="noopener noreferrer nofollow">', body)


def reply_form(client, ticket_id):
    return re.search(r'id="reply-version"[^>]*value="(\d+)"|value="(\d+)"[^>]*id="reply-version"',
                     text(client.get(f"/tickets/{ticket_id}")))


def test_reply_on_an_outdated_page_is_409_and_keeps_the_text(auth, client, db, filed):
    auth.login(filed["requester"])
    ticket = filed["ticket"]
    stale = ticket.version
    services.add_message(filed["operator"], ticket, "Ответ оператора")
    response = auth.post(f"/tickets/{ticket.id}/reply", {"body": "Мой длинный ответ", "version": str(stale)})
    body = text(response)
    assert response.status_code == 409
    assert "Мой длинный ответ" in body and 'data-testid="ticket-alert"' in body
    db.session.expire_all()
    assert f'value="{db.session.get(Ticket, ticket.id).version}"' in body
    assert db.session.scalar(select(func.count()).select_from(TicketMessage)
                             .where(TicketMessage.body == "Мой длинный ответ")) == 0


def test_reply_with_current_version_is_added(auth, client, db, filed):
    auth.login(filed["requester"])
    ticket = filed["ticket"]
    response = auth.post(f"/tickets/{ticket.id}/reply", {
        "body": "Спасибо, вот скриншот", "version": str(ticket.version),
        "files": [(BytesIO(PNG), "screen.png")]}, content_type="multipart/form-data")
    assert response.status_code == 302
    message = db.session.scalar(select(TicketMessage).where(TicketMessage.body == "Спасибо, вот скриншот"))
    assert message.is_internal is False and [a.filename for a in message.attachments] == ["screen.png"]
    assert auth.post(f"/tickets/{ticket.id}/reply", {"body": " ", "version": "1"}).status_code == 400


def test_requester_cannot_post_an_internal_note(auth, db, filed):
    auth.login(filed["requester"])
    ticket = filed["ticket"]
    response = auth.post(f"/tickets/{ticket.id}/reply",
                         {"body": "Тайно", "is_internal": "y", "version": str(ticket.version)})
    assert response.status_code == 403
    assert db.session.scalar(select(TicketMessage).where(TicketMessage.body == "Тайно")) is None


def test_agent_changes_status_with_allowed_transitions(auth, client, db, filed):
    auth.login(filed["operator"])
    ticket = filed["ticket"]
    page = text(client.get(f"/tickets/{ticket.id}"))
    assert 'data-testid="status-form"' in page and 'value="in_progress"' in page
    response = auth.post(f"/tickets/{ticket.id}/status",
                         {"status": "resolved", "note": "Сбросили пароль", "version": str(ticket.version)})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).status == c.RESOLVED
    refused = auth.post(f"/tickets/{ticket.id}/status",
                        {"status": "waiting", "version": str(db.session.get(Ticket, ticket.id).version)})
    assert refused.status_code == 400
    stale = auth.post(f"/tickets/{ticket.id}/status", {"status": "closed", "version": "1"})
    assert stale.status_code == 409
    assert db.session.get(Ticket, ticket.id).status == c.RESOLVED


def test_requester_has_no_status_form_and_cannot_change_status(auth, client, filed):
    auth.login(filed["requester"])
    ticket = filed["ticket"]
    assert 'data-testid="status-form"' not in text(client.get(f"/tickets/{ticket.id}"))
    assert auth.post(f"/tickets/{ticket.id}/status",
                     {"status": "closed", "version": str(ticket.version)}).status_code == 403


def test_requester_rates_a_resolved_ticket(auth, client, db, filed):
    ticket = filed["ticket"]
    services.change_status(filed["operator"], ticket, c.RESOLVED)
    auth.login(filed["requester"])
    assert 'data-testid="rating-form"' in text(client.get(f"/tickets/{ticket.id}"))
    assert auth.post(f"/tickets/{ticket.id}/rating", {"rating": "9"}).status_code == 400
    rated = auth.post(f"/tickets/{ticket.id}/rating", {"rating": "5", "comment": "Спасибо!"})
    assert rated.status_code == 302
    db.session.expire_all()
    rated = db.session.get(Ticket, ticket.id)
    assert (rated.rating, rated.rating_comment) == (5, "Спасибо!")
    assert 'data-testid="rating">5 / 5' in text(client.get(f"/tickets/{ticket.id}"))


def test_list_ignores_bad_filters_and_shows_sla_to_agents(auth, client, filed):
    auth.login(filed["operator"])
    response = client.get("/tickets/?status=nonsense&category=abc&page=x&overdue=maybe")
    body = text(response)
    assert response.status_code == 200 and 'data-testid="ignored-filters"' in body
    assert "Т-000001" in body and 'data-testid="sla"' in body


def test_list_hides_sla_from_requesters(auth, client, filed):
    auth.login(filed["requester"])
    body = text(client.get("/tickets/"))
    assert "Т-000001" in body and 'data-testid="sla"' not in body


def test_history_shows_translated_changes_moscow_times_and_notes_to_agents_only(auth, client, db, filed):
    ticket, operator = filed["ticket"], filed["operator"]
    services.change_status(operator, ticket, c.WAITING, note="Ждём скриншот от школы")
    services.record_change(ticket, operator, "resolution_due_at", "2026-11-28 21:30", "2026-11-30 09:00")
    db.session.commit()
    client.set_cookie("opora_lang", "en")
    auth.login(filed["requester"])
    page = text(client.get(f"/tickets/{ticket.id}"))
    history = page.split('data-testid="history"')[1].replace("\u202f", " ")  # babel's narrow space
    assert "Waiting for the requester" in history and "waiting" not in history.replace("Waiting", "")
    assert "11/29/26, 12:30 AM" in history and "11/30/26, 12:00 PM" in history  # UTC shown in Moscow time
    assert "Ждём скриншот" not in history
    auth.logout()
    auth.login(operator)
    assert "Ждём скриншот от школы" in text(client.get(f"/tickets/{ticket.id}"))
