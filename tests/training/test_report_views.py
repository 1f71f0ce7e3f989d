"""The training report page: who sees which rows, the drill-down, charts, filters and the workbook."""

import io
import re
from datetime import datetime

import pytest
from openpyxl import load_workbook

from app.extensions import db
from training import constants as c
from training.models import Certificate, Enrollment, Registration

URL = "/training/reports/"


@pytest.fixture
def region(make, training):
    """Two municipalities; a finished teacher with a certificate and two seminar places in the first."""
    a, b = make.municipality(name="Бондарский район"), make.municipality(name="Город Тамбов")
    a1, b1 = make.school(a, name="Школа А1"), make.school(b, name="Школа Б1")
    finished = make.user("teacher", organization=a1)
    waiting = make.user("teacher", organization=a1)
    make.user("teacher", organization=b1)
    course = training.course(title="Электронный журнал")
    done = datetime(2025, 2, 10, 9)
    enrollment = Enrollment(course=course, user=finished, organization_id=a1.id, status=c.COMPLETED,
                            started_at=done, completed_at=done)
    enrollment.certificate = Certificate(number="2025-AAAA-0001", full_name=finished.full_name,
                                         course_title=course.title, hours=36, issued_at=done)
    seminar = training.seminar(starts_at=datetime(2025, 4, 10, 7))
    db.session.add_all([
        enrollment,
        Enrollment(course=course, user=waiting, organization_id=a1.id, status=c.IN_PROGRESS),
        Registration(seminar=seminar, user=finished, organization_id=a1.id, attendance=c.ATTENDED),
        Registration(seminar=seminar, user=waiting, organization_id=a1.id, attendance=c.NO_SHOW),
    ])
    db.session.commit()
    return {"a": a, "b": b, "a1": a1, "b1": b1, "course": course}


def _rows(html, table):
    return re.findall(rf'<tr data-testid="{table}-row".*?</tr>', html, re.S)


def _cells(row):
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def test_a_methodologist_sees_municipalities_and_drills_into_one(client, auth, region):
    auth.login("methodologist")
    page = client.get(f"{URL}?course={region['course'].id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Отчёты по обучению" in html and "<svg" in html
    first = _cells(_rows(html, "completion")[0])
    assert first[0].startswith("Бондарский район") and first[1:] == ["2", "2", "1", "1", "50&nbsp;%", "1"]
    assert _cells(_rows(html, "attendance")[0])[1:] == ["2", "1", "0", "1"]
    link = re.search(r'href="([^"]*municipality=\d+[^"]*)" data-testid="drill-down"', html).group(1)
    drilled = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert [_cells(row)[0] for row in _rows(drilled, "completion")] == ["Школа А1"]
    assert 'data-testid="report-top"' in drilled and 'data-testid="drill-down"' not in drilled


def test_a_municipal_specialist_sees_their_schools_and_not_others(client, auth, make, region):
    auth.login("municipal", organization=region["a"])
    html = client.get(URL).get_data(as_text=True)
    assert [_cells(row)[0] for row in _rows(html, "completion")] == ["Школа А1"]
    assert "Город Тамбов" not in html and "Школа Б1" not in html
    assert client.get(f"{URL}?municipality={region['b'].id}").status_code == 403


def test_a_school_coordinator_sees_their_school(client, auth, region):
    auth.login("school", organization=region["b1"])
    html = client.get(URL).get_data(as_text=True)
    assert [_cells(row)[0] for row in _rows(html, "completion")] == ["Школа Б1"]
    assert _cells(_rows(html, "completion")[0])[1:3] == ["2", "0"]  # the teacher and the coordinator


@pytest.mark.parametrize("role", ["teacher", "operator"])
def test_others_are_refused(client, auth, role):
    auth.login(role)
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}?format=xlsx").status_code == 403


@pytest.mark.parametrize("query, message", [
    ("from=10.02.2025", "Введите дату в формате ГГГГ-ММ-ДД"),
    ("from=2025-03-01&to=2025-02-01", "Начало периода не может быть позже его окончания"),
    ("course=abc", "Выберите курс из списка."),
])
def test_bad_filters_are_400_with_a_russian_message(client, auth, query, message):
    auth.login("methodologist")
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 400 and message in response.get_data(as_text=True)


def test_an_unknown_format_is_400(client, auth):
    auth.login("coordinator")
    assert client.get(f"{URL}?format=docx").status_code == 400


def test_the_period_filters_the_finished(client, auth, region):
    auth.login("coordinator")
    query = f"course={region['course'].id}&from=2025-03-01&to=2025-12-31"
    html = client.get(f"{URL}?{query}").get_data(as_text=True)
    assert _cells(_rows(html, "completion")[0])[1:] == ["2", "2", "1", "0", "0&nbsp;%", "0"]
    assert _cells(_rows(html, "attendance")[0])[1:] == ["2", "1", "0", "1"]


def test_the_workbook_has_both_tables(client, auth, region):
    auth.login("methodologist")
    response = client.get(f"{URL}?course={region['course'].id}&format=xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Прохождение курса", "Посещение семинаров"]
    completion = list(book["Прохождение курса"].values)
    assert completion[0][0] == "Организация" and completion[1] == ("Бондарский район", 2, 2, 1, 1, 50, 1)
    assert completion[-1][0] == "Итого"
    attendance = list(book["Посещение семинаров"].values)
    assert attendance[1] == ("Бондарский район", 2, 1, 0, 1)


def test_the_page_costs_the_same_statements_for_more_municipalities(client, auth, make, region,
                                                                     count_statements):
    auth.login("methodologist")
    few = count_statements(lambda: client.get(URL))
    for number in range(5):
        school = make.school(name=f"Школа {number}")
        make.user("teacher", organization=school)
    many = count_statements(lambda: client.get(URL))
    assert many == few
