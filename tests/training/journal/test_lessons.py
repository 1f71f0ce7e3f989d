"""Lessons from the timetable, the edit window, topics, homework and attachments."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app import uploads
from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.uploads import UploadedFile
from training.journal import lessons
from training.journal.models import Lesson, TimetableSlot

WEEK = (date(2024, 9, 9), date(2024, 9, 15))  # Monday to Sunday, in the 1st quarter
PDF = UploadedFile("Карточка.pdf", b"%PDF-1.4 worksheet")


def subject_named(school, name):
    return next(subject for subject in school.subjects if subject.name == name)


def weekdays_of(school, subject):
    slots = school.classes[0].timetable
    return {slot.weekday: slot.number for slot in slots if slot.subject_id == subject.id}


def lesson_count():
    return db.session.scalar(select(func.count(Lesson.id)))


def first_slot(school, name="Математика", first=WEEK[0], last=WEEK[1]):
    return lessons.lesson_slots(school.classes[0], subject_named(school, name), first, last)[0]


def save(school, day, number, subject="Математика", **fields):
    """update_lesson as the school's owner; today is the lesson day unless given."""
    values = {"topic": "", "homework": "", "today": day}
    values.update(fields)
    return lessons.update_lesson(school.owner, school.classes[0].id, subject_named(school, subject).id, day,
                                 number, values.pop("topic"), values.pop("homework"), **values)


# --- timetable dates -----------------------------------------------------------------------


def test_slots_follow_the_timetable_monday_to_friday(sandbox):
    school = sandbox()
    maths = subject_named(school, "Математика")
    slots = lessons.lesson_slots(school.classes[0], maths, *WEEK)
    expected = sorted((WEEK[0] + timedelta(days=weekday), number)
                      for weekday, number in weekdays_of(school, maths).items())
    assert slots == expected
    assert all(day.weekday() < 5 for day, _number in slots)
    history = subject_named(school, "История")
    assert len(lessons.lesson_slots(school.classes[0], history, *WEEK)) == 2


def test_slots_skip_the_holidays(sandbox):
    school = sandbox()
    maths = subject_named(school, "Математика")
    # The autumn holidays: 28 October to 4 November 2024.
    assert lessons.lesson_slots(school.classes[0], maths, date(2024, 10, 28), date(2024, 11, 4)) == []
    around = lessons.lesson_slots(school.classes[0], maths, date(2024, 10, 21), date(2024, 11, 10))
    assert {day for day, _number in around} == (
        {date(2024, 10, 21) + timedelta(days=n) for n in range(5)}
        | {date(2024, 11, 5) + timedelta(days=n) for n in range(4)})  # 5 Nov is a Tuesday
    assert lessons.lesson_slots(school.classes[0], maths, date(2025, 6, 1), date(2025, 8, 31)) == []


def test_lessons_by_slot_gives_only_saved_lessons_in_the_range(sandbox):
    school = sandbox()
    day, number = first_slot(school)
    save(school, day, number, topic="Натуральные числа")
    maths = subject_named(school, "Математика")
    found = lessons.lessons_by_slot(school.classes[0], maths, *WEEK)
    assert list(found) == [(day, number)] and found[(day, number)].topic == "Натуральные числа"
    assert lessons.lessons_by_slot(school.classes[0], maths, WEEK[1] + timedelta(days=1),
                                   WEEK[1] + timedelta(days=7)) == {}


def test_ensure_lesson_creates_once_without_committing(sandbox):
    school = sandbox()
    school_class, maths = school.classes[0], subject_named(school, "Математика")
    day, number = first_slot(school)
    lesson = lessons.ensure_lesson(school_class, maths, day, number)
    assert lessons.ensure_lesson(school_class, maths, day, number) is lesson
    db.session.rollback()
    assert lesson_count() == 0
    lessons.ensure_lesson(school_class, maths, day, number)
    db.session.commit()
    assert lesson_count() == 1


def test_ensure_lesson_refuses_a_slot_not_in_the_timetable(sandbox):
    school = sandbox()
    school_class, maths = school.classes[0], subject_named(school, "Математика")
    day, number = first_slot(school)
    with pytest.raises(ValidationFailed) as raised:
        lessons.ensure_lesson(school_class, maths, day, number + 10)
    assert "Математика" in raised.value.message
    with pytest.raises(ValidationFailed):
        lessons.ensure_lesson(school_class, maths, WEEK[1], 1)  # a Sunday
    holiday = date(2024, 10, 28) + timedelta(days=(day.weekday()))  # the same weekday in the holidays
    with pytest.raises(ValidationFailed):
        lessons.ensure_lesson(school_class, maths, holiday, number)
    assert lesson_count() == 0


# --- the edit window -----------------------------------------------------------------------


@pytest.mark.parametrize(("window", "days_after", "locked"), [
    (7, 0, False), (7, 7, False), (7, 8, True), (0, 0, False), (0, 1, True), (30, 30, False), (30, 31, True),
])
def test_a_lesson_locks_after_its_day_plus_the_window(sandbox, window, days_after, locked):
    school = sandbox()
    school.edit_window_days = window
    day = date(2024, 9, 10)
    assert lessons.is_locked(school, day, day + timedelta(days=days_after)) is locked


def test_a_future_lesson_is_not_locked(sandbox):
    school = sandbox()
    assert not lessons.is_locked(school, date(2024, 9, 10), date(2024, 9, 1))


