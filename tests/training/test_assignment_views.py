"""The assignment page and «who has finished»: a school coordinator assigns the course and follows it."""

import io
import re
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.extensions import db
from app.mail.models import OutboundMessage
from app.timeutil import utcnow
from training import assignments
from training import constants as c
from training.models import Certificate, Enrollment


@pytest.fixture
def app_settings(mail_settings):
    """Assignment e-mails go to the test SMTP server."""
    return mail_settings


@pytest.fixture
def school(make):
    """A school with a coordinator and two teachers, in a municipality with a second school."""
    municipality = make.municipality(name="Бондарский район")
    first = make.school(municipality, name="Школа № 1")
    people = {
        "coordinator": make.user("school", organization=first, last_name="Аксёнова"),
        "teacher": make.user("teacher", organization=first, last_name="Борисов"),
        "teacher2": make.user("teacher", organization=first, last_name="Васильева"),
        "neighbour": make.user("teacher", organization=make.school(municipality, name="Школа № 2"),
                               last_name="Соседов"),
    }
    return {"municipality": municipality, "school": first, **people}


def _enrolled(course):
    rows = db.session.scalars(select(Enrollment).where(Enrollment.course_id == course.id))
    return {e.user.id: e for e in rows}


def test_a_school_coordinator_assigns_the_course_and_sees_who_has_finished(client, auth, school, training,
                                                                         mailbox):
    course = training.course(title="Электронный журнал")
    auth.login(school["coordinator"])
    page = client.get("/training/assign/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Назначить курс" in html and "Электронный журнал" in html
    assert "Школа № 1" in html and "Школа № 2" not in html  # a coordinator assigns in their school only
    assert school["teacher2"].full_name in html  # their school is preselected, its people offered
    due = (utcnow() + timedelta(days=30)).date()
    response = auth.post("/training/assign/", {"course": course.id, "organization": school["school"].id,
                                               "due_on": due.isoformat()})
    assert response.status_code == 302
    assert f"/training/assign/progress?course={course.id}&organization={school['school'].id}" in \
        response.headers["Location"]
    assert set(_enrolled(course)) == {school[n].id for n in ("coordinator", "teacher", "teacher2")}
    letters = mailbox.bodies_to(school["teacher"].email)
    assert len(letters) == 1 and "назначил(а) вам курс «Электронный журнал»" in letters[0]
    assert due.strftime("%d.%m.%Y") in letters[0] and f"/training/courses/{course.slug}" in letters[0]
    assert [m.status for m in db.session.scalars(select(OutboundMessage))] == ["sent"] * 3

    # One teacher finishes; the list shows it with the certificate, the others as not started.
    finished = _enrolled(course)[school["teacher"].id]
    finished.status, finished.completed_at, finished.started_at, finished.score = (c.COMPLETED, utcnow(),
                                                                                   utcnow(), 95)
    finished.certificate = Certificate(number="2025-ABCD-EFGH", full_name="Борисов Иван Иванович",
                                       course_title=course.title, hours=36)
    db.session.commit()
    listing = client.get(response.headers["Location"])
    html = listing.get_data(as_text=True)
    assert listing.status_code == 200 and "Кто прошёл курс" in html
    assert "Курс «Электронный журнал» назначен. Сотрудников: 3." in html
    rows = re.findall(r'<tr data-testid="progress-row".*?</tr>', html, re.S)
    assert len(rows) == 3
    done = next(row for row in rows if school["teacher"].full_name in row)
    assert "Завершил(а) курс" in done and "2025-ABCD-EFGH" in done and ">95<" in done
    assert "Не записаны: 0" in html


def test_choosing_people_shows_the_organizations_people(client, auth, school, training):
    course = training.course()
    auth.login(school["coordinator"])
    page = auth.post("/training/assign/", {"course": course.id, "organization": school["school"].id,
                                           "show_people": "1"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and school["teacher2"].full_name in html
    assert school["neighbour"].full_name not in html
    assert db.session.query(Enrollment).count() == 0
    response = auth.post("/training/assign/", {"course": course.id, "organization": school["school"].id,
                                               "people": [school["teacher2"].id]})
    assert response.status_code == 302 and set(_enrolled(course)) == {school["teacher2"].id}


@pytest.mark.parametrize("fields, field, message", [
    ({"course": ""}, "course", "Выберите опубликованный курс из списка."),
    ({"organization": "abc"}, "organization", "Выберите школу или муниципалитет из списка."),
    ({"due_on": "2001-01-01"}, "due_on", "Срок не может быть в прошлом."),
    ({"due_on": "вчера"}, "due_on", "Неверное значение даты."),
    ({"people": "999999"}, "people", "Выберите сотрудников выбранной организации из списка."),
])
def test_form_errors_are_400_in_russian(client, auth, school, training, fields, field, message):
    course = training.course()
    auth.login(school["coordinator"])
    data = {"course": course.id, "organization": school["school"].id, **fields}
    response = auth.post("/training/assign/", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and f'id="{field}"' in html and "invalid-feedback" in html
    assert message in html
    assert db.session.query(Enrollment).count() == 0


def test_assigning_in_another_school_is_forbidden(client, auth, school, training):
    auth.login(school["coordinator"])
    response = auth.post("/training/assign/", {"course": training.course().id,
                                               "organization": school["neighbour"].organization_id})
    assert response.status_code == 403 and db.session.query(Enrollment).count() == 0


def test_the_not_enrolled_link_preselects_them(client, auth, school, training):
    course = training.course()
    assignments.assign_course(school["coordinator"], course.id, school["school"].id,
                              user_ids=[school["teacher"].id])
    auth.login(school["coordinator"])
    html = client.get(f"/training/assign/progress?course={course.id}").get_data(as_text=True)
    assert "Не записаны: 2" in html
    link = re.search(r'href="(/training/assign/\?[^"]*not_enrolled=1[^"]*)"', html).group(1)
    form = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    people = re.search(r'<select[^>]*name="people".*?</select>', form, re.S).group(0)
    chosen = {int(value) for value in re.findall(r'<option selected value="(\d+)"', people)}
    assert chosen == {school["coordinator"].id, school["teacher2"].id}


@pytest.mark.parametrize("role", ["teacher", "operator"])
def test_others_may_not_open_the_pages(client, auth, role):
    auth.login(role)
    assert client.get("/training/assign/").status_code == 403
    assert auth.post("/training/assign/", {"course": "1", "organization": "1"}).status_code == 403
    assert client.get("/training/assign/progress").status_code == 403


def test_the_pages_need_a_sign_in(client):
    response = client.get("/training/assign/progress")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_overdue_rows_are_marked_and_filtered(client, auth, school, training):
    course = training.course()
    assignments.assign_course(school["coordinator"], course.id, school["school"].id)
    late = _enrolled(course)[school["teacher"].id]
    late.due_on = (utcnow() - timedelta(days=3)).date()
    db.session.commit()
    auth.login(school["coordinator"])
    html = client.get("/training/assign/progress?overdue=1").get_data(as_text=True)
    rows = re.findall(r'<tr data-testid="progress-row".*?</tr>', html, re.S)
    assert len(rows) == 1 and school["teacher"].full_name in rows[0] and "просрочено" in rows[0]
    assert 'class="table-danger"' in rows[0]
    odd = client.get("/training/assign/progress?status=lost")
    assert odd.status_code == 200 and "не распознаны" in odd.get_data(as_text=True)


def test_the_progress_list_downloads_as_excel(client, auth, school, training):
    course = training.course(title="Электронный журнал")
    assignments.assign_course(school["coordinator"], course.id, school["school"].id)
    auth.login(school["coordinator"])
    response = client.get(f"/training/assign/progress?course={course.id}&format=xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = list(sheet.values)
    assert values[0][:4] == ("Сотрудник", "Организация", "Курс", "Статус") and len(values) == 4
    names = {school[n].full_name for n in ("coordinator", "teacher", "teacher2")}
    assert {row[0] for row in values[1:]} == names
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "training.progress_exported"))
    assert event.actor_id == school["coordinator"].id and event.details["rows"] == 3
    assert client.get("/training/assign/progress?format=pdf").status_code == 400


def test_the_progress_page_costs_the_same_statements_for_many_rows(make, client, auth, school, training,
                                                                    count_statements):
    course = training.course()
    assignments.assign_course(school["coordinator"], course.id, school["school"].id)
    auth.login(school["coordinator"])
    url = f"/training/assign/progress?course={course.id}"
    few = count_statements(lambda: client.get(url))
    for _number in range(10):
        make.user("teacher", organization=school["school"])
    assignments.assign_course(school["coordinator"], course.id, school["school"].id)
    for number, enrollment in enumerate(_enrolled(course).values()):
        enrollment.certificate = Certificate(number=f"2025-CCCC-{number:04d}", full_name="Ф И О",
                                             course_title=course.title, hours=36)
    db.session.commit()
    many = count_statements(lambda: client.get(url))
    assert db.session.query(Certificate).count() == 13 and many == few
