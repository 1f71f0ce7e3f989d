"""Agent tools through the web: the panel on the ticket page, its forms, refusals with 4xx,
two agents editing at once, canned replies and queue settings pages."""

import re

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from tests.fixtures.auth import AuthActions
from tests.fixtures.factories import PASSWORD
from tickets import constants as c
from tickets import queue_tools, services
from tickets.models import CannedReply, Ticket, TicketLink

VERSION = re.compile(r'data-ticket-version="(\d+)"')


@pytest.fixture(autouse=True)
def setup(app, client):
    """Seeded queues; pages in English, so assertions read msgids whatever catalogs exist."""
    services.ensure_queues()
    client.set_cookie("opora_lang", "en")


@pytest.fixture
def school(make):
    return make.school(name="МБОУ СОШ № 3")


@pytest.fixture
def teacher(make, school):
    return make.user("teacher", organization=school)


@pytest.fixture
def ticket(teacher):
    return services.open_ticket(teacher, c.TECHNICAL, "Не сохраняются оценки", "После сохранения пусто")


def text(response):
    """The response body as text."""
    return response.get_data(as_text=True)


def seen_version(client, ticket):
    """The version the agent panel on the ticket page carries."""
    response = client.get(f"/tickets/{ticket.id}")
    assert response.status_code == 200
    match = VERSION.search(text(response))
    assert match, "the agent panel is not on the ticket page"
    return match.group(1)


def fresh(db, ticket):
    """The ticket as stored now."""
    db.session.expire_all()
    return db.session.get(Ticket, ticket.id)


def test_panel_shows_for_agents_only_with_canned_replies_copyable_without_javascript(auth, client, make,
                                                                                   school, ticket):
    operator = auth.login("operator")
    queue_tools.create_canned_reply(operator, c.TECHNICAL, "Очистите кэш", "Нажмите Ctrl+F5 и войдите снова.")
    body = text(client.get(f"/tickets/{ticket.id}"))
    assert 'id="agent-panel"' in body and f"/tickets/{ticket.id}/take" in body
    assert "Нажмите Ctrl+F5 и войдите снова." in body and 'data-canned-target="reply-body"' in body
    assert "/static/js/tickets.js" in body
    assert "/tickets/queues/technical/canned-replies" in body and "/tickets/queues/technical/settings" in body
    auth.logout()
    auth.login("teacher", organization=school)
    body = text(client.get(f"/tickets/{ticket.id}"))
    assert "Не сохраняются оценки" in body and 'id="agent-panel"' not in body


def test_operator_works_a_ticket_from_the_panel(auth, client, db, make, school, ticket):
    operator = auth.login("operator")
    watcher = make.user("school", organization=school)
    other = services.open_ticket(ticket.requester, c.TECHNICAL, "Второй вопрос", "Текст")
    steps = [("take", {}), ("priority", {"priority": "high"}), ("watchers", {"email": watcher.email}),
             ("links", {"reference": other.reference})]
    for action, data in steps:
        data["version"] = seen_version(client, ticket)
        response = auth.post(f"/tickets/{ticket.id}/{action}", data)
        assert response.status_code == 302 and response.headers["Location"].endswith(f"/tickets/{ticket.id}")
    stored = fresh(db, ticket)
    assert stored.assignee_id == operator.id and stored.priority == c.HIGH
    assert [u.id for u in stored.watchers] == [watcher.id]
    assert db.session.scalar(select(TicketLink.related_id)) == other.id
    response = auth.post(f"/tickets/{other.id}/merge",
                         {"reference": ticket.reference, "version": seen_version(client, other)})
    assert response.status_code == 302
    merged = fresh(db, other)
    assert merged.merged_into_id == ticket.id and merged.status == c.CLOSED
    assert ticket.reference in text(client.get(f"/tickets/{other.id}"))


