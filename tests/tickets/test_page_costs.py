"""What the hotline's busiest pages cost: a fixed number of SQL statements at any size, and the
remembered texts (dates, spans, Markdown) equal to what the template filters make."""

from datetime import UTC, datetime, timedelta

import pytest
from flask_babel import force_locale, format_datetime, format_timedelta

from app import formatting, markup
from app.markup import render_markdown
from tickets import constants as c
from tickets import services

pytestmark = pytest.mark.usefixtures("queues")


def file_tickets(make, db, count, school=None):
    """`count` technical tickets, each by a teacher of `school` (a new school each when None)."""
    for n in range(count):
        requester = make.user("teacher", organization=school or make.school())
        ticket = services.open_ticket(requester, c.TECHNICAL, f"Заявка {n}", "Не входит в журнал")
        ticket.assignee = make.user("operator")
    db.session.commit()


def page_cost(client, count_statements, url):
    """(statements, rows shown) of one GET."""
    response = None

    def load():
        nonlocal response
        response = client.get(url)

    statements = count_statements(load)
    assert response.status_code == 200
    return statements, response.get_data(as_text=True).count('data-testid="ticket-row"')


@pytest.mark.parametrize("role", ["operator", "school"])
def test_the_list_costs_the_same_statements_for_30_and_60_tickets(auth, client, db, make, count_statements,
                                                                   role):
    school = make.school()
    auth.login(role, organization=school if role == "school" else None)
    costs = []
    for total in (30, 60):
        file_tickets(make, db, total - len(costs) * 30, school)
        db.session.expire_all()
        costs.append(page_cost(client, count_statements, "/tickets/"))
    assert costs[0] == costs[1], costs
    assert costs[0][1] == 25


def test_a_partly_filled_last_page_needs_no_count(auth, client, db, make, count_statements):
    school = make.school()
    auth.login("school", organization=school)
    file_tickets(make, db, 30, school)
    full, full_rows = page_cost(client, count_statements, "/tickets/")
    last, last_rows = page_cost(client, count_statements, "/tickets/?page=2")
    assert (full_rows, last_rows) == (25, 5)
    assert last == full - 1
    assert "26–30" in client.get("/tickets/?page=2").get_data(as_text=True)


def ticket_with_messages(make, count):
    """A technical ticket with `count` messages: the requester and an operator in turn, every third
    of the operator's an internal note."""
    requester, operator = make.user("teacher"), make.user("operator")
    ticket = services.open_ticket(requester, c.TECHNICAL, "Не сохраняются отметки", "Подробности")
    for n in range(count):
        agent = n % 2 == 0
        services.add_message(operator if agent else requester, ticket, f"Сообщение **{n}**",
                             is_internal=agent and n % 3 == 0)
    return ticket


@pytest.mark.parametrize("role", ["operator", "coordinator"])
def test_the_ticket_page_costs_the_same_statements_for_2_and_10_messages(auth, client, db, make,
                                                                         count_statements, role):
    auth.login(role)
    costs = []
    for count in (2, 10):
        ticket = ticket_with_messages(make, count)
        db.session.expire_all()
        response = None

        def load(ticket_id=ticket.id):
            nonlocal response
            response = client.get(f"/tickets/{ticket_id}")

        costs.append(count_statements(load))
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert page.count('data-testid="message"') + page.count('data-testid="internal-note"') == count
        assert f"Сообщение <strong>{count - 1}</strong>" in page
    assert costs[0] == costs[1], costs


MOMENTS = [datetime(2026, 3, 1, 21, 5, 59, 999999), datetime(2025, 12, 31, 23, 59),
           datetime(2026, 7, 4, 8, 0, tzinfo=UTC)]
SPANS = [timedelta(hours=5, minutes=3), -timedelta(seconds=1, microseconds=500000), timedelta(days=-3),
         timedelta(minutes=-59, seconds=-30), timedelta(0), timedelta(days=40)]


@pytest.mark.parametrize("locale", ["ru", "en"])
def test_remembered_dates_and_spans_read_as_the_filters_make_them(app, locale):
    with app.test_request_context("/"), force_locale(locale):
        for moment in MOMENTS:
            for _ in range(2):  # the second time from memory
                assert formatting.short_datetime(moment) == format_datetime(moment, "short")
        assert formatting.short_datetime(None) == "—"
        for span in SPANS:
            for _ in range(2):
                assert formatting.duration(span) == format_timedelta(abs(span), threshold=0.9)


def test_remembered_markdown_is_the_sanitized_html_of_that_very_text(app):
    text = "**Жирный** <script>alert(1)</script> [ссылка](javascript:alert(1))"
    fresh = markup._rendered.__wrapped__  # the same rendering without the process's memory
    assert render_markdown(text) == fresh(text)
    assert "<script>" not in render_markdown(text) and "javascript:" not in render_markdown(text)
    assert render_markdown(text + " ещё") == fresh(text + " ещё")


def test_an_in_select_reads_as_in_on_sqlite_and_as_any_array_on_postgresql(app):
    """The scope's IN (SELECT …) terms: plain IN on SQLite (an index search, no «= 1» after it), and
    on PostgreSQL = ANY(ARRAY(…)), which its planner ORs with other indexes; cached like any term."""
    from sqlalchemy import or_, select
    from sqlalchemy.dialects import postgresql, sqlite

    from tickets.models import Ticket, ticket_watchers
    from tickets.sql_terms import InSelect

    def listed(user_id):
        watched = select(ticket_watchers.c.ticket_id).where(ticket_watchers.c.user_id == user_id)
        return select(Ticket.id).where(or_(Ticket.requester_id == user_id, InSelect(Ticket.id, watched)))

    on_sqlite = " ".join(str(listed(1).compile(dialect=sqlite.dialect())).split())
    assert on_sqlite.endswith("OR tickets.id IN (SELECT ticket_watchers.ticket_id FROM ticket_watchers "
                              "WHERE ticket_watchers.user_id = ?)")
    on_postgresql = " ".join(str(listed(1).compile(dialect=postgresql.dialect())).split())
    assert "OR tickets.id = ANY(ARRAY(SELECT ticket_watchers.ticket_id FROM ticket_watchers" in on_postgresql
    first, second = listed(1)._generate_cache_key(), listed(2)._generate_cache_key()
    assert first.key == second.key and [p.value for p in second.bindparams] == [2, 2]
