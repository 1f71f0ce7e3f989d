"""Hotline statistics: figures against hand-computed values, the page, its access and exports."""

import csv
import io
from datetime import date, datetime, timedelta

import pytest
from openpyxl import load_workbook

from app.errors import PermissionDenied, ValidationFailed
from tickets import constants as c
from tickets import statistics
from tickets.models import Category, Ticket

pytestmark = pytest.mark.usefixtures("queues")

TODAY = date(2025, 1, 10)  # a Friday; the period below spans the new year
PERIOD = {"date_from": "2024-12-16", "date_to": "2025-01-10"}
URL = "/tickets/statistics/?from=2024-12-16&to=2025-01-10"


def category(queues, key, slug):
    return next(cat for cat in queues[key].categories if cat.slug == slug)


def add_ticket(db, queue, requester, created, responded=None, resolved=None, first=8, resolution=40,
               rating=None, category=None):
    """A ticket with exact timestamps (hours after creation); deadlines `first`/`resolution` hours."""
    queue.last_number += 1

    def after(hours):
        return created + timedelta(hours=hours) if hours is not None else None

    ticket = Ticket(
        queue=queue, number=queue.last_number, subject="Вопрос", body="Текст", requester=requester,
        organization_id=requester.organization_id, category=category, created_at=created, updated_at=created,
        first_response_due_at=after(first), resolution_due_at=after(resolution),
        first_responded_at=after(responded), resolved_at=after(resolved), rating=rating,
        status=c.RESOLVED if resolved is not None else c.IN_PROGRESS if responded is not None else c.NEW,
    )
    db.session.add(ticket)
    db.session.commit()
    return ticket


@pytest.fixture
def region(make, db, queues):
    """Two municipalities with schools, the region's coordinator, and eight tickets around the period."""
    first, second = make.municipality(name="Бондарский район"), make.municipality(name="город Тамбов")
    school_a, school_b = make.school(first), make.school(first)
    school_c = make.school(second)
    teacher_a = make.user("teacher", organization=school_a)
    teacher_b = make.user("school", organization=school_b)
    teacher_c = make.user("teacher", organization=school_c)
    municipal = make.user("municipal", organization=second)
    coordinator = make.user("coordinator")
    tech, method = queues[c.TECHNICAL], queues[c.METHODOLOGICAL]
    sign_in = category(queues, c.TECHNICAL, "sign-in")
    quarter = category(queues, c.METHODOLOGICAL, "quarter-marks")
    # In the period (Moscow dates 16.12.2024–10.01.2025):
    add_ticket(db, tech, teacher_a, datetime(2024, 12, 16, 6), 2, 10, rating=5, category=sign_in)
    # 00:30 in Moscow on Monday 16.12, though still the 15th in UTC: inside, in the first week.
    add_ticket(db, tech, teacher_a, datetime(2024, 12, 15, 21, 30), 3, 20, 1, rating=5, category=sign_in)
    # 01:30 in Moscow on Monday 30.12: the week of 30.12, not of 23.12 as its UTC date would say.
    add_ticket(db, tech, teacher_b, datetime(2024, 12, 29, 22, 30), 4, 30, 1, rating=3, category=sign_in)
    add_ticket(db, method, municipal, datetime(2025, 1, 1, 10), 6, 50, rating=4, category=quarter)
    add_ticket(db, method, coordinator, datetime(2025, 1, 8, 9), 1)
    add_ticket(db, tech, teacher_c, datetime(2025, 1, 9, 9), category=sign_in)
    # Outside: 23:00 in Moscow on 15.12, and 00:30 in Moscow on 11.01.
    add_ticket(db, tech, teacher_a, datetime(2024, 12, 15, 20), 100, 200, rating=1, category=sign_in)
    add_ticket(db, method, teacher_c, datetime(2025, 1, 10, 21, 30), 50, 90, rating=1)
    return {"first": first, "second": second, "method": method}


def report_for(user, **kwargs):
    return statistics.ticket_statistics(user, **{**PERIOD, **kwargs}, today=TODAY)


