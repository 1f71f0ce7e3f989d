"""The marks grid's data: columns from the timetable, cells, hand-computed averages, fixed query count."""

from datetime import date, timedelta

import pytest
from sqlalchemy import delete, select

from app.errors import NotFound
from app.extensions import db
from training.journal import cells, grid, lessons, marks
from training.journal import constants as c
from training.journal.models import Lesson, Mark, PeriodMark, Pupil

TODAY = date(2025, 11, 21)  # Friday; the 2nd quarter of 2025/26 runs 5 Nov – 28 Dec
Q2 = (date(2025, 11, 5), date(2025, 12, 28))


def math(school):
    return next(s for s in school.subjects if s.name == "Математика")


def save(school, values, today=TODAY):
    """Save {(slot, pupil): text} through the real service; every cell must be accepted."""
    subject, school_class = math(school), school.classes[0]
    cells_ = [{"day": slot[0].isoformat(), "number": slot[1], "pupil": pupil.id, "value": text, "kind": kind}
              for (slot, pupil, kind), text in values.items()]
    results = cells.save_cells(school.owner, school_class.id, subject.id, cells_, today=today)
    assert all(result.ok for result in results), [result.error for result in results]


@pytest.mark.parametrize("today, period", [
    (date(2025, 11, 21), c.Q2), (date(2025, 9, 1), c.Q1), (date(2025, 10, 30), c.Q1),
    (date(2025, 11, 3), c.Q2), (date(2026, 3, 28), c.Q4), (date(2026, 7, 15), c.Q4),
    (date(2026, 1, 20), c.Q3),
])
def test_the_default_quarter_is_the_current_or_the_nearest_one(today, period):
    assert grid.default_period(today) == period


def test_columns_are_the_timetable_lessons_of_the_quarter(app, sandbox):
    school = sandbox()
    school_class, subject = school.classes[0], math(school)
    page = grid.journal_grid(school.owner, school_class.id, subject.id, "q2", today=TODAY)
    expected = lessons.lesson_slots(school_class, subject, *Q2)
    assert [(col.day, col.number) for col in page.columns] == expected
    assert (page.first_day, page.last_day, page.period) == (*Q2, c.Q2)
    assert len(page.rows) == len(school_class.pupils)
    assert [row.pupil.last_name for row in page.rows] == sorted(row.pupil.last_name for row in page.rows)
    by_day = {col.day: col for col in page.columns}
    # Edit window of 7 days: 13 Nov and before are locked; 24 Nov is still to come; today is open.
    assert by_day[date(2025, 11, 13)].locked and not by_day[date(2025, 11, 13)].editable
    assert by_day[date(2025, 11, 14)].editable
    assert by_day[date(2025, 11, 24)].future and not by_day[date(2025, 11, 24)].editable
    assert by_day[TODAY].editable and "jg-today" in by_day[TODAY].css


def test_an_unknown_period_falls_back_to_the_current_quarter(app, sandbox):
    school = sandbox()
    page = grid.journal_grid(school.owner, school.classes[0].id, math(school).id, "zzz", today=TODAY)
    assert page.period == c.Q2


def test_cells_and_hand_computed_averages(app, sandbox):
    school = sandbox()
    school_class, subject = school.classes[0], math(school)
    a, b, d = school_class.pupils[:3]
    s1, s2, s3 = lessons.lesson_slots(school_class, subject, date(2025, 11, 17), TODAY)[:3]
    save(school, {(s1, a, c.CLASSWORK): "5", (s2, a, c.TEST): "4 д", (s3, a, c.CONTROL): "3 о",
                  (s1, b, c.CLASSWORK): "5 4", (s2, b, c.CLASSWORK): "н"})
    page = grid.journal_grid(school.owner, school_class.id, subject.id, today=TODAY)
    rows = {row.pupil.id: row for row in page.rows}
    keyed = {column.cell_key(a.id): cell for column, cell in zip(page.columns, rows[a.id].cells, strict=True)}
    first = keyed[f"{s1[0].isoformat()}/{s1[1]}/{a.id}"]
    assert first.text == "5" and first.marks[0].weight == 1
    second = keyed[f"{s2[0].isoformat()}/{s2[1]}/{a.id}"]
    assert second.text == "4 д" and [m.weight for m in second.marks] == [2, 2]
    assert keyed[f"{s3[0].isoformat()}/{s3[1]}/{a.id}"].text == "3 о"
    # a: 5·1 + 4·2 + 3·3 = 22 over weights 6 → 3.666… (debt skipped); simple (5+4+3)/3 = 4.
    summary = rows[a.id].summary
    assert (summary.count, summary.debts, summary.too_few) == (3, 1, False)
    assert summary.as_json() == {"count": 3, "simple": "4,00", "weighted": "3,67", "proposal": "4",
                                 "too_few": False, "saved": ""}
    # b: 5 and 4 at weight 1 → exactly 4.5, which the 0.5 threshold rounds up; too few marks for 3.
    assert rows[b.id].summary.as_json() == {"count": 2, "simple": "4,50", "weighted": "4,50", "proposal": "5",
                                            "too_few": True, "saved": ""}
    assert rows[d.id].summary.as_json() == {"count": 0, "simple": "", "weighted": "", "proposal": "",
                                            "too_few": True, "saved": ""}
    by_slot = {(col.day, col.number): col for col in page.columns}
    assert by_slot[s2].kind == c.TEST and by_slot[s3].kind == c.CONTROL and by_slot[s1].kind == c.CLASSWORK