def test_transfer_leaves_for_the_list_when_the_agent_no_longer_sees_the_ticket(auth, client, db, ticket):
    auth.login("operator")
    version = seen_version(client, ticket)
    response = auth.post(f"/tickets/{ticket.id}/transfer",
                         {"queue_key": c.METHODOLOGICAL, "reason": "Методический вопрос", "version": version})
    assert response.status_code == 302 and response.headers["Location"].endswith("/tickets/")
    assert fresh(db, ticket).reference == "М-000001"
    assert "М-000001" in text(client.get("/tickets/"))  # the flash message names the new number
    assert client.get(f"/tickets/{ticket.id}").status_code == 404


def test_refusals_are_4xx_and_keep_what_was_typed(auth, client, db, ticket):
    auth.login("operator")
    version = seen_version(client, ticket)
    response = auth.post(f"/tickets/{ticket.id}/links", {"reference": "Т-424242", "version": version})
    assert response.status_code == 422
    assert "There is no ticket Т-424242 that you can open." in text(response)
    assert 'value="Т-424242"' in text(response)
    response = auth.post(f"/tickets/{ticket.id}/transfer",
                         {"queue_key": c.METHODOLOGICAL, "reason": "", "version": version})
    assert response.status_code == 400 and "This field is required." in text(response)
    response = auth.post(f"/tickets/{ticket.id}/assign", {"assignee_id": "abc", "version": version})
    assert response.status_code == 400 and "Choose a value from the list." in text(response)
    response = auth.post(f"/tickets/{ticket.id}/priority", {"priority": "high"})  # no version
    assert response.status_code == 400 and "Reload the ticket page" in text(response)
    assert fresh(db, ticket).priority == c.NORMAL and fresh(db, ticket).version == int(version)


def test_two_agents_at_once_the_second_gets_a_conflict(app, auth, client, db, make, ticket):
    agent_a = auth.login("operator")
    client_b = app.test_client()
    client_b.set_cookie("opora_lang", "en")
    auth_b = AuthActions(client_b, make)
    auth_b.login(make.user("operator"), PASSWORD)
    seen_by_a, seen_by_b = seen_version(client, ticket), seen_version(client_b, ticket)
    assert seen_by_a == seen_by_b

    assert auth.post(f"/tickets/{ticket.id}/take", {"version": seen_by_a}).status_code == 302
    response = auth_b.post(f"/tickets/{ticket.id}/transfer", {
        "queue_key": c.METHODOLOGICAL, "reason": "Мой длинный текст причины", "version": seen_by_b,
    })
    assert response.status_code == 409
    assert "Someone else changed this ticket" in text(response)
    assert "Мой длинный текст причины" in text(response)  # shown to copy after reloading
    response = auth_b.post(f"/tickets/{ticket.id}/priority", {"priority": "urgent", "version": seen_by_b})
    assert response.status_code == 409
    stored = fresh(db, ticket)
    assert stored.assignee_id == agent_a.id and stored.priority == c.NORMAL and stored.reference == "Т-000001"


@pytest.mark.parametrize("path", ["take", "assign", "priority", "category", "watchers", "watchers/1/remove",
                                  "transfer", "merge", "links", "links/1/remove"])
def test_teachers_and_other_queues_cannot_use_ticket_tools(auth, client, db, make, school, ticket, path):
    data = {"version": str(ticket.version), "priority": "high", "email": "x@y.z", "reference": "1",
            "queue_key": c.METHODOLOGICAL, "reason": "x", "assignee_id": "0", "category_id": "0"}
    auth.login("teacher", organization=school)  # sees the ticket of their school, may not work it
    assert auth.post(f"/tickets/{ticket.id}/{path}", data).status_code == 403
    auth.logout()
    auth.login("methodologist")  # does not even see a technical ticket
    assert auth.post(f"/tickets/{ticket.id}/{path}", data).status_code == 404
    assert fresh(db, ticket).version == ticket.version


