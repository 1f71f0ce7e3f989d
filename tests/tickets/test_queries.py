"""The ticket list: who sees which tickets, every filter, and a fixed number of SQL statements."""

from datetime import timedelta

import pytest

from app.timeutil import utcnow
from tickets import constants as c
from tickets import listing, queries, services
from tickets.models import Ticket

pytestmark = pytest.mark.usefixtures("queues")


@pytest.fixture
def tree(make):
    """Two municipalities: the north with two schools, the south with one; a teacher in each school."""
    north, south = make.municipality(name="Северный район"), make.municipality(name="Южный район")
    n1, n2, s1 = make.school(north, name="Школа № 1"), make.school(north, name="Гимназия № 2"), make.school(
        south, name="Школа № 3")
    return {"north": north, "south": south, "n1": n1, "n2": n2, "s1": s1,
            "t1": make.user("teacher", organization=n1), "t2": make.user("teacher", organization=n2),
            "t3": make.user("teacher", organization=s1)}


def file_ticket(user, subject, queue=c.TECHNICAL, body="Подробности", **kw):
    return services.open_ticket(user, queue, subject, body, **kw)


def listed(user, **args):
    """Subjects of the first page of the user's list with these filters."""
    return {t.subject for t in listing.list_tickets(user, {k: str(v) for k, v in args.items()}).page.items}


@pytest.fixture
def tickets(tree):
    return {
        "n1": file_ticket(tree["t1"], "Первая школа"),
        "n2": file_ticket(tree["t2"], "Гимназия", queue=c.METHODOLOGICAL),
        "s1": file_ticket(tree["t3"], "Южная школа"),
    }


def test_teacher_sees_own_school_tickets_only(make, tree, tickets):
    colleague = make.user("teacher", organization=tree["n1"])
    assert listed(colleague) == {"Первая школа"}
    assert listed(tree["t3"]) == {"Южная школа"}


def test_municipal_sees_their_municipality_schools(make, tree, tickets):
    municipal = make.user("municipal", organization=tree["north"])
    assert listed(municipal) == {"Первая школа", "Гимназия"}


def test_agents_see_their_queue_and_the_region_sees_all(make, tickets):
    assert listed(make.user("operator"), status="all") == {"Первая школа", "Южная школа"}
    assert listed(make.user("methodologist"), status="all") == {"Гимназия"}
    assert listed(make.user("coordinator")) == {"Первая школа", "Гимназия", "Южная школа"}


def test_agents_see_open_tickets_by_default(make, tree, tickets):
    operator = make.user("operator")
    services.change_status(operator, tickets["s1"], c.RESOLVED)
    assert listed(operator) == {"Первая школа"}
    assert listed(operator, status="resolved") == {"Южная школа"}
    assert listed(operator, status="all") == {"Первая школа", "Южная школа"}
    assert listed(tree["t3"]) == {"Южная школа"}  # a requester's default is every status


def test_queue_category_and_municipality_filters(make, tree, queues):
    admin = make.user("admin")
    activation = queues[c.TECHNICAL].categories[0]
    file_ticket(tree["t1"], "Активация", category_id=activation.id)
    file_ticket(tree["t3"], "Пароль")
    file_ticket(tree["t2"], "Методика", queue=c.METHODOLOGICAL)
    assert listed(admin, queue="methodological") == {"Методика"}
    assert listed(admin, category=activation.id) == {"Активация"}
    assert listed(admin, municipality=tree["north"].id) == {"Активация", "Методика"}
    assert listed(admin, municipality=tree["south"].id) == {"Пароль"}
    assert listed(admin, municipality=999999) == set()


def test_assignee_filter(make, tree, db):
    operator, other = make.user("operator"), make.user("operator")
    mine, theirs, nobodys = (file_ticket(tree["t1"], s) for s in ("Моя", "Чужая", "Ничья"))
    mine.assignee, theirs.assignee = operator, other
    db.session.commit()
    assert listed(operator, assignee="me") == {"Моя"}
    assert listed(operator, assignee="none") == {"Ничья"}
    assert listed(operator, assignee=other.id) == {"Чужая"}


