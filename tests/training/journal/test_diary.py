"""The diary service: a pupil's week from the timetable and the journal, «прочитано», the PDF."""

import io
from datetime import date, datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.errors import NotFound, ValidationFailed
from app.extensions import db
from training.journal import constants as c
from training.journal import diary
from training.journal.models import Attendance, DiaryConfirmation, Lesson, Mark

MONDAY = date(2024, 10, 14)  # a week of the first quarter
HOLIDAY_MONDAY = date(2024, 10, 28)  # the autumn holidays


def slot(school_class, weekday, number=1):
    """The timetable slot of the class on a weekday at a lesson number."""
    return next(s for s in school_class.timetable if s.weekday == weekday and s.number == number)


def lesson_on(school_class, day, number=1, **fields):
    """A lesson row of the timetable slot on the day (committed)."""
    subject_id = slot(school_class, day.weekday(), number).subject_id
    lesson = Lesson(class_id=school_class.id, subject_id=subject_id, day=day, number=number, **fields)
    db.session.add(lesson)
    db.session.commit()
    return lesson


def mark(lesson, pupil, value, kind=c.CLASSWORK, **fields):
    row = Mark(lesson_id=lesson.id, pupil_id=pupil.id, value=value, kind=kind,
               weight=c.DEFAULT_WEIGHTS[kind], **fields)
    db.session.add(row)
    db.session.commit()
    return row


@pytest.fixture
def school(sandbox):
    return sandbox()


@pytest.fixture
def filled_week(school):
    """Monday lesson 1 with topic, homework, a test mark with a comment; Tuesday lesson 1: «б»."""
    school_class = school.classes[0]
    pupil, other = school_class.pupils[:2]
    monday = lesson_on(school_class, MONDAY, topic="Обыкновенные дроби", homework="№ 112, 115")
    mark(monday, pupil, 5, c.TEST, comment="Аккуратное решение")
    mark(monday, pupil, None, c.HOMEWORK, is_debt=True, position=1)
    mark(monday, other, 2, c.TEST)
    tuesday = lesson_on(school_class, date(2024, 10, 15))
    db.session.add(Attendance(lesson_id=tuesday.id, pupil_id=pupil.id, code=c.ILL))
    lesson_on(school_class, date(2024, 10, 21), topic="Следующая неделя")
    db.session.commit()
    return school.owner, pupil


def test_the_week_runs_monday_to_saturday_with_the_timetable_lessons(school):
    school_class = school.classes[0]
    week = diary.diary_week(school.owner, school_class.pupils[0].id, MONDAY)

    assert [day.day for day in week.days] == [date(2024, 10, d) for d in range(14, 20)]
    for day in week.days[:5]:
        weekday = day.day.weekday()
        expected = [(s.number, s.subject.name) for s in school_class.timetable if s.weekday == weekday]
        assert [(entry.number, entry.subject.name) for entry in day.lessons] == expected
        assert all(entry.lesson is None and not entry.marks for entry in day.lessons)
    assert week.days[5].lessons == []
    assert (week.previous, week.next, week.week_end) == (date(2024, 10, 7), date(2024, 10, 21),
                                                         date(2024, 10, 19))


def test_marks_attendance_homework_and_comments_land_on_their_days(filled_week):
    user, pupil = filled_week
    week = diary.diary_week(user, pupil.id, MONDAY)

    first = week.days[0].lessons[0]
    assert first.lesson.topic == "Обыкновенные дроби" and first.lesson.homework == "№ 112, 115"
    assert [(m.value, m.kind, m.is_debt) for m in first.marks] == [(5, c.TEST, False),
                                                                   (None, c.HOMEWORK, True)]
    assert first.comments == ["Аккуратное решение"] and first.attendance is None
    tuesday = week.days[1].lessons[0]
    assert tuesday.attendance == c.ILL and tuesday.marks == []
    assert [m.value for m in week.marks] == [5, None]  # the classmate's 2 is not in this diary
    assert all(entry.lesson is None for day in week.days[2:] for entry in day.lessons)