def test_the_school_threshold_decides_the_proposal_at_the_edge(app, sandbox):
    school = sandbox()
    school.rounding_threshold = 0.6
    db.session.commit()
    school_class, subject = school.classes[0], math(school)
    pupil = school_class.pupils[0]
    s1, s2 = lessons.lesson_slots(school_class, subject, date(2025, 11, 17), TODAY)[:2]
    save(school, {(s1, pupil, c.CLASSWORK): "5 4", (s2, pupil, c.CLASSWORK): "5 4"})
    summary = grid.pupil_summaries(school.owner, school_class.id, subject.id, "q2", [pupil.id],
                                   today=TODAY)[pupil.id]
    assert (averages_text(summary), summary.proposal) == ("4,50", 4)


def averages_text(summary):
    return summary.as_json()["weighted"]


def test_a_saved_quarter_mark_is_shown(app, sandbox):
    school = sandbox()
    school_class, subject = school.classes[0], math(school)
    pupil = school_class.pupils[0]
    db.session.add(PeriodMark(class_id=school_class.id, subject_id=subject.id, pupil_id=pupil.id, period="q2",
                              year_start=date(2025, 9, 1), proposed=None, value=4))
    db.session.commit()
    page = grid.journal_grid(school.owner, school_class.id, subject.id, "q2", today=TODAY)
    assert page.rows[[row.pupil.id for row in page.rows].index(pupil.id)].summary.saved == 4


def test_only_the_owner_sees_the_grid(app, sandbox, make):
    school = sandbox()
    with pytest.raises(NotFound):
        grid.journal_grid(make.user("teacher"), school.classes[0].id, math(school).id, today=TODAY)
    with pytest.raises(NotFound):
        grid.journal_grid(school.owner, school.classes[0].id, 10**6, today=TODAY)


def test_the_lesson_form_data_and_a_slot_that_is_not_a_lesson(app, sandbox):
    school = sandbox()
    school_class, subject = school.classes[0], math(school)
    slot = lessons.lesson_slots(school_class, subject, date(2025, 11, 17), TODAY)[0]
    pupil = school_class.pupils[0]
    save(school, {(slot, pupil, c.HOMEWORK): "4"})
    page = marks.lesson_marks(school.owner, school_class.id, subject.id, *slot, today=TODAY)
    assert page.cells[pupil.id].text == "4" and page.column.kind == c.HOMEWORK and page.period == c.Q2
    assert len(page.cells) == len(school_class.pupils)
    with pytest.raises(NotFound):
        marks.lesson_marks(school.owner, school_class.id, subject.id, slot[0], 9, today=TODAY)


def _fill_marks(school, pupils_wanted):
    """Keep `pupils_wanted` pupils and give each a mark and a code at every lesson of the quarter so far."""
    school_class, subject = school.classes[0], math(school)
    keep = [pupil.id for pupil in school_class.pupils[:pupils_wanted]]
    db.session.execute(delete(Pupil).where(Pupil.class_id == school_class.id, Pupil.id.not_in(keep)))
    db.session.commit()
    db.session.expire_all()
    for day, number in lessons.lesson_slots(school_class, subject, Q2[0], TODAY):
        lesson = lessons.ensure_lesson(school_class, subject, day, number)
        db.session.flush()
        for pupil_id in keep:
            db.session.add(Mark(lesson_id=lesson.id, pupil_id=pupil_id, value=4, weight=1))
    db.session.commit()
    return school_class, subject


def test_the_grid_costs_the_same_statements_for_5_and_30_pupils(app, sandbox, count_statements):
    small = sandbox(seed=1)
    large = sandbox(seed=2)
    while len(large.classes[0].pupils) < 30:
        number = len(large.classes[0].pupils)
        large.classes[0].pupils.append(Pupil(last_name="Яковлев", first_name=f"Ученик {number}"))
    db.session.commit()
    counts = []
    for school, size in ((small, 5), (large, 30)):
        school_class, subject = _fill_marks(school, size)
        owner, class_id, subject_id = school.owner, school_class.id, subject.id
        db.session.expire_all()
        counts.append(count_statements(
            lambda owner=owner, class_id=class_id, subject_id=subject_id: grid.journal_grid(
                owner, class_id, subject_id, "q2", today=TODAY)))
        assert db.session.scalar(select(Lesson.id).where(Lesson.class_id == school_class.id)) is not None
    page = grid.journal_grid(large.owner, large.classes[0].id, math(large).id, "q2", today=TODAY)
    past = [col for col in page.columns if col.day <= TODAY]
    assert len(page.rows) == 30 and all(row.summary.count == len(past) for row in page.rows)
    assert counts[0] == counts[1] and counts[0] <= 10, counts


def test_dates_after_the_quarter_end_are_not_columns(app, sandbox):
    school = sandbox()
    page = grid.journal_grid(school.owner, school.classes[0].id, math(school).id, "q1",
                             today=Q2[0] + timedelta(days=1))
    assert page.columns and all(date(2025, 9, 1) <= col.day <= date(2025, 10, 27) for col in page.columns)
    assert all(col.locked for col in page.columns if col.day < date(2025, 10, 29))