def test_overdue_filter(tree, make, db):
    operator = make.user("operator")
    late_answer, late_fix, answered, fine = (file_ticket(tree["t1"], s) for s in
                                             ("Без ответа", "Не решена", "Отвечена", "В срок"))
    past = utcnow() - timedelta(minutes=5)
    late_answer.first_response_due_at = past
    late_fix.resolution_due_at = past
    answered.first_response_due_at, answered.first_responded_at = past, past - timedelta(hours=1)
    db.session.commit()
    assert listed(operator, overdue=1) == {"Без ответа", "Не решена"}
    services.change_status(operator, late_fix, c.RESOLVED)
    assert listed(operator, overdue=1, status="all") == {"Без ответа"}
    assert queries.sla_summary(late_answer).overdue and not queries.sla_summary(fine).overdue
    assert queries.sla_summary(late_fix) is None


def test_search_finds_subject_body_and_visible_messages_case_insensitively(make, tree):
    operator = make.user("operator")
    by_subject = file_ticket(tree["t1"], "Не открывается ДНЕВНИК")
    file_ticket(tree["t1"], "Другое", body="Родители не видят оценки")
    noted = file_ticket(tree["t1"], "С заметкой")
    services.add_message(operator, noted, "Проблема на стороне провайдера", is_internal=True)
    services.add_message(tree["t1"], by_subject, "Ошибка 50%_x")
    assert listed(tree["t1"], q="дневник") == {"Не открывается ДНЕВНИК"}
    assert listed(tree["t1"], q="ОЦЕНКИ") == {"Другое"}
    assert listed(operator, q="провайдер") == {"С заметкой"}
    assert listed(tree["t1"], q="провайдер") == set()  # internal notes are not searched for the requester
    assert listed(tree["t1"], q="50%_") == {"Не открывается ДНЕВНИК"}
    assert listed(tree["t1"], q="100%") == set()


def test_invalid_filter_values_are_ignored_and_named(tree, tickets):
    bad = {"queue": "кадры", "status": "lost", "category": "abc", "municipality": "-3", "assignee": "x",
           "overdue": "yes"}
    result = listing.list_tickets(tree["t1"], bad)
    assert set(result.filters.ignored) == set(bad)
    assert {t.subject for t in result.page.items} == {"Первая школа"}


def make_tickets(make, db, count, queues):
    """Tickets by different requesters of different schools, each with its own assignee and a category.

    The assignees are administrators (they work both queues): operators would already be loaded by the
    assignee filter's choices and hide a lazy load per row."""
    categories = queues[c.TECHNICAL].categories
    for n in range(count):
        requester = make.user("teacher", organization=make.school())
        ticket = file_ticket(requester, f"Заявка {n}", category_id=categories[n % len(categories)].id)
        ticket.assignee = make.user("admin")
    db.session.commit()


def test_list_page_runs_the_same_number_of_statements_for_3_and_20_rows(auth, client, db, make, queues,
                                                                       count_statements):
    auth.login("coordinator")
    counts = []
    for total in (3, 20):
        make_tickets(make, db, total - db.session.query(Ticket).count(), queues)
        db.session.expire_all()
        response = None

        def load():
            nonlocal response
            response = client.get("/tickets/?status=all")

        counts.append(count_statements(load))
        assert response.status_code == 200
        assert response.get_data(as_text=True).count('data-testid="ticket-row"') == total
    assert counts[0] == counts[1], counts


def test_search_finds_a_ticket_by_its_reference(app, make, db):
    from tickets import listing, services

    services.ensure_queues()
    teacher = make.user("teacher")
    first = services.open_ticket(teacher, "technical", "Первое", "текст")
    other_queue = services.open_ticket(teacher, "methodological", "Второе", "текст")
    operator = make.user("operator")
    found = listing.list_tickets(operator, {"q": "Т-000001", "status": "all"}, 1).page.items
    assert [t.id for t in found] == [first.id]
    admin = make.user("admin")
    both = listing.list_tickets(admin, {"q": "1", "status": "all"}, 1).page.items
    assert {t.id for t in both} == {first.id, other_queue.id}
    latin = listing.list_tickets(admin, {"q": "m-1", "status": "all"}, 1).page.items
    assert [t.id for t in latin] == [other_queue.id]