def test_agent_pages_need_sign_in(client):
    for url in ("/tickets/queues/technical/canned-replies", "/tickets/queues/technical/settings"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_canned_replies_pages(auth, client, db, make):
    auth.login("operator")
    response = auth.post("/tickets/queues/technical/canned-replies/new", {"title": "", "body": "Текст"})
    assert response.status_code == 400 and "This field is required." in text(response)
    response = auth.post("/tickets/queues/technical/canned-replies/new",
                         {"title": "Сброс пароля", "body": "Откройте ссылку «Забыли пароль?»"})
    assert response.status_code == 302
    reply = db.session.scalar(select(CannedReply))
    body = text(client.get("/tickets/queues/technical/canned-replies"))
    assert "Сброс пароля" in body and "Откройте ссылку «Забыли пароль?»" in body
    response = auth.post(f"/tickets/canned-replies/{reply.id}/edit",
                         {"title": "Пароль", "body": "Новый текст"})
    assert response.status_code == 302
    db.session.expire_all()
    assert (reply.title, reply.body) == ("Пароль", "Новый текст")
    assert auth.post(f"/tickets/canned-replies/{reply.id}/delete").status_code == 302
    assert db.session.scalar(select(func.count(CannedReply.id))) == 0


def test_canned_replies_paginate(auth, client):
    operator = auth.login("operator")
    for number in range(30):
        queue_tools.create_canned_reply(operator, c.TECHNICAL, f"Ответ {number:02d}", "Текст")
    first, second = (text(client.get(f"/tickets/queues/technical/canned-replies?page={n}")) for n in (1, 2))
    assert "Ответ 00" in first and "Ответ 29" not in first
    assert "Ответ 29" in second and "Ответ 00" not in second


def test_canned_replies_of_another_queue_are_refused(auth, client, make):
    operator = make.user("operator")
    reply = queue_tools.create_canned_reply(operator, c.TECHNICAL, "Ответ", "Текст")
    auth.login("methodologist")
    assert client.get("/tickets/queues/technical/canned-replies").status_code == 403
    assert client.get("/tickets/queues/technical/canned-replies/new").status_code == 403
    assert client.get(f"/tickets/canned-replies/{reply.id}/edit").status_code == 404
    assert auth.post(f"/tickets/canned-replies/{reply.id}/delete").status_code == 404
    assert client.get("/tickets/queues/methodological/canned-replies").status_code == 200
    assert client.get("/tickets/queues/nonexistent/canned-replies").status_code == 404


def test_admin_changes_queue_settings(auth, client, db, make):
    lead = make.user("operator")
    auth.login("admin")
    page = text(client.get("/tickets/queues/technical/settings"))
    assert 'name="first_urgent"' in page and lead.email in page
    form = {f"first_{p}": str(first) for p, (first, _r) in c.DEFAULT_SLA_HOURS.items()}
    form.update({f"resolution_{p}": str(resolution) for p, (_f, resolution) in c.DEFAULT_SLA_HOURS.items()})
    form.update({"first_urgent": "2", "is_auto_assign": "y", "inbound_address": "help@rcoi68.ru",
                 "lead_id": str(lead.id)})
    assert auth.post("/tickets/queues/technical/settings", form).status_code == 302
    queue = services.queue_by_key(c.TECHNICAL)
    db.session.refresh(queue)
    assert queue.is_auto_assign and queue.inbound_address == "help@rcoi68.ru" and queue.lead_id == lead.id
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.target_id == queue.id)) == (
        "tickets.queue_settings_updated")
    response = auth.post("/tickets/queues/technical/settings", dict(form, first_low="0"))
    assert response.status_code == 400 and "Enter a whole number of hours from 1 to 8760." in text(response)
    response = auth.post("/tickets/queues/technical/settings", dict(form, resolution_high="1"))
    assert response.status_code == 400 and "cannot come before the first response deadline" in text(response)
    db.session.refresh(queue)
    assert {p.priority: p.resolution_hours for p in queue.sla_policies}[c.HIGH] == 16


