"""Cells of the marks grid: reading what is typed, and saving many cells in one transaction."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.errors import NotFound, ValidationFailed
from app.extensions import db
from training.journal import cells, lessons
from training.journal import constants as c
from training.journal.models import Attendance, Lesson, Mark

TODAY = date(2025, 11, 21)  # a Friday of the 2nd quarter (5 Nov – 28 Dec 2025)
WEEK = (date(2025, 11, 17), date(2025, 11, 21))


# --- parsing -------------------------------------------------------------------------------


@pytest.mark.parametrize("text, marks", [
    ("5", (5,)), ("4 5", (4, 5)), ("4/5", (4, 5)), ("4,5", (4, 5)), ("45", (4, 5)), (" 4   5 ", (4, 5)),
    ("3;2", (3, 2)), ("2", (2,)),
])
def test_marks_are_digits_separated_by_anything_or_nothing(app, text, marks):
    value = cells.parse_cell(text, c.SCALE_2_5)
    assert value.marks == marks and value.attendance is None and not value.is_debt
    assert value.entries == marks


@pytest.mark.parametrize("text, code", [
    ("н", c.ABSENT), ("Н", c.ABSENT), ("y", c.ABSENT), ("n", c.ABSENT), ("б", c.ILL), (",", c.ILL),
    ("b", c.ILL), ("п", c.EXCUSED), ("g", c.EXCUSED), ("p", c.EXCUSED), ("о", c.LATE), ("О", c.LATE),
    ("j", c.LATE), ("o", c.LATE),
])
def test_attendance_codes_also_from_latin_keys_and_capitals(app, text, code):
    value = cells.parse_cell(text, c.SCALE_2_5)
    assert value.attendance == code and value.marks == () and not value.is_empty


@pytest.mark.parametrize("text", ["д", "Д", "долг", "Долг", "l"])
def test_a_debt_is_d_or_the_word(app, text):
    value = cells.parse_cell(text, c.SCALE_2_5)
    assert value.is_debt and value.marks == () and value.entries == (None,)


@pytest.mark.parametrize("text, marks, code, debt, entries", [
    ("5 о", (5,), c.LATE, False, (5,)),
    ("о5", (5,), c.LATE, False, (5,)),
    ("5 д", (5,), None, True, (5, None)),
    ("д 4", (4,), None, True, (None, 4)),
    ("н д", (), c.ABSENT, True, (None,)),
    ("д д", (), None, True, (None,)),
    ("4,5 o", (4, 5), c.LATE, False, (4, 5)),
])
def test_combinations(app, text, marks, code, debt, entries):
    value = cells.parse_cell(text, c.SCALE_2_5)
    assert (value.marks, value.attendance, value.is_debt, value.entries) == (marks, code, debt, entries)


@pytest.mark.parametrize("text", ["", "   ", None])
def test_an_empty_cell_clears(app, text):
    assert cells.parse_cell(text, c.SCALE_2_5).is_empty


@pytest.mark.parametrize("text, message", [
    ("1", "Нет отметки 1 в шкале школы 2–5"),
    ("6", "Нет отметки 6 в шкале школы 2–5"),
    ("10", "Нет отметки 1 в шкале школы 2–5"),
    ("50", "Нет отметки 0 в шкале школы 2–5"),
    ("н 5", "«н»"),
    ("5б", "«б»"),
    ("п4", "«п»"),
    ("x", "«x»"),
    ("5+", None),
    ("н б", "один код"),
    ("55555", "не больше 4"),
    ("5" * 41, "слишком много"),
])
def test_what_cannot_be_a_cell_is_refused_in_russian(app, text, message):
    if message is None:  # «+» separates like a space
        assert cells.parse_cell(text, c.SCALE_2_5).marks == (5,)
        return
    with pytest.raises(ValidationFailed) as refused:
        cells.parse_cell(text, c.SCALE_2_5)
    assert message.lower() in refused.value.message.lower()


def test_the_scale_decides_whether_one_is_a_mark(app):
    assert cells.parse_cell("1", c.SCALE_1_5).marks == (1,)
    assert cells.parse_cell("1 2", (1, 2, 3, 4, 5)).marks == (1, 2)
    with pytest.raises(ValidationFailed):
        cells.parse_cell("1", c.SCALE_2_5)


def test_an_absent_pupil_may_owe_work_but_not_get_a_mark(app):
    assert cells.parse_cell("н д", c.SCALE_2_5).is_debt
    with pytest.raises(ValidationFailed) as refused:
        cells.parse_cell("н 5", c.SCALE_2_5)
    assert "только «о»" in refused.value.message


# --- saving --------------------------------------------------------------------------------


@pytest.fixture
def journal(app, sandbox):
    """A filled school, its class, «Математика» and its lessons in the week before TODAY."""
    school = sandbox()
    school_class = school.classes[0]
    subject = next(s for s in school.subjects if s.name == "Математика")
    slots = lessons.lesson_slots(school_class, subject, *WEEK)
    return school, school_class, subject, slots


def cell(slot, pupil, value, **extra):
    return {"day": slot[0].isoformat(), "number": slot[1], "pupil": pupil.id, "value": value, **extra}


def saved(school_class, subject, slot, pupil):
    """(values by position, attendance code) of a pupil at a lesson, from the database."""
    lesson = db.session.scalar(select(Lesson).where(Lesson.class_id == school_class.id,
                                                    Lesson.subject_id == subject.id, Lesson.day == slot[0],
                                                    Lesson.number == slot[1]))
    if lesson is None:
        return None
    marks = db.session.scalars(select(Mark).where(Mark.lesson_id == lesson.id, Mark.pupil_id == pupil.id)
                               .order_by(Mark.position)).all()
    code = db.session.scalar(select(Attendance.code).where(Attendance.lesson_id == lesson.id,
                                                            Attendance.pupil_id == pupil.id))
    return [mark.value for mark in marks], code


def events():
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == "journal.marks_saved")).all()


def test_many_cells_are_saved_in_one_request_with_a_result_each(journal):
    school, school_class, subject, slots = journal
    a, b, d = school_class.pupils[:3]
    results = cells.save_cells(school.owner, school_class.id, subject.id, [
        cell(slots[0], a, "5 4"), cell(slots[0], b, "н"), cell(slots[0], d, "3 о"), cell(slots[1], a, "д"),
    ], today=TODAY)
    assert [(r.ok, r.text) for r in results] == [(True, "5 4"), (True, "н"), (True, "3 о"), (True, "д")]
    assert results[0].key == f"{slots[0][0].isoformat()}/{slots[0][1]}/{a.id}"
    assert [m.id for m in results[0].marks] and results[0].marks[0].value == 5
    assert saved(school_class, subject, slots[0], a) == ([5, 4], None)
    assert saved(school_class, subject, slots[0], b) == ([], "н")
    assert saved(school_class, subject, slots[0], d) == ([3], "о")
    assert saved(school_class, subject, slots[1], a) == ([None], None)
    lesson = db.session.scalar(select(Lesson).where(Lesson.day == slots[0][0], Lesson.number == slots[0][1],
                                                    Lesson.subject_id == subject.id))
    assert lesson.marks_entered_at is not None
    assert len(events()) == 1 and events()[0].details["cells"] == 4


def test_new_marks_take_the_kind_and_the_school_weight(journal):
    school, school_class, subject, slots = journal
    pupil = school_class.pupils[0]
    cells.save_cells(school.owner, school_class.id, subject.id, [cell(slots[0], pupil, "4", kind=c.CONTROL)],
                     today=TODAY)
    mark = db.session.scalar(select(Mark).where(Mark.pupil_id == pupil.id))
    assert (mark.kind, mark.weight, mark.is_debt) == (c.CONTROL, 3, False)


def test_editing_a_cell_keeps_the_details_of_marks_that_stay_in_place(journal):
    school, school_class, subject, slots = journal
    pupil = school_class.pupils[0]
    owner = school.owner
    cells.save_cells(owner, school_class.id, subject.id, [cell(slots[0], pupil, "д 4", kind=c.TEST)],
                     today=TODAY)
    first = db.session.scalar(select(Mark).where(Mark.pupil_id == pupil.id, Mark.position == 0))
    first.comment = "Контрольная по дробям"
    db.session.commit()
    first_id = first.id
    # The work owed is handed in: «д» becomes a 5, the 4 goes, a code is added.
    results = cells.save_cells(owner, school_class.id, subject.id, [cell(slots[0], pupil, "5 о")],
                               today=TODAY)
    assert results[0].text == "5 о"
    marks = db.session.scalars(select(Mark).where(Mark.pupil_id == pupil.id)).all()
    assert [(m.id, m.value, m.is_debt, m.kind, m.weight, m.comment) for m in marks] == [
        (first_id, 5, False, c.TEST, 2, "Контрольная по дробям")]
    assert saved(school_class, subject, slots[0], pupil) == ([5], "о")


def test_an_empty_value_clears_the_cell(journal):
    school, school_class, subject, slots = journal
    pupil = school_class.pupils[0]
    cells.save_cells(school.owner, school_class.id, subject.id, [cell(slots[0], pupil, "4 о")], today=TODAY)
    results = cells.save_cells(school.owner, school_class.id, subject.id, [cell(slots[0], pupil, "")],
                               today=TODAY)
    assert results[0].ok and results[0].text == ""
    assert saved(school_class, subject, slots[0], pupil) == ([], None)


def test_clearing_an_untouched_lesson_creates_nothing(journal):
    school, school_class, subject, slots = journal
    results = cells.save_cells(school.owner, school_class.id, subject.id,
                               [cell(slots[0], school_class.pupils[0], "")], today=TODAY)
    assert results[0].ok
    assert db.session.scalar(select(func.count(Lesson.id))) == 0


def test_wrong_cells_come_back_with_reasons_and_the_right_ones_are_saved(journal):
    school, school_class, subject, slots = journal
    a, b = school_class.pupils[:2]
    results = cells.save_cells(school.owner, school_class.id, subject.id, [
        cell(slots[0], a, "7"), cell(slots[0], b, "5"), cell(slots[1], a, "н 4"),
    ], today=TODAY)
    assert [r.ok for r in results] == [False, True, False]
    assert "Нет отметки 7" in results[0].error and "«н»" in results[2].error
    assert saved(school_class, subject, slots[0], b) == ([5], None)
    assert saved(school_class, subject, slots[0], a) == ([], None)
    assert saved(school_class, subject, slots[1], a) is None


def test_locked_and_future_lessons_are_refused(journal):
    school, school_class, subject, slots = journal
    pupil = school_class.pupils[0]
    late = slots[0][0] + timedelta(days=school.edit_window_days + 1)
    results = cells.save_cells(school.owner, school_class.id, subject.id, [cell(slots[0], pupil, "5")],
                               today=late)
    assert not results[0].ok and "больше нельзя изменить" in results[0].error
    early = slots[0][0] - timedelta(days=1)
    results = cells.save_cells(school.owner, school_class.id, subject.id, [cell(slots[0], pupil, "5")],
                               today=early)
    assert not results[0].ok and "ещё не прошёл" in results[0].error
    assert db.session.scalar(select(func.count(Mark.id))) == 0


def test_a_slot_outside_the_timetable_or_a_stranger_pupil_is_refused(journal, sandbox):
    school, school_class, subject, slots = journal
    other = sandbox().classes[0].pupils[0]
    saturday = WEEK[1] + timedelta(days=1)
    results = cells.save_cells(school.owner, school_class.id, subject.id, [
        cell((WEEK[0], 9), school_class.pupils[0], "5"), cell(slots[0], other, "5"),
        cell((saturday, 1), school_class.pupils[0], "5"),
        {"day": "0001-01-05", "number": 1, "pupil": 1, "value": "5"}, {"value": 5}, "junk",
        cell(slots[0], school_class.pupils[0], 5), cell(slots[0], school_class.pupils[1], "5", kind="essay"),
    ], today=TODAY)
    assert [r.ok for r in results] == [False] * 8
    assert "нет такого урока" in results[0].error.lower() and "нет такого урока" in results[2].error.lower()
    assert "нет такого ученика" in results[1].error.lower()
    assert all("не распознана" in r.error for r in results[3:6])
    assert "вид работы" in results[7].error
    assert db.session.scalar(select(func.count(Mark.id))) == 0 and events() == []


def test_the_last_value_sent_for_a_cell_wins(journal):
    school, school_class, subject, slots = journal
    pupil = school_class.pupils[0]
    results = cells.save_cells(school.owner, school_class.id, subject.id,
                               [cell(slots[0], pupil, "3"), cell(slots[0], pupil, "4")], today=TODAY)
    assert len(results) == 1 and results[0].text == "4"
    assert saved(school_class, subject, slots[0], pupil) == ([4], None)


def test_only_the_owner_saves_and_a_request_must_name_cells(journal, make):
    school, school_class, subject, slots = journal
    with pytest.raises(NotFound):
        cells.save_cells(make.user("teacher"), school_class.id, subject.id,
                         [cell(slots[0], school_class.pupils[0], "5")], today=TODAY)
    for bad in (None, [], "5", {"cells": []}):
        with pytest.raises(ValidationFailed):
            cells.save_cells(school.owner, school_class.id, subject.id, bad, today=TODAY)


def test_the_lesson_form_saves_only_what_changed(journal):
    school, school_class, subject, slots = journal
    a, b = school_class.pupils[:2]
    day, number = slots[0]
    cells.save_cells(school.owner, school_class.id, subject.id, [cell(slots[0], a, "4")], today=TODAY)
    results = cells.save_lesson_marks(school.owner, school_class.id, subject.id, day, number,
                                      {a.id: " 4 ", b.id: "5 5"}, kind=c.HOMEWORK, today=TODAY)
    assert list(results) == [b.id] and results[b.id].text == "5 5"
    assert [m.kind for m in db.session.scalars(select(Mark).where(Mark.pupil_id == b.id))] == [c.HOMEWORK] * 2
    assert cells.save_lesson_marks(school.owner, school_class.id, subject.id, day, number,
                                   {a.id: "4", b.id: "5 5"}, today=TODAY) == {}
