"""Sandbox pages: the home with fill and reset, the settings, a lesson, the period marks."""

import io
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.extensions import db
from app.timeutil import local_today
from training.journal import constants as c
from training.journal import lessons
from training.journal.models import Lesson, Mark, PeriodMark, SandboxClass, SandboxSchool


def text(response):
    return unescape(response.get_data(as_text=True))


def maths(school):
    return next(subject for subject in school.subjects if subject.name == "Математика")


def lesson_url(school, day, number, suffix=""):
    base = f"/journal/classes/{school.classes[0].id}/{maths(school).id}"
    return f"{base}/lessons/{day.isoformat()}/{number}{suffix}"


def open_slot(school):
    """A Maths lesson whose edit window is open (today or ahead)."""
    today = local_today()
    return lessons.lesson_slots(school.classes[0], maths(school), today, today + timedelta(days=150))[0]


def locked_slot(school):
    """A Maths lesson of last school year: long locked."""
    start = c.school_year_start(local_today()).replace(year=c.school_year_start(local_today()).year - 1)
    return lessons.lesson_slots(school.classes[0], maths(school), start, start + timedelta(days=30))[0]


# --- access --------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for url in ("/journal/", "/journal/settings", "/journal/reset"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["operator", "municipal", "coordinator"])
def test_roles_without_a_sandbox_are_refused(client, auth, role):
    auth.login(role)
    assert client.get("/journal/").status_code == 403
    assert client.get("/journal/settings").status_code == 403
    assert auth.post("/journal/fill").status_code == 403
    assert db.session.scalar(select(func.count(SandboxSchool.id))) == 0


# --- fill and reset ------------------------------------------------------------------------


def test_a_teacher_fills_the_class_and_sees_subjects_pupils_and_links(client, auth):
    teacher = auth.login("teacher")
    html = text(client.get("/journal/"))
    assert "Учебный журнал" in html and "Заполнить класс" in html and "вымышлены" in html
    response = auth.post("/journal/fill")
    assert response.status_code == 302 and response.headers["Location"].endswith("/journal/")
    html = text(client.get("/journal/"))
    school = db.session.scalar(select(SandboxSchool).where(SandboxSchool.owner_id == teacher.id))
    school_class = school.classes[0]
    assert f"Класс {school_class.name} заполнен" in html
    assert "Заполнить класс" not in html
    assert "Предметы" in html and "Расписание" in html and "Понедельник" in html
    assert f'/journal/classes/{school_class.id}/{maths(school).id}"' in html
    assert f"/journal/classes/{school_class.id}/{maths(school).id}/period/" in html
    pupil = school_class.pupils[0]
    assert pupil.full_name in html and f"/journal/diary/{pupil.id}" in html
    assert "/journal/settings" in html and "Сбросить" in html


def test_filling_needs_the_csrf_token(client, auth):
    auth.login("teacher")
    assert client.post("/journal/fill").status_code == 400
    assert db.session.scalar(select(func.count(SandboxClass.id))) == 0


def test_filling_twice_is_refused_with_a_message(client, auth):
    auth.login("teacher")
    auth.post("/journal/fill")
    response = auth.post("/journal/fill")
    assert response.status_code == 409 and "уже заполнен" in text(response)
    assert db.session.scalar(select(func.count(SandboxClass.id))) == 1


def test_reset_asks_first_then_empties_the_class(client, auth, sandbox):
    teacher = auth.login("teacher")
    school = sandbox(teacher)
    html = text(client.get("/journal/reset"))
    assert "Сбросить учебный класс?" in html and "Да, сбросить класс" in html
    assert db.session.scalar(select(func.count(SandboxClass.id))) == 1
    response = auth.post("/journal/reset")
    assert response.status_code == 302
    html = text(client.get("/journal/"))
    assert "Учебный класс удалён" in html and "Заполнить класс" in html
    assert db.session.scalar(select(func.count(SandboxClass.id))) == 0
    assert db.session.get(SandboxSchool, school.id) is not None
    response = auth.post("/journal/reset")  # nothing left to reset: a message, not an error page
    assert response.status_code == 302
    assert "и так пуст" in text(client.get("/journal/"))


# --- settings ------------------------------------------------------------------------------