def test_volume_per_week_across_the_new_year_in_moscow_time(make, region):
    report = report_for(make.user("coordinator"))
    assert report.total == 6
    weeks = [(monday, per_queue[c.TECHNICAL], per_queue[c.METHODOLOGICAL], total)
             for monday, per_queue, total in report.weekly]
    assert weeks == [
        (date(2024, 12, 16), 2, 0, 2),
        (date(2024, 12, 23), 0, 0, 0),
        (date(2024, 12, 30), 1, 1, 2),
        (date(2025, 1, 6), 1, 1, 2),
    ]


def test_median_times_with_odd_and_even_counts(make, region):
    report = report_for(make.user("operator"))
    assert report.first_response_hours == 3  # 1, 2, 3, 4, 6
    assert report.resolution_hours == 25  # 10, 20, 30, 50


def test_sla_compliance_counts_only_tickets_with_a_response_or_resolution(make, region):
    report = report_for(make.user("operator"))
    assert (report.first_response_sla.met, report.first_response_sla.total) == (3, 5)
    assert report.first_response_sla.percent == 60
    assert (report.resolution_sla.met, report.resolution_sla.total) == (3, 4)
    assert report.resolution_sla.percent == 75


def test_satisfaction(make, region):
    report = report_for(make.user("methodologist"))
    assert report.ratings == {1: 0, 2: 0, 3: 1, 4: 1, 5: 2}
    assert (report.rating_count, report.rating_average) == (4, 4.25)


def test_by_queue_category_and_municipality(make, region, queues):
    report = report_for(make.user("admin"))
    assert [(key, n) for key, _label, n in report.by_queue] == [(c.TECHNICAL, 4), (c.METHODOLOGICAL, 2)]
    sign_in = category(queues, c.TECHNICAL, "sign-in").name
    quarter = category(queues, c.METHODOLOGICAL, "quarter-marks").name
    assert report.by_category[0] == (sign_in, c.TECHNICAL, 4)
    ties = report.by_category[1:]
    assert ties == sorted(ties)  # equal counts come in name order, whatever the UI language
    assert {row[1:] for row in ties} == {(None, 1), (c.METHODOLOGICAL, 1)}
    assert quarter in [row[0] for row in ties]
    assert report.by_municipality[:2] == [("Бондарский район", 3), ("город Тамбов", 2)]
    assert report.by_municipality[2][1] == 1 and len(report.by_municipality) == 3  # region/other, last


def test_queue_filter(make, region):
    report = report_for(make.user("coordinator"), queue_key=c.METHODOLOGICAL)
    assert report.total == 2
    assert [key for key, _label in report.queues] == [c.METHODOLOGICAL]
    assert [total for _monday, _per_queue, total in report.weekly] == [0, 0, 1, 1]
    assert report.first_response_hours == 3.5 and report.resolution_hours == 50


def test_default_period_is_the_last_twelve_weeks(make, region):
    report = statistics.ticket_statistics(make.user("coordinator"), today=TODAY)
    assert (report.period.start, report.period.end) == (date(2024, 10, 21), TODAY)
    assert len(report.weekly) == 12 and report.weekly[-1][0] == date(2025, 1, 6)
    assert report.total == 7  # the one on 11.01 (Moscow) is after today


def test_an_empty_period_has_no_medians_or_shares(make, region):
    report = report_for(make.user("coordinator"), date_from="2023-01-01", date_to="2023-01-31")
    assert report.total == 0 and report.first_response_hours is None and report.rating_average is None
    assert report.first_response_sla.percent is None and report.by_municipality == []


@pytest.mark.parametrize("kwargs, field", [
    ({"date_from": "2024-13-01"}, "date_from"),
    ({"date_to": "вчера"}, "date_to"),
    ({"date_from": "2025-02-01", "date_to": "2025-01-01"}, "date_from"),
    ({"date_from": "2015-01-01"}, "date_from"),
    ({"queue_key": "billing"}, "queue"),
])
def test_bad_input_is_refused_with_a_field_error(make, kwargs, field):
    with pytest.raises(ValidationFailed) as error:
        report_for(make.user("coordinator"), **kwargs)
    assert list(error.value.field_errors) == [field]


