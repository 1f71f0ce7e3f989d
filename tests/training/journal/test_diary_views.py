"""The diary pages: the week, choosing a pupil, «прочитано», the print view and the PDF."""

import io
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from app.extensions import db
from tests.training.journal.test_diary import MONDAY, lesson_on, mark
from training.journal import constants as c
from training.journal.models import Attendance, DiaryConfirmation


@pytest.fixture
def owner_week(sandbox, make, auth):
    """The signed-in owner and a pupil with a filled Monday and an ill Tuesday in the week of MONDAY."""
    school = sandbox()
    school_class = school.classes[0]
    pupil = school_class.pupils[0]
    monday = lesson_on(school_class, MONDAY, topic="Обыкновенные дроби", homework="№ 112, 115",
                       homework_file="x.pdf", homework_filename="Карточка.pdf")
    mark(monday, pupil, 5, c.CONTROL, comment="Аккуратное решение")
    tuesday = lesson_on(school_class, date(2024, 10, 15))
    db.session.add(Attendance(lesson_id=tuesday.id, pupil_id=pupil.id, code=c.ILL))
    db.session.commit()
    auth.login(school.owner)
    return school, pupil


def url(pupil, suffix="", week="2024-10-16"):
    return f"/journal/diary/{pupil.id}{suffix}?week={week}"


def test_the_week_page_shows_the_lessons_marks_and_attendance(client, owner_week):
    school, pupil = owner_week
    page = client.get(url(pupil)).get_data(as_text=True)

    assert f"Дневник: {pupil.full_name}" in page and "14.10.2024 – 19.10.2024" in page
    assert "Понедельник, 14 октября" in page and "Суббота, 19 октября" in page
    assert "Обыкновенные дроби" in page and "№ 112, 115" in page
    assert "Карточка.pdf" in page and "/journal/classes/" in page  # the attachment's download link
    assert "<strong>5</strong>" in page and "контрольная работа, 14.10" in page
    assert "«Аккуратное решение»" in page
    assert f"{c.ILL}</span>" in page and str(c.ATTENDANCE_LABELS[c.ILL]) in page
    assert "week=2024-10-07" in page and "week=2024-10-21" in page  # previous and next week
    assert all(other.full_name in page for other in school.classes[0].pupils)  # the pupil select
    assert "Прочитано" in page and "Прочитано родителем" not in page


def test_choosing_a_pupil_opens_their_diary_for_the_same_week(client, owner_week):
    school, pupil = owner_week
    other = school.classes[0].pupils[3]
    response = client.get(f"/journal/diary/?pupil={other.id}&week=2024-10-14")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/journal/diary/{other.id}?week=2024-10-14")
    first = client.get("/journal/diary/")
    assert first.headers["Location"].endswith(f"/journal/diary/{school.classes[0].pupils[0].id}")


def test_without_a_class_the_diary_sends_the_user_to_fill_one(client, auth):
    auth.login("teacher")
    response = client.get("/journal/diary/", follow_redirects=True)
    assert "Сначала заполните учебный класс" in response.get_data(as_text=True)


def test_the_parent_confirms_the_week(client, auth, owner_week):
    _school, pupil = owner_week
    response = auth.post(url(pupil, "/confirm"), follow_redirects=True)
    page = response.get_data(as_text=True)

    assert "Неделя отмечена как прочитанная." in page and "Прочитано родителем" in page
    auth.post(url(pupil, "/confirm", week="2024-10-19"))
    assert db.session.scalar(select(func.count(DiaryConfirmation.id))) == 1
    assert "Прочитано родителем" not in client.get(url(pupil, week="2024-10-21")).get_data(as_text=True)


def test_confirming_needs_the_form_token(client, owner_week):
    _school, pupil = owner_week
    assert client.post(url(pupil, "/confirm")).status_code == 400
    assert db.session.scalar(select(func.count(DiaryConfirmation.id))) == 0


def test_the_print_view_has_the_week_without_navigation(client, owner_week):
    _school, pupil = owner_week
    page = client.get(url(pupil, "/print")).get_data(as_text=True)
    assert "Обыкновенные дроби" in page and "Неделя с 14.10.2024 по 19.10.2024" in page
    assert "navbar" not in page and "diary-print.css" in page and "Подпись родителя" in page
    assert client.get("/journal/static/journal/diary-print.css").status_code == 200


def test_the_pdf_of_the_week(client, owner_week):
    _school, pupil = owner_week
    response = client.get(url(pupil, "/week.pdf"))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    text = " ".join(PdfReader(io.BytesIO(response.data)).pages[0].extract_text().split())
    assert pupil.full_name in text and "Обыкновенные дроби" in text and "Файл: Карточка.pdf" in text


@pytest.mark.parametrize("suffix", ["", "/print", "/week.pdf"])
def test_a_wrong_week_is_a_clear_error(client, owner_week, suffix):
    _school, pupil = owner_week
    response = client.get(url(pupil, suffix, week="16.10.2024"))
    assert response.status_code == 422
    assert "Введите дату в формате ГГГГ-ММ-ДД" in response.get_data(as_text=True)


def test_someone_elses_pupil_is_not_found(client, auth, sandbox, owner_week):
    _school, pupil = owner_week
    auth.logout()
    auth.login(sandbox().owner)
    for suffix in ("", "/print", "/week.pdf"):
        assert client.get(url(pupil, suffix)).status_code == 404
    assert auth.post(url(pupil, "/confirm")).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, sandbox):
    pupil = sandbox().classes[0].pupils[0]
    response = client.get(url(pupil))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_this_week_and_the_holidays(client, owner_week):
    _school, pupil = owner_week
    assert client.get(f"/journal/diary/{pupil.id}").status_code == 200
    holidays = client.get(url(pupil, week="2024-10-30")).get_data(as_text=True)
    assert holidays.count("Каникулы: уроков нет") == 5 and "28.10.2024 – 02.11.2024" in holidays
