"""Timeliness of entries: hand-counted figures on a fixed clock, the late lessons, the region's view."""

from datetime import date, datetime, timedelta

import pytest

from app.errors import PermissionDenied, ValidationFailed
from app.extensions import db
from app.timeutil import local_today
from training.journal import timeliness
from training.journal.lessons import is_school_day
from training.journal.models import Lesson

TODAY = date(2024, 10, 17)  # a Thursday of the first quarter
FILLED = datetime(2024, 10, 14, 5, 0)  # Monday 08:00 in Moscow
SPAN = timeliness.Period(since=date(2024, 9, 20), today=TODAY)
MATH = "Математика"  # five lessons a week: one every weekday


def subject(school, name):
    return next(s for s in school.subjects if s.name == name)


def slot_number(school_class, subject_id, day):
    return next(s.number for s in school_class.timetable
                if s.subject_id == subject_id and s.weekday == day.weekday())


def add_lesson(school_class, subject_row, day, marks_at=None, homework_at=None):
    lesson = Lesson(class_id=school_class.id, subject_id=subject_row.id, day=day, topic="Тема", homework="",
                    number=slot_number(school_class, subject_row.id, day), marks_entered_at=marks_at,
                    homework_entered_at=homework_at)
    db.session.add(lesson)
    return lesson


def slots_before_today(school_class):
    """Timetable lessons on Monday to Wednesday (the days from the fill to yesterday)."""
    return len([s for s in school_class.timetable if s.weekday in (0, 1, 2)])


@pytest.fixture
def school(sandbox):
    """A class filled on Monday 14.10 whose maths lessons were entered on time, late, or not at all."""
    school = sandbox()
    school.filled_at = FILLED
    school_class, math = school.classes[0], subject(school, MATH)
    # Monday: marks at 13:00 and homework at 23:59 Moscow time, both on the lesson day.
    add_lesson(school_class, math, date(2024, 10, 14), datetime(2024, 10, 14, 10),
               datetime(2024, 10, 14, 20, 59))
    # Tuesday: marks at 00:00 on Wednesday in Moscow (late), homework set in advance on Monday.
    add_lesson(school_class, math, date(2024, 10, 15), datetime(2024, 10, 15, 21), datetime(2024, 10, 14, 12))
    # Wednesday: nothing entered, no row at all.  Thursday (today): marks entered, homework not yet.
    add_lesson(school_class, math, date(2024, 10, 17), datetime(2024, 10, 17, 8))
    # Friday 11.10, before the class was filled: marks entered on Monday (late), homework never.
    add_lesson(school_class, math, date(2024, 10, 11), datetime(2024, 10, 14, 9))
    # Next Friday: homework set in advance; the future does not count.
    add_lesson(school_class, math, date(2024, 10, 18), None, datetime(2024, 10, 14, 9))
    db.session.commit()
    return school


def figures(row):
    f = row.figures
    return (f.lessons, f.marks_due, f.marks_on_time, f.homework_due, f.homework_on_time)


def test_the_figures_per_subject_match_a_hand_count(school):
    summary = timeliness.own_summary(school.owner, SPAN)
    rows = {row.subject.name: row for row in summary.rows}

    # Maths: Mon, Tue, Wed (empty), Thu (today, marks entered), Fri 11.10 — 5 lessons.
    # Marks due on all 5, on time on Mon and Thu; homework due on 4 (Thu is still today), on time Mon and Tue.
    assert figures(rows[MATH]) == (5, 5, 2, 4, 2)
    assert (rows[MATH].figures.marks_share, rows[MATH].figures.homework_share) == (40, 50)
    # Russian: a lesson every day, none entered — Mon to Wed are late in both respects.
    assert figures(rows["Русский язык"]) == (3, 3, 0, 3, 0)
    assert rows["Русский язык"].figures.marks_share == 0
    positions = [row.subject.position for row in summary.rows]
    assert positions == sorted(positions)

    total = slots_before_today(school.classes[0]) + 2  # + today's maths lesson and the one of 11.10
    whole = summary.total
    assert (whole.lessons, whole.marks_on_time, whole.homework_on_time) == (total, 2, 2)


def test_the_late_lessons_are_listed_latest_first(school):
    summary = timeliness.own_summary(school.owner, SPAN)
    late = summary.late.items
    maths = [(item.day, item.marks, item.homework) for item in late if item.subject.name == MATH]

    assert maths == [
        (date(2024, 10, 16), timeliness.MISSING, timeliness.MISSING),
        (date(2024, 10, 15), timeliness.LATE, timeliness.ON_TIME),
        (date(2024, 10, 11), timeliness.LATE, timeliness.MISSING),
    ]
    # Every slot from Monday to Wednesday but Monday's maths, and 11.10.
    assert summary.late.total == slots_before_today(school.classes[0])
    assert [item.day for item in late] == sorted((item.day for item in late), reverse=True)


def test_a_shorter_period_counts_only_its_days(school):
    summary = timeliness.own_summary(school.owner, timeliness.Period(date(2024, 10, 16), TODAY))
    rows = {row.subject.name: row for row in summary.rows}
    assert figures(rows[MATH]) == (2, 2, 1, 1, 0)  # Wednesday (empty) and today


