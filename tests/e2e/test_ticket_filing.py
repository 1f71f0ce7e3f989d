"""A school coordinator files a ticket with an attachment and finds it in their list, in a real Chromium."""

import re

import pytest

from tests.fixtures.browser import sign_in
from tickets import constants as c
from tickets import services
from tickets.models import Ticket

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_school_coordinator_files_a_ticket_with_an_attachment(live_server, page, make, db, artifacts_dir):
    queues = services.ensure_queues()
    school = make.school(name="МБОУ «Бондарская СОШ № 1»")
    user = make.user("school", organization=school, last_name="Кузнецова")
    sign_in(page, live_server, user)

    page.goto(f"{live_server}/tickets/")
    page.get_by_test_id("new-ticket").click()
    page.wait_for_url(f"{live_server}/tickets/new")
    page.get_by_test_id("queue-methodological").check()
    method_category = queues[c.METHODOLOGICAL].categories[0]
    tech_category = queues[c.TECHNICAL].categories[1]
    # The script offers only the chosen hotline's categories.
    assert page.locator(f"#category_id option[value='{tech_category.id}']").is_hidden()
    page.get_by_test_id("queue-technical").check()
    page.locator("#category_id").select_option(str(tech_category.id))
    assert page.locator(f"#category_id option[value='{method_category.id}']").is_hidden()
    page.locator("#subject").fill("Учитель не может войти в журнал")
    page.locator("#body").fill("После смены пароля пишет **«неверный пароль»**.")
    page.locator("#files").set_input_files(files=[
        {"name": "ошибка.pdf", "mimeType": "application/pdf", "buffer": PDF},
        {"name": "шаги.txt", "mimeType": "text/plain", "buffer": "1. Вход\n2. Ошибка\n".encode()},
    ])
    page.get_by_test_id("submit-ticket").click()

    page.wait_for_url(re.compile(r".*/tickets/\d+$"))
    assert page.get_by_test_id("reference").inner_text() == "Т-000001"
    assert page.get_by_test_id("attachment").all_inner_texts() == ["ошибка.pdf", "шаги.txt"]
    assert page.locator("[data-testid=ticket-body] .card-body strong").inner_text() == "«неверный пароль»"
    page.screenshot(path=str(artifacts_dir / "ticket-filed.png"), full_page=True)

    page.goto(f"{live_server}/tickets/")
    row = page.get_by_test_id("ticket-row")
    assert row.count() == 1
    assert "Т-000001" in row.inner_text() and "Учитель не может войти в журнал" in row.inner_text()
    page.screenshot(path=str(artifacts_dir / "ticket-list.png"), full_page=True)

    db.session.expire_all()
    ticket = db.session.query(Ticket).one()
    assert (ticket.requester_id, ticket.category_id) == (user.id, tech_category.id)
    assert len(ticket.attachments) == 2
