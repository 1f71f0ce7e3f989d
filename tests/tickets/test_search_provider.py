"""Tickets in the search index: operators find them by any word form; access stays with the SQL scope."""

import pytest

from app.search import services as search
from tests.search.conftest import BACKENDS
from tickets import constants as c
from tickets import listing, operations, search_provider, services


@pytest.fixture(params=BACKENDS)
def app_settings(request, tmp_path):
    """Each backend in turn, with an index of the test's own."""
    return {"SEARCH_BACKEND": request.param, "SEARCH_INDEX_PATH": str(tmp_path / "index")}


def listed(actor, q):
    """Subjects of the tickets the actor's list shows for the query."""
    return {t.subject for t in listing.list_tickets(actor, {"q": q, "status": "all"}, 1).page.items}


def indexed(q):
    """Ids of the tickets the index alone finds."""
    return {hit.id for hit in search.search(q, kinds=("ticket",), audiences=("internal",)).hits}


@pytest.fixture
def schools(make, queues):
    """Two schools in different municipalities, each with a teacher."""
    first, second = make.school(), make.school()
    return {"first": make.user("teacher", organization=first),
            "second": make.user("teacher", organization=second)}


def test_a_ticket_is_found_by_another_word_form(make, schools):
    ticket = services.open_ticket(schools["first"], c.TECHNICAL, "Не подходит пароль", "Ввожу — ошибка.")
    services.open_ticket(schools["first"], c.TECHNICAL, "Расписание", "Не видно уроков.")
    operator = make.user("operator")
    assert indexed("пароли") == {ticket.id}
    # «пароли» is not a substring of «пароль»: only the index finds it.
    assert listed(operator, "пароли") == {"Не подходит пароль"}
    assert listed(operator, "паролем") == {"Не подходит пароль"}


def test_public_replies_are_indexed_and_internal_notes_are_not(make, schools):
    ticket = services.open_ticket(schools["first"], c.TECHNICAL, "Журнал", "Не открывается.")
    operator = make.user("operator")
    services.add_message(operator, ticket, "Перезагрузите маршрутизатор.")
    services.add_message(operator, ticket, "Провайдер школы блокирует сайт.", is_internal=True)
    assert indexed("маршрутизатора") == {ticket.id}
    assert indexed("провайдеры") == set()
    assert listed(schools["first"], "маршрутизаторы") == {"Журнал"}
    assert listed(schools["first"], "провайдер") == set()  # the note is not the requester's to search


def test_the_index_never_widens_the_list_beyond_the_users_scope(make, schools):
    mine = services.open_ticket(schools["first"], c.TECHNICAL, "Пароль не подходит", "Ошибка входа.")
    theirs = services.open_ticket(schools["second"], c.TECHNICAL, "Сменить пароль", "Забыли пароль.")
    assert indexed("пароли") == {mine.id, theirs.id}
    assert listed(schools["first"], "пароли") == {"Пароль не подходит"}
    assert listed(schools["second"], "пароли") == {"Сменить пароль"}
    assert listed(make.user("methodologist"), "пароли") == set()  # the technical hotline is not theirs


def test_a_ticket_is_found_while_the_index_is_behind(make, schools, monkeypatch):
    # The index never hears of the ticket (a change still pending, or lost).
    monkeypatch.setattr(search, "document_changed", lambda kind, object_id: None)
    services.open_ticket(schools["first"], c.TECHNICAL, "Не приходит пароль", "Письмо не пришло.")
    assert indexed("пароль") == set()
    assert listed(make.user("operator"), "пароль") == {"Не приходит пароль"}


def test_a_reference_is_not_looked_up_in_the_index(make, schools):
    services.open_ticket(schools["first"], c.TECHNICAL, "Первое", "Текст.")
    services.open_ticket(schools["first"], c.METHODOLOGICAL, "Второе", "Текст.")
    admin = make.user("admin")
    assert listed(admin, "Т-000001") == {"Первое"} and listed(admin, "м-1") == {"Второе"}
    assert listed(admin, "т1") == {"Первое"}


def test_the_document_of_a_ticket(make, schools):
    ticket = services.open_ticket(schools["first"], c.TECHNICAL, "Журнал", "Не открывается.")
    operator = make.user("operator")
    services.add_message(operator, ticket, "Очистите кэш.")
    services.add_message(operator, ticket, "Внутреннее.", is_internal=True)
    [doc] = search_provider.load([ticket.id, 999_999])
    assert (doc.kind, doc.id, doc.slug, doc.title, doc.audience, doc.scope_key, doc.url) == (
        "ticket", ticket.id, "Т-000001", "Т-000001 Журнал", "internal", str(ticket.organization_id),
        f"/tickets/{ticket.id}")
    assert doc.body == "Не открывается.\n\nОчистите кэш."
    assert search_provider.all_ids() == [ticket.id]


def test_a_transferred_ticket_is_found_under_its_new_reference(make, schools):
    ticket = services.open_ticket(schools["first"], c.TECHNICAL, "Как ставить отметки", "Вопрос.")
    operations.transfer(make.user("admin"), ticket.id, c.METHODOLOGICAL, "Вопрос методический")
    [hit] = search.search("отметки", kinds=("ticket",), audiences=("internal",)).hits
    assert (hit.id, hit.title) == (ticket.id, "М-000001 Как ставить отметки")
