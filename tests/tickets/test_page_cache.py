"""The ticket page's content is kept per ticket, reader session and language until what it shows changes."""

import pytest

from tests.fixtures.auth import AuthActions, csrf_token_from
from tickets import constants as c
from tickets import operations, page_cache, queue_tools, services

pytestmark = pytest.mark.usefixtures("queues")


def page_of(client, ticket):
    response = client.get(f"/tickets/{ticket.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)



def test_a_repeated_page_is_served_kept_with_fewer_statements(auth, client, count_statements, new_ticket):
    auth.login("operator")
    ticket = new_ticket("Не открывается журнал")
    first = count_statements(lambda: page_of(client, ticket))
    kept = count_statements(lambda: page_of(client, ticket))
    assert kept < first
    assert page_of(client, ticket) == page_of(client, ticket)
    assert "Не открывается журнал" in page_of(client, ticket)


def test_a_reply_a_status_and_a_link_show_on_the_next_request(auth, client, new_ticket):
    operator = auth.login("operator")
    ticket = new_ticket("Не открывается журнал")
    other = new_ticket("Пропали оценки")
    assert "Классный руководитель ответил" not in page_of(client, ticket)
    services.add_message(ticket.requester, ticket, "Классный руководитель ответил")
    assert "Классный руководитель ответил" in page_of(client, ticket)
    page_of(client, other)
    services.change_status(operator, ticket, c.IN_PROGRESS)
    assert 'data-testid="status">В работе<' in page_of(client, ticket)
    operations.link(operator, ticket.id, other.reference)
    assert f"/tickets/{ticket.id}" in page_of(client, other)  # the other side of the link, kept before it


def test_a_new_canned_reply_shows_in_the_panel_at_once(auth, client, new_ticket):
    operator = auth.login("operator")
    ticket = new_ticket("Не открывается журнал")
    assert "Нажмите Ctrl+F5" not in page_of(client, ticket)
    queue_tools.create_canned_reply(operator, c.TECHNICAL, "Очистите кэш", "Нажмите Ctrl+F5 и войдите снова.")
    assert "Нажмите Ctrl+F5" in page_of(client, ticket)


def test_each_session_reads_forms_with_its_own_token(app, auth, client, make, new_ticket):
    operator = auth.login("operator")
    ticket = new_ticket("Не открывается журнал")
    page_of(client, ticket)
    second = app.test_client()
    AuthActions(second, make).login(operator)
    page_of(second, ticket)
    token = csrf_token_from(page_of(second, ticket))  # from the kept content
    response = second.post(f"/tickets/{ticket.id}/reply", data={
        "csrf_token": token, "body": "Проверьте, пожалуйста, ещё раз", "version": ticket.version})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    assert "Проверьте, пожалуйста, ещё раз" in page_of(client, ticket)


def test_a_kept_page_is_not_shown_to_who_may_not_see_the_ticket(auth, client, new_ticket):
    auth.login("operator")
    ticket = new_ticket("Не открывается журнал")
    page_of(client, ticket)
    auth.logout()
    auth.login("teacher")
    assert client.get(f"/tickets/{ticket.id}").status_code == 404


def test_a_zero_ttl_turns_the_cache_off(app, auth, client, count_statements, new_ticket):
    app.config["TICKET_PAGE_TTL"] = 0
    auth.login("operator")
    ticket = new_ticket("Не открывается журнал")
    page_of(client, ticket)  # the first request of a session reads a little more
    costs = [count_statements(lambda: page_of(client, ticket)) for _ in range(2)]
    assert costs[0] == costs[1]
    assert page_cache.PAGE_TTL > 0