# --- topic, homework, attachment -----------------------------------------------------------


def test_topic_and_homework_are_saved_and_stamped_when_first_entered(sandbox):
    school = sandbox()
    day, number = first_slot(school)
    lesson = save(school, day, number, topic="  Натуральные   числа ", homework="")
    assert lesson.topic == "Натуральные числа"
    assert lesson.topic_entered_at is not None and lesson.homework_entered_at is None
    topic_stamp = lesson.topic_entered_at
    lesson = save(school, day, number, topic="Натуральные числа и нуль", homework="§ 1, № 5, 7")
    assert lesson.topic_entered_at == topic_stamp  # the first entry counts, not the correction
    assert lesson.homework == "§ 1, № 5, 7" and lesson.homework_entered_at is not None
    assert lesson_count() == 1


def test_an_attachment_is_stored_downloadable_replaced_and_removed(sandbox):
    school = sandbox()
    day, number = first_slot(school)
    lesson = save(school, day, number, homework="Решить карточку", upload=PDF)
    assert lesson.homework_filename == "Карточка.pdf"
    found, path, content_type = lessons.homework_file_for(school.owner, lesson.class_id, lesson.subject_id,
                                                          day, number)
    assert found.id == lesson.id and path.read_bytes() == PDF.data and content_type == "application/pdf"
    assert lesson.homework_entered_at is not None
    first_path = path
    lesson = save(school, day, number, homework="Решить карточку", upload=UploadedFile("задание.txt", b"1+1"))
    assert not first_path.exists() and lesson.homework_filename == "задание.txt"
    second_path = uploads.stored_path(lessons.FOLDER, lesson.homework_file)
    lesson = save(school, day, number, homework="Решить карточку", remove_file=True)
    assert lesson.homework_file == "" and not second_path.exists()
    with pytest.raises(NotFound):
        lessons.homework_file_for(school.owner, lesson.class_id, lesson.subject_id, day, number)


def test_a_file_of_a_wrong_type_changes_nothing(sandbox):
    school = sandbox()
    day, number = first_slot(school)
    with pytest.raises(ValidationFailed) as raised:
        save(school, day, number, topic="Тема", upload=UploadedFile("virus.exe", b"MZ..."))
    assert "file" in raised.value.field_errors
    with pytest.raises(ValidationFailed) as raised:
        save(school, day, number, topic="Тема", upload=UploadedFile("fake.pdf", b"not a pdf"))
    assert "file" in raised.value.field_errors
    db.session.rollback()
    assert lesson_count() == 0


def test_a_too_long_topic_is_refused(sandbox):
    school = sandbox()
    day, number = first_slot(school)
    with pytest.raises(ValidationFailed) as raised:
        save(school, day, number, topic="а" * 301)
    assert "topic" in raised.value.field_errors


def test_a_locked_lesson_cannot_be_changed(sandbox):
    school = sandbox()
    day, number = first_slot(school)
    save(school, day, number, topic="Было")
    with pytest.raises(lessons.LessonLocked) as raised:
        save(school, day, number, topic="Стало", today=day + timedelta(days=school.edit_window_days + 1))
    assert raised.value.status_code == 403
    assert "больше нельзя изменить" in raised.value.message
    db.session.expire_all()
    assert db.session.scalar(select(Lesson.topic)) == "Было"


def test_another_teacher_cannot_reach_the_lessons(sandbox, make):
    school = sandbox()
    day, number = first_slot(school)
    save(school, day, number, topic="Своё", upload=PDF)
    intruder = make.user("teacher")
    maths = subject_named(school, "Математика")
    with pytest.raises(NotFound):
        lessons.update_lesson(intruder, school.classes[0].id, maths.id, day, number, "Чужое", "", today=day)
    with pytest.raises(NotFound):
        lessons.homework_file_for(intruder, school.classes[0].id, maths.id, day, number)
    with pytest.raises(NotFound):
        lessons.lesson_page(intruder, school.classes[0].id, maths.id, day, number)


def test_a_subject_of_another_school_is_not_found(sandbox):
    mine, other = sandbox(), sandbox()
    day, number = first_slot(mine)
    with pytest.raises(NotFound):
        lessons.lesson_page(mine.owner, mine.classes[0].id, subject_named(other, "Математика").id, day,
                            number)


def test_the_lesson_page_of_an_empty_slot_saves_nothing(sandbox):
    school = sandbox()
    day, number = first_slot(school)
    page = lessons.lesson_page(school.owner, school.classes[0].id, subject_named(school, "Математика").id,
                               day, number, today=day)
    assert page.lesson.id is None and page.lesson.topic == "" and not page.locked
    assert page.last_day == day + timedelta(days=school.edit_window_days)
    db.session.commit()
    assert lesson_count() == 0
    with pytest.raises(NotFound):
        lessons.lesson_page(school.owner, school.classes[0].id, subject_named(school, "Математика").id, day,
                            number + 10)


def test_a_saved_lesson_stays_editable_when_the_timetable_changes(sandbox):
    school = sandbox()
    day, number = first_slot(school)
    save(school, day, number, topic="Урок до замены")
    db.session.execute(TimetableSlot.__table__.delete().where(TimetableSlot.class_id == school.classes[0].id))
    db.session.commit()
    assert save(school, day, number, topic="Исправлено").topic == "Исправлено"
