"""Quarter and year marks: the journal proposes one per pupil from the averages, the teacher confirms.

A quarter's proposal comes from the weighted average of the quarter's marks. The year's comes from
the simple mean of the four confirmed quarter marks when all four exist, otherwise from the weighted
average of the whole year's marks. Fewer marks than the school's minimum raise a warning.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select

from app.audit import services as audit
from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.timeutil import local_today, utcnow
from training.journal import averages, grid_cache
from training.journal import constants as c
from training.journal.lessons import class_subject_for
from training.journal.models import Lesson, Mark, PeriodMark, Pupil, SandboxClass, SandboxSchool, Subject

QUARTERS = (c.Q1, c.Q2, c.Q3, c.Q4)


@dataclass
class PeriodRow:
    """One pupil's line: the period's marks, averages, the proposal and the saved mark."""

    pupil: Pupil
    marks: list = field(default_factory=list)  # mark values in lesson order (debts not included)
    debts: int = 0
    simple: Decimal | None = None
    weighted: Decimal | None = None
    proposal: int | None = None
    too_few: bool = False
    saved: PeriodMark | None = None
    quarters: list = field(default_factory=list)  # the year only: the four quarter marks (or None)
    from_quarters: bool = False  # the year's proposal comes from the four quarter marks

    @property
    def count(self):
        """How many marks the pupil has in the period."""
        return len(self.marks)

    @property
    def shown_value(self):
        """What the input shows: the saved mark, else the proposal."""
        if self.saved is not None:
            return self.saved.value
        return self.proposal


@dataclass
class PeriodTable:
    """The period marks page of a class in a subject."""

    school: SandboxSchool
    school_class: SandboxClass
    subject: Subject
    period: str
    year_start: date
    first_day: date
    last_day: date
    rows: list

    @property
    def scale(self):
        """The marks the school's scale allows."""
        return c.SCALES[self.school.mark_scale]

    @property
    def too_few_count(self):
        """How many pupils have fewer marks than the school's minimum."""
        return sum(1 for row in self.rows if row.too_few)


def default_period(today=None):
    """The quarter to open first: the current one, or in the holidays the one just over."""
    today = today or local_today()
    year_start = c.school_year_start(today)
    begun = [quarter for quarter in QUARTERS if c.period_bounds(quarter, year_start)[0] <= today]
    return begun[-1] if begun else c.Q1


def _marks_by_pupil(school_class, subject, first_day, last_day):
    """{pupil id: [(value, weight)]} of the marks of the class's lessons in the subject in the range."""
    rows = db.session.execute(
        select(Mark.pupil_id, Mark.value, Mark.weight)
        .join(Lesson, Mark.lesson_id == Lesson.id)
        .where(Lesson.class_id == school_class.id, Lesson.subject_id == subject.id,
               Lesson.day >= first_day, Lesson.day <= last_day)
        .order_by(Lesson.day, Lesson.number, Mark.position, Mark.id))
    found = {}
    for pupil_id, value, weight in rows:
        found.setdefault(pupil_id, []).append((value, weight))
    return found


def _saved_marks(school_class, subject, periods, year_start):
    """{(pupil id, period): PeriodMark} of the given periods of the school year."""
    rows = db.session.scalars(select(PeriodMark).where(
        PeriodMark.class_id == school_class.id, PeriodMark.subject_id == subject.id,
        PeriodMark.period.in_(periods), PeriodMark.year_start == year_start))
    return {(row.pupil_id, row.period): row for row in rows}


def _row(pupil, pairs, school, period, saved):
    """A pupil's line from their (value, weight) pairs and the saved period marks."""
    row = PeriodRow(pupil=pupil, marks=[value for value, _w in pairs if value is not None],
                    debts=sum(1 for value, _w in pairs if value is None), saved=saved.get((pupil.id, period)))
    row.simple = averages.simple_average(row.marks)
    row.weighted = averages.weighted_average(pairs)
    basis = row.weighted
    if period == c.YEAR:
        row.quarters = [saved.get((pupil.id, quarter)) for quarter in QUARTERS]
        if all(row.quarters):
            row.from_quarters = True
            basis = averages.simple_average([mark.value for mark in row.quarters])
    row.proposal = averages.propose(basis, school.rounding_threshold, school.mark_scale)
    row.too_few = not row.from_quarters and row.count < school.min_marks
    return row


