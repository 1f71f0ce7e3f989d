"""Quarter and year marks: the table of averages and proposals, and confirming or overriding them."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.errors import NotFound, ValidationFailed
from app.extensions import db
from training.journal import constants as c
from training.journal import lessons, period_marks
from training.journal.models import Mark, PeriodMark

YEAR_START = date(2024, 9, 1)
IN_Q1 = date(2024, 10, 20)
IN_MAY = date(2025, 5, 20)


class Journal:
    """A filled class with marks entered directly, lesson after lesson of one subject."""

    def __init__(self, school, subject="Математика"):
        self.school = school
        self.school_class = school.classes[0]
        self.subject = next(s for s in school.subjects if s.name == subject)
        self.pupils = self.school_class.pupils

    def slots(self, first, last):
        return lessons.lesson_slots(self.school_class, self.subject, first, last)

    def marks(self, pupil, entries, first=YEAR_START, last=date(2024, 10, 27)):
        """Give the pupil one mark per lesson: entries of value or (value, kind, weight); None is a debt."""
        for (day, number), entry in zip(self.slots(first, last), entries, strict=False):
            value, kind, weight = entry if isinstance(entry, tuple) else (entry, c.CLASSWORK, 1)
            lesson = lessons.ensure_lesson(self.school_class, self.subject, day, number)
            db.session.flush()
            db.session.add(Mark(lesson_id=lesson.id, pupil_id=pupil.id, value=value, kind=kind, weight=weight,
                                is_debt=value is None))
        db.session.commit()

    def table(self, period=c.Q1, today=IN_Q1, user=None):
        return period_marks.period_table(user or self.school.owner, self.school_class.id, self.subject.id,
                                         period, today=today)

    def row(self, pupil, period=c.Q1, today=IN_Q1):
        return next(row for row in self.table(period, today).rows if row.pupil.id == pupil.id)

    def confirm(self, values, period=c.Q1, today=IN_Q1):
        return period_marks.set_period_marks(self.school.owner, self.school_class.id, self.subject.id, period,
                                             values, today=today)

    def saved(self, period=c.Q1):
        return {row.pupil_id: row for row in db.session.scalars(select(PeriodMark).where(
            PeriodMark.class_id == self.school_class.id, PeriodMark.period == period))}


@pytest.fixture
def journal(sandbox):
    return Journal(sandbox())


# --- the table -----------------------------------------------------------------------------


def test_the_quarter_row_has_the_marks_averages_and_the_proposal(journal):
    pupil = journal.pupils[0]
    journal.marks(pupil, [5, 4, (3, c.TEST, 2)])
    row = journal.row(pupil)
    assert row.marks == [5, 4, 3] and row.count == 3
    assert row.simple == Decimal(4)
    assert row.weighted == Decimal("3.75")  # (5 + 4 + 3·2) / 4
    assert row.proposal == 4
    assert not row.too_few and row.saved is None


def test_the_proposal_follows_the_school_threshold(journal):
    pupil = journal.pupils[0]
    journal.marks(pupil, [5, 4, 5, 4])  # exactly 4.5
    assert journal.row(pupil).proposal == 5
    journal.school.rounding_threshold = 0.6
    db.session.commit()
    assert journal.row(pupil).proposal == 4


def test_debts_are_counted_apart_and_left_out_of_the_averages(journal):
    pupil = journal.pupils[0]
    journal.marks(pupil, [None, 5, None, 3])
    row = journal.row(pupil)
    assert row.marks == [5, 3] and row.debts == 2 and row.weighted == Decimal(4)
    assert row.too_few  # two marks, the minimum is three


def test_too_few_marks_and_no_marks_are_flagged(journal):
    few, none = journal.pupils[0], journal.pupils[1]
    journal.marks(few, [5])
    table = journal.table()
    rows = {row.pupil.id: row for row in table.rows}
    assert rows[few.id].too_few and rows[few.id].proposal == 5
    assert rows[none.id].too_few and rows[none.id].proposal is None and rows[none.id].weighted is None
    assert table.too_few_count == len(journal.pupils)


def test_only_the_period_and_the_subject_count(journal, sandbox):
    pupil = journal.pupils[0]
    journal.marks(pupil, [5, 5, 5])
    journal.marks(pupil, [2, 2, 2], first=date(2024, 11, 5), last=date(2024, 12, 28))  # the 2nd quarter
    Journal(journal.school, "История").marks(pupil, [3, 3, 3])
    assert journal.row(pupil).marks == [5, 5, 5]
    assert journal.row(pupil, c.Q2, date(2024, 12, 20)).marks == [2, 2, 2]


def test_a_mark_below_the_scale_is_lifted_to_its_bottom(journal):
    journal.school.mark_scale = c.SCALE_1_5
    db.session.commit()
    pupil = journal.pupils[0]
    journal.marks(pupil, [1, 1, 2])
    assert journal.row(pupil).proposal == 1
    journal.school.mark_scale = c.SCALE_2_5
    db.session.commit()
    assert journal.row(pupil).proposal == 2


# --- confirming ----------------------------------------------------------------------------


def test_confirming_takes_the_proposal_or_the_typed_mark(journal):
    quiet, overridden, unmarked = journal.pupils[0], journal.pupils[1], journal.pupils[2]
    journal.marks(quiet, [5, 4, (3, c.TEST, 2)])
    journal.marks(overridden, [5, 5, 4])
    saved, changed = journal.confirm({str(quiet.id): "", str(overridden.id): " 4 ", str(unmarked.id): ""})
    assert (saved, changed) == (2, 1)
    rows = journal.saved()
    assert set(rows) == {quiet.id, overridden.id}  # no proposal, nothing typed: skipped
    assert (rows[quiet.id].value, rows[quiet.id].proposed, rows[quiet.id].is_override) == (4, 4, False)
    assert (rows[overridden.id].value, rows[overridden.id].proposed, rows[overridden.id].is_override) == (
        4, 5, True)
    assert rows[quiet.id].year_start == YEAR_START
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "journal.period_marks_set"))
    assert (event.details["saved"], event.details["overridden"], event.details["period"]) == (2, 1, "q1")


def test_a_missing_input_counts_as_empty_and_a_typed_mark_needs_no_proposal(journal):
    pupil, other = journal.pupils[0], journal.pupils[1]
    journal.marks(pupil, [3, 3, 3])
    journal.confirm({other.id: "5"})  # keys may be ids
    rows = journal.saved()
    assert rows[pupil.id].value == 3 and rows[other.id].value == 5 and rows[other.id].proposed is None
    assert rows[other.id].is_override


def test_confirming_again_changes_the_same_rows(journal):
    pupil = journal.pupils[0]
    journal.marks(pupil, [4, 4, 4])
    journal.confirm({})
    journal.confirm({pupil.id: "5"})
    assert db.session.scalar(select(func.count(PeriodMark.id))) == 1
    assert journal.saved()[pupil.id].value == 5
    assert journal.row(pupil).shown_value == 5


@pytest.mark.parametrize("typed", ["6", "1", "0", "x", "4+", "-3", "4.5"])
def test_a_mark_outside_the_scale_saves_nothing_and_names_the_pupil(journal, typed):
    good, bad = journal.pupils[0], journal.pupils[1]
    journal.marks(good, [5, 5, 5])
    with pytest.raises(ValidationFailed) as raised:
        journal.confirm({good.id: "", bad.id: typed})
    assert bad.short_name in raised.value.message and "Ничего не сохранено" in raised.value.message
    assert f"mark-{bad.id}" in raised.value.field_errors
    assert db.session.scalar(select(func.count(PeriodMark.id))) == 0


def test_nothing_to_confirm_is_refused(journal):
    with pytest.raises(ValidationFailed):
        journal.confirm({})


def test_a_period_that_has_not_begun_cannot_be_confirmed(journal):
    with pytest.raises(ValidationFailed):
        journal.confirm({journal.pupils[0].id: "5"}, period=c.Q2, today=IN_Q1)
    assert db.session.scalar(select(func.count(PeriodMark.id))) == 0


# --- the year ------------------------------------------------------------------------------


def quarter_marks(journal, pupil, values):
    for period, value in zip(("q1", "q2", "q3", "q4"), values, strict=False):
        db.session.add(PeriodMark(class_id=journal.school_class.id, subject_id=journal.subject.id,
                                  pupil_id=pupil.id, period=period, year_start=YEAR_START, value=value))
    db.session.commit()


def test_the_year_mark_comes_from_the_four_quarter_marks(journal):
    pupil = journal.pupils[0]
    journal.marks(pupil, [3, 3, 3])  # the year's marks alone would propose 3
    quarter_marks(journal, pupil, [4, 4, 5, 5])  # 4.5
    row = journal.row(pupil, c.YEAR, IN_MAY)
    assert row.from_quarters and [mark.value for mark in row.quarters] == [4, 4, 5, 5]
    assert row.proposal == 5 and not row.too_few
    journal.school.rounding_threshold = 0.6
    db.session.commit()
    assert journal.row(pupil, c.YEAR, IN_MAY).proposal == 4


def test_without_all_four_quarters_the_year_mark_comes_from_the_years_marks(journal):
    pupil = journal.pupils[0]
    journal.marks(pupil, [5, 5, (4, c.CONTROL, 3)])  # (5 + 5 + 12) / 5 = 4.4
    journal.marks(pupil, [5], first=date(2025, 1, 9), last=date(2025, 3, 22))  # (22 + 5) / 6 = 4.5
    quarter_marks(journal, pupil, [3, 3, 3])
    row = journal.row(pupil, c.YEAR, IN_MAY)
    assert not row.from_quarters and row.quarters[3] is None
    assert row.marks == [5, 5, 4, 5] and row.weighted == Decimal("4.5") and row.proposal == 5
    journal.confirm({}, period=c.YEAR, today=IN_MAY)
    assert journal.saved(c.YEAR)[pupil.id].value == 5


# --- access --------------------------------------------------------------------------------


def test_another_teacher_and_unknown_periods_are_not_found(journal, make):
    with pytest.raises(NotFound):
        journal.table(user=make.user("teacher"))
    with pytest.raises(NotFound):
        period_marks.set_period_marks(make.user("teacher"), journal.school_class.id, journal.subject.id, c.Q1,
                                      {}, today=IN_Q1)
    with pytest.raises(NotFound):
        journal.table(period="q5")


def test_the_default_period_is_the_current_or_the_last_quarter():
    assert period_marks.default_period(date(2024, 10, 1)) == c.Q1
    assert period_marks.default_period(date(2024, 11, 1)) == c.Q1  # the autumn holidays
    assert period_marks.default_period(date(2025, 2, 1)) == c.Q3
    assert period_marks.default_period(date(2025, 7, 1)) == c.Q4
    assert period_marks.default_period(date(2025, 9, 1)) == c.Q1
