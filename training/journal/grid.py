"""The marks grid of a class in a subject for a quarter: lessons by date × pupils, read in a few queries.

Whatever the class size and the number of lessons, the page costs the same handful of statements:
the class and subject, the timetable, the lessons, the pupils, the marks, the attendance codes and
the saved quarter marks, each read once into dictionaries (marks and codes as plain tuples).
grid_frame() reads the first three (the school row carries the version stamp the rendered grid is
cached under, see grid_cache.py); fill_grid() the rest, only when the cache has no grid.
"""

import gc
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from typing import NamedTuple

from sqlalchemy import func, select

from app.extensions import db
from app.timeutil import local_today
from training.journal import constants as c
from training.journal import lessons as lesson_service
from training.journal.averages import Summary, Tally
from training.journal.models import (
    Attendance,
    Lesson,
    Mark,
    PeriodMark,
    Pupil,
    SandboxClass,
    SandboxSchool,
    Subject,
)

QUARTERS = (c.Q1, c.Q2, c.Q3, c.Q4)
DEBT_SHOWN = "д"


# --- how a cell looks ----------------------------------------------------------------------


def weight_of(school, kind):
    """The school's weight for a kind of work (the default one when the setting lacks it)."""
    return int((school.weights or {}).get(kind, c.DEFAULT_WEIGHTS.get(kind, 1)))


class ShownMark(NamedTuple):
    """A mark as a cell shows it (a plain tuple: a quarter's grid holds thousands)."""

    id: int
    value: int | None  # None: work owed («д»)
    weight: int
    debt: bool
    kind: str
    comment: str


def shown_marks(marks):
    """Mark rows as the page shows them, in position order."""
    return [ShownMark(mark.id, mark.value, mark.weight, mark.is_debt, mark.kind, mark.comment or "")
            for mark in marks]


def cell_text(shown, attendance):
    """The cell as typed: «5 4», «д», «5 о», «н» («» when empty)."""
    if len(shown) == 1 and not attendance:  # the usual cell: one mark
        value = shown[0].value
        return DEBT_SHOWN if value is None else str(value)
    parts = [DEBT_SHOWN if mark.value is None else str(mark.value) for mark in shown]
    if attendance:
        parts.append(attendance)
    return " ".join(parts)


class Cell(NamedTuple):
    """One pupil at one lesson (its key is the column's key and the pupil's id)."""

    text: str = ""
    marks: tuple = ()
    attendance: str | None = None


EMPTY = Cell()  # most cells of a quarter: shared, not one object each
NOTHING = {}  # a lesson without marks or codes (never written to)


# --- periods -------------------------------------------------------------------------------


def default_period(today):
    """The quarter of the day, or in the holidays the nearest one (the one just ended or about to begin)."""
    current = c.period_of(today)
    if current is not None:
        return current
    year_start = c.school_year_start(today)

    def distance(period):
        first, last = c.period_bounds(period, year_start)
        return min(abs((today - first).days), abs((today - last).days))

    return min(QUARTERS, key=distance)


def chosen_period(period, today):
    """The quarter asked for, or the default one for anything else."""
    return period if period in QUARTERS else default_period(today)


# --- the grid ------------------------------------------------------------------------------


@dataclass
class Column:
    """A lesson of the timetable in the period (saved or not yet)."""

    day: date
    number: int
    lesson: Lesson | None
    editable: bool
    locked: bool
    future: bool
    kind: str = c.CLASSWORK
    css: str = ""  # the classes its heading and cells carry
    key: str = ""  # the first two parts of its cells' keys: «2024-11-05/2» (the pupil's id follows)
    label: str = ""  # the date as the heading shows it: «05.11»

    def __post_init__(self):
        self.key, self.label = f"{self.day.isoformat()}/{self.number}", f"{self.day:%d.%m}"

    def cell_key(self, pupil_id):
        """The name of a pupil's cell in the page and in save requests: «2024-11-05/2/17»."""
        return f"{self.key}/{pupil_id}"

    @property
    def topic(self):
        """The lesson's topic, or «» before it is entered."""
        return self.lesson.topic if self.lesson is not None else ""


@dataclass
class Row:
    """A pupil's line: a cell per column and the period's figures."""

    pupil: Pupil
    cells: list
    summary: Summary