@pytest.mark.parametrize("role", ["teacher", "school", "municipal"])
def test_others_may_not_see_statistics(make, role):
    with pytest.raises(PermissionDenied):
        report_for(make.user(role))


def test_a_fixed_number_of_statements_whatever_the_row_count(make, db, region, queues, count_statements):
    coordinator = make.user("coordinator")
    few = count_statements(lambda: report_for(coordinator))
    school = make.school(region["first"])
    for day in range(20):
        add_ticket(db, queues[c.TECHNICAL], make.user("teacher", organization=school),
                   datetime(2024, 12, 17 + day % 10, 8), 2, 5, rating=4)
    assert count_statements(lambda: report_for(coordinator)) == few <= 6


@pytest.mark.parametrize("role", ["operator", "methodologist", "coordinator", "admin"])
def test_page_for_allowed_roles(auth, client, role, region):
    auth.login(role)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Бондарский район" in html and "город Тамбов" in html
    assert 'data-testid="stat-total"' in html and "<svg" in html
    assert "style=" not in html.split("<main", 1)[1]  # the CSP forbids style attributes


@pytest.mark.parametrize("role", ["teacher", "school", "municipal"])
def test_page_is_forbidden_to_others(auth, client, role):
    auth.login(role)
    assert client.get("/tickets/statistics/").status_code == 403


def test_page_needs_sign_in(client):
    response = client.get("/tickets/statistics/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_bad_dates_give_a_clear_400_page(auth, client):
    auth.login("coordinator")
    response = client.get("/tickets/statistics/?from=2025-02-01&to=2025-01-01")
    assert response.status_code == 400
    assert "invalid-feedback" in response.get_data(as_text=True)
    assert client.get("/tickets/statistics/?format=pdf").status_code == 400


def test_hostile_category_name_is_escaped_in_charts_and_tables(auth, client, db, region, queues, make):
    hostile = Category(queue=queues[c.TECHNICAL], slug="evil", name="<script>alert(1)</script>")
    db.session.add(hostile)
    db.session.commit()
    add_ticket(db, queues[c.TECHNICAL], make.user("teacher"), datetime(2025, 1, 6, 8), category=hostile)
    auth.login("operator")
    html = client.get(URL).get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_csv_export(auth, client, region):
    auth.login("coordinator")
    response = client.get(URL + "&format=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][2] == "6"  # the first figure: tickets created
    values = {item: value for _section, item, value in rows[1:]}
    assert values["Бондарский район"] == "3" and values["город Тамбов"] == "2"
    assert values["30.12.2024"] == "2" and values["23.12.2024"] == "0"
    assert [value for _s, _i, value in rows[2:4]] == ["3", "25"]  # the medians, in hours


def test_xlsx_export_has_numbers(auth, client, region):
    auth.login("operator")
    response = client.get(URL + "&format=xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.get_data()))
    summary, weeks, hotlines, _categories, municipalities, ratings = book.worksheets
    assert [summary.cell(row, 2).value for row in range(2, 11)] == [6, 3, 25, 5, 60, 4, 75, 4, 4.25]
    assert summary["A1"].font.b
    assert [row[-1] for row in weeks.iter_rows(min_row=2, values_only=True)] == [2, 0, 2, 2]
    assert weeks["A4"].value == datetime(2024, 12, 30)
    assert [row[1] for row in hotlines.iter_rows(min_row=2, values_only=True)] == [4, 2]
    assert dict(municipalities.iter_rows(min_row=2, max_row=3, values_only=True)) == {
        "Бондарский район": 3, "город Тамбов": 2}
    assert [row[1] for row in ratings.iter_rows(min_row=2, values_only=True)] == [0, 0, 1, 1, 2]


def test_export_with_a_queue_filter_names_the_queue(auth, client, region):
    auth.login("methodologist")
    response = client.get(URL + "&format=csv&queue=methodological")
    assert "methodological-2024-12-16-2025-01-10.csv" in response.headers["Content-Disposition"]