def test_agents_see_queue_settings_read_only(auth, client, make):
    auth.login("operator")
    page = text(client.get("/tickets/queues/technical/settings"))
    assert "Only the regional administrator changes these settings." in page
    assert 'name="first_urgent"' not in page
    assert auth.post("/tickets/queues/technical/settings", {"first_low": "1"}).status_code == 403
    assert client.get("/tickets/queues/methodological/settings").status_code == 403
    auth.logout()
    auth.login("teacher")
    assert client.get("/tickets/queues/technical/settings").status_code == 403
    assert client.get("/tickets/queues/technical/canned-replies").status_code == 403


@pytest.mark.e2e
def test_canned_reply_is_inserted_into_the_reply_box(live_server, page, make, ticket, artifacts_dir):
    operator = make.user("operator")
    queue_tools.create_canned_reply(operator, c.TECHNICAL, "Очистите кэш", "Нажмите Ctrl+F5.")
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", operator.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/")
    page.goto(f"{live_server}/tickets/{ticket.id}")
    reply_box = page.locator("[data-testid=reply-form] textarea[name=body]")
    reply_box.fill("Здравствуйте!")
    page.select_option("#agent-canned-reply", label="Очистите кэш")
    assert reply_box.input_value() == "Здравствуйте!\nНажмите Ctrl+F5."
    page.screenshot(path=str(artifacts_dir / "ticket-agent-panel.png"), full_page=True)



def wtforms_panel_fields(operator, ticket):
    """(label, field) of each panel field as the posted WTForms classes render them for this ticket."""
    from tickets import agent_forms as forms
    from tickets import agent_views, operations

    data, bare = operations.agent_panel(operator, ticket), {"formdata": None, "meta": {"csrf": False}}
    assign = forms.AssignForm(**bare, assignee_id=ticket.assignee_id or 0)
    category = forms.CategoryForm(**bare, category_id=ticket.category_id or 0)
    transfer = forms.TransferForm(**bare)
    for form in (assign, category, transfer):
        agent_views._set_choices(form, data)
    priority = forms.PriorityForm(**bare, priority=ticket.priority)
    watcher, reference = forms.WatcherForm(**bare), forms.ReferenceForm(**bare)
    selects = ((assign.assignee_id, "agent-assignee-id"), (priority.priority, "agent-priority"),
               (category.category_id, "agent-category"))
    inputs = ((watcher.email, "agent-watcher-email", {"type": "email"}),
              (reference.reference, "agent-link-reference", {"placeholder": "Т-000123"}),
              (reference.reference, "agent-merge-reference", {"placeholder": "Т-000123"}))
    fields = [(f, id_, {"class_": "form-select form-select-sm"}) for f, id_ in selects]
    fields += [(f, id_, {"class_": "form-control", **extra}) for f, id_, extra in inputs]
    fields += [(transfer.queue_key, "agent-transfer-queue", {"class_": "form-select form-select-sm mb-2"}),
               (transfer.reason, "agent-transfer-reason",
                {"class_": "form-control form-control-sm mb-2", "rows": 3, "required": True})]
    return [(str(f.label(class_="form-label small mb-1", for_=id_)), str(f(id=id_, **kw)))
            for f, id_, kw in fields]


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_panel_writes_its_fields_as_the_posted_forms_render_them(app, auth, client, db, ticket, lang):
    """The panel's fields are written out in the template: they must read as the WTForms classes that
    check the posts render them (names, limits, labels, choices and the selected values)."""
    from flask_babel import force_locale

    operator = auth.login("operator")
    client.set_cookie("opora_lang", lang)
    ticket.assignee, ticket.category = operator, ticket.queue.categories[2]
    db.session.commit()
    body = text(client.get(f"/tickets/{ticket.id}"))
    with app.test_request_context(), force_locale(lang):
        expected = wtforms_panel_fields(operator, ticket)
    for label, field in expected:
        assert label in body and field in body, (label, field)
    assert f'selected value="{operator.id}"' in body and f'selected value="{ticket.category_id}"' in body