def _table(school, school_class, subject, period, today):
    if period not in c.PERIODS:
        raise NotFound()
    year_start = c.school_year_start(today)
    first_day, last_day = c.period_bounds(period, year_start)
    pairs = _marks_by_pupil(school_class, subject, first_day, last_day)
    saved = _saved_marks(school_class, subject, QUARTERS + (c.YEAR,) if period == c.YEAR else (period,),
                         year_start)
    rows = [_row(pupil, pairs.get(pupil.id, []), school, period, saved) for pupil in school_class.pupils]
    return PeriodTable(school, school_class, subject, period, year_start, first_day, last_day, rows)


def period_table(user, class_id, subject_id, period, today=None):
    """Per pupil of the class: the period's marks, simple and weighted average, proposal, saved mark."""
    school, school_class, subject = class_subject_for(user, class_id, subject_id)
    return _table(school, school_class, subject, period, today or local_today())


def _parse(text, row, scale):
    """The mark to save for a row: typed, else the proposal; None to skip; ValueError when wrong."""
    text = str(text if text is not None else "").strip()
    if not text:
        return row.proposal
    if not text.isdigit() or int(text) not in scale:
        raise ValueError(text)
    return int(text)


def _chosen_values(table, values):
    """{pupil id: mark} to save, or ValidationFailed naming every pupil whose mark is wrong."""
    typed = {str(key): value for key, value in (values or {}).items()}
    chosen, errors = {}, {}
    allowed = ", ".join(str(mark) for mark in table.scale)
    for row in table.rows:
        try:
            mark = _parse(typed.get(str(row.pupil.id)), row, table.scale)
        except ValueError as wrong:
            errors[f"mark-{row.pupil.id}"] = [_("%(pupil)s: «%(value)s» is not a mark; use %(marks)s.",
                                                pupil=row.pupil.short_name, value=str(wrong), marks=allowed)]
            continue
        if mark is not None:
            chosen[row.pupil.id] = mark
    if errors:
        message = " ".join(messages[0] for messages in errors.values())
        raise ValidationFailed(_("Nothing is saved. %(errors)s", errors=message), errors)
    return chosen


def _store(table, chosen, now):
    """Create or change the PeriodMark rows; return how many differ from the proposal."""
    overrides = 0
    for row in table.rows:
        if row.pupil.id not in chosen:
            continue
        value = chosen[row.pupil.id]
        mark = row.saved or PeriodMark(class_id=table.school_class.id, subject_id=table.subject.id,
                                       pupil_id=row.pupil.id, period=table.period,
                                       year_start=table.year_start)
        mark.value, mark.proposed = value, row.proposal
        mark.is_override = value != row.proposal
        mark.confirmed_at = now
        overrides += mark.is_override
        if row.saved is None:
            db.session.add(mark)
    return overrides


def set_period_marks(user, class_id, subject_id, period, values, today=None):
    """Save the period marks: {pupil id: typed text}; empty takes the proposal. Return (saved, overridden)."""
    today = today or local_today()
    school, school_class, subject = class_subject_for(user, class_id, subject_id)
    table = _table(school, school_class, subject, period, today)
    if table.first_day > today:
        raise ValidationFailed(_("The period begins on %(day)s: its marks can be set once it has begun.",
                                 day=format_date(table.first_day, "dd.MM.yyyy")))
    chosen = _chosen_values(table, values)
    if not chosen:
        raise ValidationFailed(_("There is nothing to save: no pupil has a proposed or typed mark."))
    overrides = _store(table, chosen, utcnow())
    audit.record("journal.period_marks_set", actor=user, target=school_class, subject=subject.name,
                 period=period, year_start=table.year_start.isoformat(), saved=len(chosen),
                 overridden=overrides)
    grid_cache.touch(school)
    db.session.commit()
    return len(chosen), overrides