def test_the_period_argument():
    assert timeliness.period("", TODAY) == timeliness.Period(date(2024, 9, 20), TODAY)
    assert timeliness.period("2024-10-01", TODAY).since == date(2024, 10, 1)
    for wrong in ("01.10.2024", "2024-10-18", "2020-01-01"):
        with pytest.raises(ValidationFailed):
            timeliness.period(wrong, TODAY)


def test_an_empty_sandbox_has_no_rows(make):
    summary = timeliness.own_summary(make.user("teacher"), SPAN)
    assert summary.rows == [] and summary.total.marks_share is None


def test_the_region_sees_every_teacher_with_their_shares(school, sandbox, make):
    idle = sandbox()
    idle.filled_at = FILLED
    db.session.commit()
    page = timeliness.teachers_summary(make.user("methodologist"), SPAN)
    rows = {row.school.owner_id: row.figures for row in page.items}

    assert set(rows) == {school.owner_id, idle.owner_id}
    assert (rows[school.owner_id].marks_on_time, rows[school.owner_id].homework_on_time) == (2, 2)
    assert rows[school.owner_id].lessons == slots_before_today(school.classes[0]) + 2
    assert rows[idle.owner_id].lessons == slots_before_today(idle.classes[0])
    assert rows[idle.owner_id].marks_share == 0 and rows[idle.owner_id].homework_share == 0


def test_municipal_and_school_coordinators_see_their_own_teachers(make, sandbox):
    municipality = make.municipality()
    own_school = make.school(municipality)
    ours = sandbox(make.user("teacher", organization=own_school))
    sandbox(make.user("teacher"))  # a teacher elsewhere
    viewers = (make.user("municipal", organization=municipality),
               make.user("school", organization=own_school))
    for viewer in viewers:
        assert [row.school.id for row in timeliness.teachers_summary(viewer, SPAN).items] == [ours.id]
    with pytest.raises(PermissionDenied):
        timeliness.teachers_summary(make.user("teacher"), SPAN)
    with pytest.raises(PermissionDenied):
        timeliness.own_summary(make.user("operator"), SPAN)


def test_the_teachers_list_takes_a_fixed_number_of_statements(school, sandbox, make, count_statements):
    viewer = make.user("methodologist")
    one = count_statements(lambda: timeliness.teachers_summary(viewer, SPAN))
    for _ in range(3):
        sandbox()
    db.session.expire_all()
    many = count_statements(lambda: timeliness.teachers_summary(viewer, SPAN))
    assert many == one


def test_the_own_summary_takes_a_fixed_number_of_statements(school, count_statements):
    owner = school.owner
    db.session.expire_all()
    before = count_statements(lambda: timeliness.own_summary(owner, SPAN))
    russian = subject(school, "Русский язык")
    add_lesson(school.classes[0], russian, date(2024, 10, 14), datetime(2024, 10, 14, 9))
    db.session.commit()
    db.session.expire_all()
    assert count_statements(lambda: timeliness.own_summary(owner, SPAN)) == before


# --- the pages (on the real clock) ---------------------------------------------------------------


def last_school_day():
    day = local_today() - timedelta(days=1)
    while not is_school_day(day):
        day -= timedelta(days=1)
    return day


def test_the_owner_page_lists_the_late_lessons(client, auth, sandbox):
    school = sandbox()
    day = last_school_day()
    school.filled_at = datetime.combine(day - timedelta(days=1), datetime.min.time())
    db.session.commit()
    auth.login(school.owner)
    page = client.get(f"/journal/diary/timeliness?since={day.isoformat()}").get_data(as_text=True)

    assert "Своевременность заполнения журнала" in page and "Математика" in page
    assert f"Уроки с {day:%d.%m.%Y} по {local_today():%d.%m.%Y} (сегодня)" in page
    lessons_that_day = [s for s in school.classes[0].timetable if s.weekday == day.weekday()]
    assert page.count(">не внесено</span>") == 2 * len(lessons_that_day)  # marks and homework of each
    assert "Своевременность заполнения по учителям" not in page  # a teacher has no region view


def test_a_fresh_class_has_no_late_lessons(client, auth, sandbox):
    auth.login(sandbox().owner)
    page = client.get("/journal/diary/timeliness").get_data(as_text=True)
    assert "За этот период все уроки заполнены вовремя." in page


@pytest.mark.parametrize("since, message", [
    ("01.10.2024", "Введите дату в формате ГГГГ-ММ-ДД"),
    ("2999-01-01", "Начало периода не может быть позже сегодняшнего дня."),
])
def test_a_wrong_period_is_a_clear_error(client, auth, sandbox, since, message):
    auth.login(sandbox().owner)
    response = client.get(f"/journal/diary/timeliness?since={since}")
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    auth.logout()
    auth.login("methodologist")
    response = client.get(f"/journal/diary/timeliness/teachers?since={since}")
    assert response.status_code == 422 and message in response.get_data(as_text=True)


def test_the_teachers_page_is_for_the_region_and_coordinators(client, auth, sandbox, make):
    school = sandbox()
    auth.login(school.owner)
    assert client.get("/journal/diary/timeliness/teachers").status_code == 403
    auth.logout()
    auth.login("methodologist")
    page = client.get("/journal/diary/timeliness/teachers").get_data(as_text=True)
    assert "Своевременность заполнения по учителям" in page and school.owner.full_name in page
    assert client.get("/journal/diary/timeliness").status_code == 200  # methodologists practise too
    auth.logout()
    auth.login("operator")
    assert client.get("/journal/diary/timeliness").status_code == 403