@dataclass
class Grid:
    """The marks grid of a class in a subject for a quarter."""

    school: SandboxSchool
    school_class: SandboxClass
    subject: Subject
    period: str
    first_day: date
    last_day: date
    today: date
    columns: list = field(default_factory=list)
    rows: list = field(default_factory=list)

    @property
    def scale(self):
        """The marks the school's scale allows."""
        return c.SCALES[self.school.mark_scale]

    @property
    def weights(self):
        """(kind, weight) of the school's settings, in the usual order."""
        return [(kind, weight_of(self.school, kind)) for kind in c.WORK_KINDS]

    @property
    def year_start(self):
        """1 September of the school year shown."""
        return c.school_year_start(self.first_day)


MARK_COLUMNS = (Mark.lesson_id, Mark.pupil_id, Mark.id, Mark.value, Mark.weight, Mark.is_debt, Mark.kind,
                Mark.comment)


def _marks(lesson_ids):
    """({lesson id: {pupil id: [ShownMark]}} in position order, {lesson id: {kind: count}}), one statement.

    Read through the Core connection: ORM row processing of the quarter's 2,500 rows costs more
    than the query itself.
    """
    by_lesson, kinds = {}, {}
    if not lesson_ids:
        return by_lesson, kinds
    query = select(*MARK_COLUMNS).where(Mark.lesson_id.in_(lesson_ids)).order_by(Mark.position, Mark.id)
    make = tuple.__new__  # plain tuples: a result row's attribute lookups cost several times more
    for lesson_id, pupil_id, *shown in db.session.connection().execute(query).all():
        pupils = by_lesson.get(lesson_id)
        if pupils is None:
            pupils = by_lesson[lesson_id] = {}
            kinds[lesson_id] = {}
        counts, kind = kinds[lesson_id], shown[4]
        counts[kind] = counts.get(kind, 0) + 1
        found = pupils.get(pupil_id)
        if found is None:
            pupils[pupil_id] = [make(ShownMark, shown)]
        else:
            found.append(make(ShownMark, shown))
    return by_lesson, kinds


def _attendance(lesson_ids):
    """{lesson id: {pupil id: code}}; only the known codes (the page writes them into its markup as is)."""
    by_lesson = {}
    if lesson_ids:
        for lesson_id, pupil_id, code in db.session.execute(
                select(Attendance.lesson_id, Attendance.pupil_id, Attendance.code)
                .where(Attendance.lesson_id.in_(lesson_ids))):
            if code in c.ATTENDANCE_CODES:
                by_lesson.setdefault(lesson_id, {})[pupil_id] = code
    return by_lesson


def _saved_marks(school_class, subject, period, year_start):
    rows = db.session.execute(select(PeriodMark.pupil_id, PeriodMark.value).where(
        PeriodMark.class_id == school_class.id, PeriodMark.subject_id == subject.id,
        PeriodMark.period == period, PeriodMark.year_start == year_start))
    return dict(rows.all())


def pupils_of(school_class):
    """The class's pupils in register order (surname, name)."""
    return list(db.session.scalars(select(Pupil).where(Pupil.class_id == school_class.id)
                                   .order_by(Pupil.last_name, Pupil.first_name, Pupil.id)))


def lesson_columns(school, school_class, subject, first_day, last_day, today):
    """The timetable's lessons of the period, plus saved lessons the timetable no longer has."""
    slots = lesson_service.lesson_slots(school_class, subject, first_day, last_day)
    saved = lesson_service.lessons_by_slot(school_class, subject, first_day, last_day)
    in_timetable = set(slots)
    columns = []
    for day, number in sorted(in_timetable | set(saved)):
        locked, future = lesson_service.is_locked(school, day, today), day > today
        column = Column(day, number, saved.get((day, number)),
                        editable=(day, number) in in_timetable and not locked and not future,
                        locked=locked, future=future)
        column.css = _column_css(column, today)
        columns.append(column)
    return columns


def _column_css(column, today):
    css = "" if column.editable else " jg-ro"
    if column.locked:
        css += " jg-locked"
    if column.future:
        css += " jg-future"
    if column.day == today:
        css += " jg-today"
    return css


def _column_kinds(columns, kinds):
    """A column's kind of work: the kind most of its marks have (new marks take it), else classwork."""
    for column in columns:
        counts = kinds.get(column.lesson.id) if column.lesson is not None else None
        if counts:
            column.kind = max(counts, key=counts.get)


def _by_column(columns, marks, codes):
    """Each column's {pupil id: marks} and {pupil id: code}, looked up once rather than once per cell."""
    found = []
    for column in columns:
        lesson_id = column.lesson.id if column.lesson is not None else None
        found.append((marks.get(lesson_id, NOTHING), codes.get(lesson_id, NOTHING)))
    return found