def test_the_holidays_show_no_timetable_lessons(school):
    week = diary.diary_week(school.owner, school.classes[0].pupils[0].id, HOLIDAY_MONDAY)
    assert not any(day.is_school_day for day in week.days)
    assert all(day.lessons == [] for day in week.days)
    assert [day.is_holiday for day in week.days] == [True] * 5 + [False]  # Saturday has no lessons anyway


def test_only_the_owner_opens_the_diary(school, make, sandbox):
    pupil = school.classes[0].pupils[0]
    for stranger in (make.user("teacher"), sandbox().owner, make.user("admin")):
        with pytest.raises(NotFound):
            diary.diary_week(stranger, pupil.id, MONDAY)
    with pytest.raises(NotFound):
        diary.diary_week(school.owner, 10 ** 9, MONDAY)


def test_the_week_argument_is_any_day_of_the_week():
    assert diary.parse_week("2024-10-17") == MONDAY
    assert diary.parse_week("", today=date(2024, 10, 19)) == MONDAY
    for wrong in ("17.10.2024", "2024-13-01", "0001-01-01"):
        with pytest.raises(ValidationFailed):
            diary.parse_week(wrong)


def test_the_parent_confirms_the_week_once(filled_week):
    user, pupil = filled_week
    first = diary.confirm_week(user, pupil.id, date(2024, 10, 16))
    again = diary.confirm_week(user, pupil.id, MONDAY)

    assert first.id == again.id and first.week_start == MONDAY
    assert db.session.scalar(select(func.count(DiaryConfirmation.id))) == 1
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "journal.diary_confirmed"))
    events = events.all()
    assert len(events) == 1 and events[0].details == {"week": "2024-10-14"}
    assert diary.diary_week(user, pupil.id, MONDAY).confirmation.id == first.id
    assert diary.diary_week(user, pupil.id, date(2024, 10, 21)).confirmation is None


def test_a_stranger_cannot_confirm(filled_week, make):
    _user, pupil = filled_week
    with pytest.raises(NotFound):
        diary.confirm_week(make.user("teacher"), pupil.id, MONDAY)
    assert db.session.scalar(select(func.count(DiaryConfirmation.id))) == 0


def test_the_week_takes_a_fixed_number_of_statements(school, count_statements):
    school_class = school.classes[0]
    pupil = school_class.pupils[0]
    db.session.expire_all()
    empty = count_statements(lambda: diary.diary_week(school.owner, pupil.id, MONDAY))
    for weekday in range(5):
        for s in [s for s in school_class.timetable if s.weekday == weekday]:
            lesson = lesson_on(school_class, date(2024, 10, 14 + weekday), s.number, topic="Тема")
            mark(lesson, pupil, 4)
            db.session.add(Attendance(lesson_id=lesson.id, pupil_id=pupil.id, code=c.LATE))
    db.session.commit()
    db.session.expire_all()
    full = count_statements(lambda: diary.diary_week(school.owner, pupil.id, MONDAY))
    assert full == empty <= 10  # with the expired owner and school reloaded


def test_the_pdf_holds_the_week(filled_week):
    user, pupil = filled_week
    diary.confirm_week(user, pupil.id, MONDAY)
    week = diary.diary_week(user, pupil.id, MONDAY)
    week.confirmation.confirmed_at = datetime(2024, 10, 19, 15, 30)  # 18:30 in Moscow

    reader = PdfReader(io.BytesIO(diary.week_pdf(week)))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())

    assert f"Дневник: {pupil.full_name}, класс 5 А" in text
    assert "Неделя с 14.10.2024 по 19.10.2024" in text
    assert "Понедельник, 14 октября" in text and "Суббота, 19 октября" in text
    assert "Обыкновенные дроби" in text and "№ 112, 115" in text
    test, homework = (str(c.WORK_KIND_LABELS[kind]).lower() for kind in (c.TEST, c.HOMEWORK))
    assert f"5 ({test})" in text and f"долг ({homework})" in text
    assert "«Аккуратное решение»" in text
    assert "Прочитано родителем 19.10.2024 18:30." in text
