"""The hotline end to end: filed in the browser, answered, continued by e-mail, rated, counted.

A school coordinator files a ticket with an attachment in Chromium; an operator answers it in
Chromium; the coordinator is notified by e-mail (a real SMTP server) and answers by replying to
that letter (piped into `opora mail ingest`); the operator resolves it; the coordinator rates it;
the statistics count the rating. A teacher of another school gets 404 for the ticket and its file.
"""

import re
from email.message import EmailMessage
from email.utils import make_msgid

import pytest

from tests.fixtures.auth import AuthActions
from tests.fixtures.browser import sign_in
from tickets import services
from tickets.models import Ticket

pytestmark = pytest.mark.e2e


@pytest.fixture
def app_settings(mail_settings):
    return mail_settings


def _file_ticket(page, live_server):
    page.goto(f"{live_server}/tickets/new")
    page.get_by_test_id("queue-technical").check()
    page.locator("#subject").fill("Журнал не открывается после обновления")
    page.locator("#body").fill("Пишет «ошибка 500» при открытии журнала 5 «А» класса.")
    page.locator("#files").set_input_files(files=[
        {"name": "снимок.txt", "mimeType": "text/plain", "buffer": "Ошибка 500\n".encode()},
    ])
    page.get_by_test_id("submit-ticket").click()
    page.wait_for_url(re.compile(r".*/tickets/\d+$"))
    return int(page.url.rsplit("/", 1)[1])


def _reply_by_email(notification, requester):
    reply = EmailMessage()
    reply["From"] = f"{requester.full_name} <{requester.email}>"
    reply["To"] = notification["Reply-To"] or "support@opora.local"
    reply["Subject"] = "Re: " + notification["Subject"]
    reply["Message-ID"] = make_msgid(domain="school.test")
    reply["In-Reply-To"] = notification["Message-ID"]
    reply["References"] = notification["Message-ID"]
    reply.set_content("Спасибо, журнал открылся.\n\n> Очистите кэш браузера и войдите снова.\n",
                      charset="windows-1251", cte="quoted-printable")
    return reply.as_bytes()


def test_hotline_from_filing_to_statistics(app, live_server, chromium, make, db, mailbox, runner,
                                           artifacts_dir):
    services.ensure_queues()
    school = make.school(name="МБОУ «Знаменская СОШ № 1»")
    coordinator = make.user("school", organization=school)
    operator = make.user("operator")
    outsider = make.user("teacher", organization=make.school())

    requester_side = chromium.new_context(locale="ru-RU")
    agent_side = chromium.new_context(locale="ru-RU")
    requester_page, agent_page = requester_side.new_page(), agent_side.new_page()
    try:
        sign_in(requester_page, live_server, coordinator)
        ticket_id = _file_ticket(requester_page, live_server)

        sign_in(agent_page, live_server, operator)
        agent_page.goto(f"{live_server}/tickets/{ticket_id}")
        agent_page.locator("#reply-body").fill("Очистите кэш браузера и войдите снова.")
        agent_page.get_by_test_id("send-reply").click()
        agent_page.wait_for_load_state()

        notification = next(m for m in mailbox.messages if coordinator.email in m["To"])
        assert "Т-000001" in notification["Subject"]
        assert "Очистите кэш" in notification.get_body(("plain",)).get_content()
        result = runner.invoke(args=["mail", "ingest"], input=_reply_by_email(notification, coordinator))
        assert result.exit_code == 0 and "Т-000001" in result.output, result.output

        db.session.expire_all()
        ticket = db.session.get(Ticket, ticket_id)
        assert [m.body for m in ticket.messages][-1] == "Спасибо, журнал открылся."
        services.change_status(operator, ticket, "resolved")

        requester_page.goto(f"{live_server}/tickets/{ticket_id}")
        requester_page.get_by_test_id("rating-form").get_by_label("5").check()
        requester_page.get_by_test_id("rating-form").get_by_role("button").click()
        requester_page.wait_for_load_state()
        assert requester_page.get_by_test_id("rating").inner_text() == "5 / 5"
        requester_page.screenshot(path=str(artifacts_dir / "hotline-rated.png"), full_page=True)

        agent_page.goto(f"{live_server}/tickets/statistics/")
        figure = agent_page.get_by_test_id("stat-rating").inner_text().splitlines()
        assert figure[1] in ("5", "5,00") and figure[2] == "Оценок: 1"
        agent_page.screenshot(path=str(artifacts_dir / "hotline-statistics.png"), full_page=True)
    finally:
        requester_side.close()
        agent_side.close()

    attachment = db.session.get(Ticket, ticket_id).attachments[0]
    stranger = AuthActions(app.test_client(), make)
    stranger.login(outsider)
    assert stranger._client.get(f"/tickets/{ticket_id}").status_code == 404
    assert stranger._client.get(f"/tickets/{ticket_id}/attachments/{attachment.id}").status_code == 404
