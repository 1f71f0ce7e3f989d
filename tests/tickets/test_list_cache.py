"""The ticket list's body is kept per reader, filters and page until the hotline's data version moves."""

from types import SimpleNamespace

import pytest

from tickets import constants as c
from tickets import list_cache, services

pytestmark = pytest.mark.usefixtures("queues")


def rows_of(client, url="/tickets/"):
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)



def test_a_repeated_list_is_served_kept_with_fewer_statements(auth, client, count_statements, new_ticket):
    auth.login("operator")
    new_ticket("Не открывается журнал")
    first = count_statements(lambda: rows_of(client))
    kept = count_statements(lambda: rows_of(client))
    assert kept < first
    assert rows_of(client).count('data-testid="ticket-row"') == 1


def test_a_new_ticket_and_a_changed_one_show_on_the_next_request(auth, client, new_ticket):
    operator = auth.login("operator")
    ticket = new_ticket("Не открывается журнал")
    assert "Не открывается журнал" in rows_of(client)
    new_ticket("Пропали оценки")
    assert "Пропали оценки" in rows_of(client)
    services.change_status(operator, ticket, c.IN_PROGRESS)
    listing = rows_of(client, "/tickets/?status=in_progress")
    assert "Не открывается журнал" in listing and "Пропали оценки" not in listing


def test_readers_and_filters_are_kept_apart(app):
    # Requests of one test share an app context (and Flask-Login's user in it), so this is asked directly.
    operator, teacher = SimpleNamespace(id=1, role="operator"), SimpleNamespace(id=2, role="teacher")
    rendered = []

    def body(user, args, page):
        with app.test_request_context("/tickets/"):
            return list_cache.list_body(user, args, page, lambda: rendered.append(user.id) or str(user.id))

    assert [body(operator, {}, 1), body(operator, {}, 1), body(teacher, {}, 1)] == ["1", "1", "2"]
    body(operator, {"status": "closed"}, 1)
    body(operator, {}, 2)
    assert rendered == [1, 2, 1, 1]


def test_a_zero_ttl_turns_the_cache_off(app, auth, client, count_statements, new_ticket):
    app.config["TICKET_LIST_TTL"] = 0
    auth.login("operator")
    new_ticket("Не открывается журнал")
    assert count_statements(lambda: rows_of(client)) == count_statements(lambda: rows_of(client))
    assert list_cache.LIST_TTL > 0