def _row(pupil, by_column, school, saved):
    # The innermost loop of the page (a cell per pupil and lesson): tallied inline, tuples made directly.
    pupil_id, cells, tally = pupil.id, [], Tally()
    append, make, weights, counts = cells.append, tuple.__new__, tally.weights, tally.counts
    for lesson_marks, lesson_codes in by_column:
        shown, code = lesson_marks.get(pupil_id), lesson_codes.get(pupil_id)
        if shown is None:
            append(EMPTY if code is None else make(Cell, (code, (), code)))
            continue
        for mark in shown:
            value = mark[1]
            if value is None:
                tally.debts += 1
            else:
                weights[value] = weights.get(value, 0) + mark[2]
                counts[value] = counts.get(value, 0) + 1
        append(make(Cell, (cell_text(shown, code), shown, code)))
    return Row(pupil, cells, tally.summary(school, saved.get(pupil_id)))


@contextmanager
def collector_paused():
    """Hold the cyclic garbage collector while a grid is built and used, then let it run again.

    A quarter's grid allocates some 25,000 small tuples; with the collector on, that means a dozen
    young-generation passes and, every few pages, a full pass over the whole process (~150 ms).
    Nothing built here forms reference cycles: once the grid is dropped, its objects are freed
    by their reference counts, and the collector resumed afterwards has nothing of it to scan.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def journal_grid(user, class_id, subject_id, period=None, today=None):
    """The grid of the user's class in a subject for a quarter (the current or nearest one by default)."""
    frame = grid_frame(user, class_id, subject_id, period, today)
    with collector_paused():
        return fill_grid(frame)


def pupil_rows(school, school_class, columns, saved):
    """Every pupil's cells in the columns (columns get their kind of work), with the period's figures."""
    lesson_ids = [column.lesson.id for column in columns if column.lesson is not None]
    (marks, kinds), codes = _marks(lesson_ids), _attendance(lesson_ids)
    _column_kinds(columns, kinds)
    by_column = _by_column(columns, marks, codes)
    return [_row(pupil, by_column, school, saved) for pupil in pupils_of(school_class)]


def grid_frame(user, class_id, subject_id, period=None, today=None):
    """The grid's school, class, subject and quarter, checked for the user; no columns or rows yet."""
    today = today or local_today()
    school, school_class, subject = lesson_service.class_subject_for(user, class_id, subject_id)
    period = chosen_period(period, today)
    first_day, last_day = c.period_bounds(period, c.school_year_start(today))
    return Grid(school, school_class, subject, period, first_day, last_day, today)


def fill_grid(frame):
    """A copy of the frame with its columns and pupils' rows (build it with the collector paused)."""
    school, school_class, subject = frame.school, frame.school_class, frame.subject
    columns = lesson_columns(school, school_class, subject, frame.first_day, frame.last_day, frame.today)
    saved = _saved_marks(school_class, subject, frame.period, frame.year_start)
    return replace(frame, columns=columns, rows=pupil_rows(school, school_class, columns, saved))


def pupil_summaries(user, class_id, subject_id, period, pupil_ids, today=None):
    """{pupil id: figures} for some pupils of the class in a quarter, after their cells were saved."""
    today = today or local_today()
    school, school_class, subject = lesson_service.class_subject_for(user, class_id, subject_id)
    period = chosen_period(period, today)
    year_start = c.school_year_start(today)
    first_day, last_day = c.period_bounds(period, year_start)
    pupil_ids = sorted({int(pupil_id) for pupil_id in pupil_ids})
    # Summed by mark value in SQL: a handful of rows per pupil, whatever the number of marks.
    rows = db.session.execute(
        select(Mark.pupil_id, Mark.value, func.sum(Mark.weight), func.count(Mark.id))
        .join(Lesson, Mark.lesson_id == Lesson.id)
        .where(Lesson.class_id == school_class.id, Lesson.subject_id == subject.id, Lesson.day >= first_day,
               Lesson.day <= last_day, Mark.pupil_id.in_(pupil_ids))
        .group_by(Mark.pupil_id, Mark.value))
    tallies = {pupil_id: Tally() for pupil_id in pupil_ids}
    for pupil_id, value, weights, count in rows:
        tallies[pupil_id].add_many(value, int(weights), count)
    saved = _saved_marks(school_class, subject, period, year_start)
    return {pupil_id: tally.summary(school, saved.get(pupil_id)) for pupil_id, tally in tallies.items()}