def test_the_settings_form_shows_and_saves_the_settings(client, auth, sandbox):
    school = sandbox(auth.login("teacher"))
    html = text(client.get("/journal/settings"))
    for label in ("Шкала отметок", "Работа на уроке", "Контрольная работа", "Порог округления",
                  "Срок исправлений", "Минимум отметок"):
        assert label in html
    assert '<option selected value="0.50">' in html and "0,60 — 4,60 → 5, 4,59 → 4" in html
    response = auth.post("/journal/settings", {
        "mark_scale": "1-5", "weight_classwork": "1", "weight_homework": "1", "weight_test": "3",
        "weight_control": "5", "rounding_threshold": "0.60", "edit_window_days": "2", "min_marks": "4"})
    assert response.status_code == 302
    assert "Настройки сохранены" in text(client.get("/journal/settings"))
    db.session.expire_all()
    school = db.session.get(SandboxSchool, school.id)
    assert (school.mark_scale, school.rounding_threshold, school.edit_window_days, school.min_marks) == (
        "1-5", 0.6, 2, 4)
    assert school.weights == {"classwork": 1, "homework": 1, "test": 3, "control": 5}


def test_wrong_settings_come_back_with_russian_messages(client, auth, sandbox):
    sandbox(auth.login("teacher"))
    response = auth.post("/journal/settings", {
        "mark_scale": "2-5", "weight_classwork": "0", "weight_homework": "1", "weight_test": "2",
        "weight_control": "3", "rounding_threshold": "0.50", "edit_window_days": "40", "min_marks": "3"})
    html = text(response)
    assert response.status_code == 400
    assert "Вес — целое число от 1 до 10" in html and "Срок исправлений — от 0 до 30 дней" in html


def test_switching_the_scale_with_ones_in_the_journal_is_refused(client, auth, sandbox):
    school = sandbox(auth.login("teacher"))
    school.mark_scale = c.SCALE_1_5
    day, number = open_slot(school)
    lesson = lessons.ensure_lesson(school.classes[0], maths(school), day, number)
    db.session.flush()
    db.session.add(Mark(lesson_id=lesson.id, pupil_id=school.classes[0].pupils[0].id, value=1))
    db.session.commit()
    response = auth.post("/journal/settings", {
        "mark_scale": "2-5", "weight_classwork": "1", "weight_homework": "1", "weight_test": "2",
        "weight_control": "3", "rounding_threshold": "0.50", "edit_window_days": "7", "min_marks": "3"})
    assert response.status_code == 400
    assert "В журнале 1 отметка ниже 2" in text(response)
    db.session.expire_all()
    assert db.session.get(SandboxSchool, school.id).mark_scale == c.SCALE_1_5


# --- lessons -------------------------------------------------------------------------------


def test_a_lesson_page_saves_topic_homework_and_a_file(client, auth, sandbox):
    school = sandbox(auth.login("teacher"))
    day, number = open_slot(school)
    html = text(client.get(lesson_url(school, day, number)))
    assert "Математика" in html and "Тема урока" in html and "Домашнее задание" in html
    assert db.session.scalar(select(func.count(Lesson.id))) == 0  # looking creates nothing
    response = auth.post(lesson_url(school, day, number), {
        "topic": "Обыкновенные дроби", "homework": "№ 412, 415",
        "file": (io.BytesIO(b"%PDF-1.4 card"), "Карточка.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 302
    html = text(client.get(lesson_url(school, day, number)))
    assert "Урок сохранён" in html and "Обыкновенные дроби" in html and "Карточка.pdf" in html
    download = client.get(lesson_url(school, day, number, "/file"))
    assert download.status_code == 200 and download.data == b"%PDF-1.4 card"
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert "no-store" in download.headers["Cache-Control"]


def test_a_wrong_file_comes_back_with_a_message(client, auth, sandbox):
    school = sandbox(auth.login("teacher"))
    day, number = open_slot(school)
    response = auth.post(lesson_url(school, day, number), {
        "topic": "Дроби", "homework": "", "file": (io.BytesIO(b"MZ"), "run.exe")},
        content_type="multipart/form-data")
    assert response.status_code == 422 and "не поддерживается" in text(response)
    assert db.session.scalar(select(func.count(Lesson.id))) == 0


def test_a_locked_lesson_is_read_only_and_refuses_changes(client, auth, sandbox):
    school = sandbox(auth.login("teacher"))
    day, number = locked_slot(school)
    lesson = lessons.ensure_lesson(school.classes[0], maths(school), day, number)
    lesson.topic = "Старая тема"
    db.session.commit()
    html = text(client.get(lesson_url(school, day, number)))
    assert "Срок исправлений этого урока истёк" in html and "Старая тема" in html
    assert 'name="topic"' not in html
    response = auth.post(lesson_url(school, day, number), {"topic": "Новая тема", "homework": ""})
    assert response.status_code == 403 and "больше нельзя изменить" in text(response)
    db.session.expire_all()
    assert db.session.get(Lesson, lesson.id).topic == "Старая тема"


def test_lesson_urls_that_do_not_exist_are_404(client, auth, sandbox, make):
    school = sandbox(auth.login("teacher"))
    day, number = open_slot(school)
    assert client.get(lesson_url(school, day, number + 10)).status_code == 404
    wrong_day = lesson_url(school, day, number).replace(day.isoformat(), "2024-13-45")
    assert client.get(wrong_day).status_code == 404
    assert client.get(lesson_url(school, day, number, "/file")).status_code == 404
    other = sandbox()
    assert client.get(lesson_url(other, *open_slot(other))).status_code == 404


# --- period marks --------------------------------------------------------------------------


def period_url(school, period):
    return f"/journal/classes/{school.classes[0].id}/{maths(school).id}/period/{period}"


def give_marks(school, pupil, values):
    """Marks for the pupil in this school year's first quarter (always before today)."""
    start = c.school_year_start(local_today())
    slots = lessons.lesson_slots(school.classes[0], maths(school), start, c.period_bounds(c.Q1, start)[1])
    for (day, number), value in zip(slots, values, strict=False):
        lesson = lessons.ensure_lesson(school.classes[0], maths(school), day, number)
        db.session.flush()
        db.session.add(Mark(lesson_id=lesson.id, pupil_id=pupil.id, value=value))
    db.session.commit()


def test_the_period_page_proposes_and_confirms_marks(client, auth, sandbox):
    school = sandbox(auth.login("teacher"))
    first, second = school.classes[0].pupils[:2]
    give_marks(school, first, [5, 4, 5, 4])
    give_marks(school, second, [3])
    html = text(client.get(period_url(school, "q1")))
    assert "1-я четверть: Математика, класс 5 А" in html
    assert "4,50" in html and "мало отметок: 1" in html and "Подтвердить" in html
    assert f'name="mark-{first.id}"' in html and 'value="5"' in html
    response = auth.post(period_url(school, "q1"), {f"mark-{first.id}": "", f"mark-{second.id}": "4"})
    assert response.status_code == 302
    html = text(client.get(period_url(school, "q1")))
    assert "Сохранено отметок: 2, из них отличаются от предложенных: 1" in html
    saved = {row.pupil_id: row for row in db.session.scalars(select(PeriodMark))}
    assert (saved[first.id].value, saved[first.id].is_override) == (5, False)
    assert (saved[second.id].value, saved[second.id].is_override) == (4, True)
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "journal.period_marks_set")) == 1


def test_a_wrong_period_mark_names_the_pupil_and_keeps_what_was_typed(client, auth, sandbox):
    school = sandbox(auth.login("teacher"))
    first, second = school.classes[0].pupils[:2]
    give_marks(school, first, [5, 5, 5])
    response = auth.post(period_url(school, "q1"), {f"mark-{first.id}": "5", f"mark-{second.id}": "7"})
    html = text(response)
    assert response.status_code == 422
    assert "Ничего не сохранено" in html and second.short_name in html and 'value="7"' in html
    assert db.session.scalar(select(func.count(PeriodMark.id))) == 0


def test_the_period_page_of_an_unknown_period_is_404(client, auth, sandbox):
    school = sandbox(auth.login("teacher"))
    assert client.get(period_url(school, "q9")).status_code == 404
    assert client.get(period_url(school, "year")).status_code == 200


def test_a_period_post_without_csrf_is_refused(client, auth, sandbox):
    school = sandbox(auth.login("teacher"))
    assert client.post(period_url(school, "q1"), data={}).status_code == 400
    assert db.session.scalar(select(func.count(PeriodMark.id))) == 0
