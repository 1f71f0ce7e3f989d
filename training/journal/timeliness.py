"""Timeliness: were marks (or attendance) and homework entered on the lesson day? Plan item 2.4's habit.

A lesson is on time for marks when its first mark or attendance code was entered no later than the
lesson day (Moscow time), and likewise for homework. A lesson with nothing entered is late once its
day has passed; today's lessons count only once something is entered. A timetable slot since the
class was filled that has no lesson row is a lesson with nothing entered. The counts are GROUP BY
queries over the lesson rows; the empty slots are counted from the timetable, so the owner's summary
and the region's list of teachers take a fixed number of statements.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import Date, and_, case, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import joinedload
from sqlalchemy.sql.functions import FunctionElement

from app.auth import permissions
from app.auth.models import User
from app.directory.models import Person
from app.errors import PermissionDenied, ValidationFailed
from app.extensions import db
from app.pagination import ListPage
from app.parsing import parse_iso_date
from app.timeutil import MOSCOW_OFFSET, local_today
from training.journal import lessons as journal_lessons
from training.journal import sandbox
from training.journal.models import Lesson, SandboxClass, SandboxSchool, TimetableSlot

DEFAULT_DAYS = 28  # the summary looks back four weeks unless told otherwise
MAX_DAYS = 400
PER_PAGE = 50
ON_TIME, LATE, MISSING, PENDING = "on_time", "late", "missing", "pending"


class moscow_date(FunctionElement):  # noqa: N801 - used like an SQL function
    """SQL: the Moscow calendar date of a naive-UTC timestamp column."""

    type = Date()
    inherit_cache = True


@compiles(moscow_date)
def _moscow_date_default(element, compiler, **kw):
    return f"CAST(({compiler.process(element.clauses, **kw)} + INTERVAL '3 hours') AS DATE)"


@compiles(moscow_date, "sqlite")
def _moscow_date_sqlite(element, compiler, **kw):
    return f"date({compiler.process(element.clauses, **kw)}, '+3 hours')"


@dataclass
class Figures:
    """Lessons due in a row of the summary, and how many had marks and homework entered on time."""

    lessons: int = 0
    marks_due: int = 0
    marks_on_time: int = 0
    homework_due: int = 0
    homework_on_time: int = 0

    @property
    def marks_share(self):
        """Per cent of due lessons with marks on time (None when none is due)."""
        return _share(self.marks_on_time, self.marks_due)

    @property
    def homework_share(self):
        """Per cent of due lessons with homework on time (None when none is due)."""
        return _share(self.homework_on_time, self.homework_due)

    def add(self, other):
        """Sum another row's figures into this one."""
        for name in ("lessons", "marks_due", "marks_on_time", "homework_due", "homework_on_time"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _share(part, whole):
    return round(100 * part / whole) if whole else None


@dataclass
class Period:
    """The days the summary covers: `since` to `today` inclusive (Moscow dates)."""

    since: date
    today: date


def period(since_text=None, today=None):
    """The period from a `since=YYYY-MM-DD` argument (four weeks back when empty) to today."""
    today = today or local_today()
    since = parse_iso_date(since_text, "since") if since_text else today - timedelta(days=DEFAULT_DAYS - 1)
    if since > today:
        raise ValidationFailed(_("The start of the period cannot be after today."), {"since": []})
    if (today - since).days >= MAX_DAYS:
        raise ValidationFailed(_("Choose a period of at most %(n)d days.", n=MAX_DAYS), {"since": []})
    return Period(since, today)


# --- the SQL counts ----------------------------------------------------------------------------


def _on_time(column):
    return and_(column.is_not(None), moscow_date(column) <= Lesson.day)


def _count(criterion):
    return func.coalesce(func.sum(case((criterion, 1), else_=0)), 0)


def _lesson_counts(key_columns, school_ids, span):
    """{key: counts} of the lesson rows of the schools within the period, grouped by key_columns."""
    past = Lesson.day < span.today
    slot_range = and_(past, Lesson.day >= moscow_date(SandboxSchool.filled_at))
    query = (select(*key_columns,
                    _count(or_(past, Lesson.marks_entered_at.is_not(None),
                               Lesson.homework_entered_at.is_not(None))).label("lessons"),
                    _count(or_(past, Lesson.marks_entered_at.is_not(None))).label("marks_due"),
                    _count(_on_time(Lesson.marks_entered_at)).label("marks_on_time"),
                    _count(or_(past, Lesson.homework_entered_at.is_not(None))).label("homework_due"),
                    _count(_on_time(Lesson.homework_entered_at)).label("homework_on_time"),
                    _count(slot_range).label("in_slots"))
             .join(SandboxClass, SandboxClass.id == Lesson.class_id)
             .join(SandboxSchool, SandboxSchool.id == SandboxClass.school_id)
             .where(SandboxSchool.id.in_(school_ids), Lesson.day >= span.since, Lesson.day <= span.today)
             .group_by(*key_columns))
    return {tuple(row[:len(key_columns)]): row for row in db.session.execute(query)}


def _school_days(first, last):
    """Counter of weekdays over the school days from first to last."""
    days = Counter()
    day = first
    while day <= last:
        if journal_lessons.is_school_day(day):
            days[day.weekday()] += 1
        day += timedelta(days=1)
    return days


def _slot_first_day(school, span):
    """The first day whose timetable slots count: the later of the period start and the fill date."""
    filled = (school.filled_at + MOSCOW_OFFSET).date()
    return max(span.since, filled)


def _expected_slots(key_columns, schools, span):
    """{key: number of timetable lessons} from each school's first counted day to yesterday."""
    by_id = {school.id: school for school in schools if school.filled_at is not None}
    query = (select(SandboxClass.school_id, TimetableSlot.weekday, func.count(TimetableSlot.id), *key_columns)
             .join(SandboxClass, SandboxClass.id == TimetableSlot.class_id)
             .where(SandboxClass.school_id.in_(by_id))
             .group_by(SandboxClass.school_id, TimetableSlot.weekday, *key_columns))
    expected, calendars = Counter(), {}
    for school_id, weekday, count, *key in db.session.execute(query):
        if school_id not in calendars:
            calendars[school_id] = _school_days(_slot_first_day(by_id[school_id], span),
                                                span.today - timedelta(days=1))
        expected[tuple(key)] += count * calendars[school_id][weekday]
    return expected


def _figures(counts, expected):
    """The row's figures: its lesson rows plus the empty timetable slots (late in both respects)."""
    figures = Figures()
    if counts is not None:
        figures = Figures(counts.lessons, counts.marks_due, counts.marks_on_time, counts.homework_due,
                          counts.homework_on_time)
    empty = max(0, expected - (counts.in_slots if counts is not None else 0))
    figures.lessons += empty
    figures.marks_due += empty
    figures.homework_due += empty
    return figures


# --- the owner's summary -----------------------------------------------------------------------


@dataclass
class LateLesson:
    """A lesson whose marks or homework were late or missing: each status, and when it was entered."""

    school_class: SandboxClass
    subject: object
    day: date
    number: int
    marks: str
    homework: str
    lesson: Lesson | None = None


@dataclass
class ClassRow:
    """The figures of a class in a subject."""

    school_class: SandboxClass
    subject: object
    figures: Figures


@dataclass
class OwnSummary:
    """The owner's timeliness: a row per class and subject, the total, and the late lessons."""

    school: SandboxSchool | None
    span: Period
    rows: list = field(default_factory=list)
    total: Figures = field(default_factory=Figures)
    late: ListPage | None = None


def own_summary(user, span, page=1):
    """The timeliness of the user's own practice classes in the period."""
    if not permissions.can_use_sandbox(user):
        raise PermissionDenied()
    school = sandbox.school_for(user)
    summary = OwnSummary(school=school, span=span)
    if not sandbox.is_filled(school):
        return summary
    counts = _lesson_counts((Lesson.class_id, Lesson.subject_id), [school.id], span)
    expected = _expected_slots((TimetableSlot.class_id, TimetableSlot.subject_id), [school], span)
    classes = {school_class.id: school_class for school_class in school.classes}
    subjects = {subject.id: subject for subject in school.subjects}
    keys = set(counts) | set(expected)
    keys = sorted(keys, key=lambda pair: (classes[pair[0]].name, subjects[pair[1]].position))
    for class_id, subject_id in keys:
        figures = _figures(counts.get((class_id, subject_id)), expected[(class_id, subject_id)])
        summary.rows.append(ClassRow(classes[class_id], subjects[subject_id], figures))
        summary.total.add(figures)
    summary.late = ListPage(_late_lessons(school, classes, subjects, span), page, PER_PAGE)
    return summary


def _status(entered, day, today):
    if entered is None:
        return MISSING if day < today else PENDING
    return ON_TIME if (entered + MOSCOW_OFFSET).date() <= day else LATE


def _late_lessons(school, classes, subjects, span):
    """Lessons of the period with marks or homework late or missing, latest first."""
    rows = db.session.scalars(select(Lesson).where(
        Lesson.class_id.in_(classes), Lesson.day >= span.since, Lesson.day <= span.today)).all()
    late, entered = [], set()
    for lesson in rows:
        entered.add((lesson.class_id, lesson.subject_id, lesson.day, lesson.number))
        marks = _status(lesson.marks_entered_at, lesson.day, span.today)
        homework = _status(lesson.homework_entered_at, lesson.day, span.today)
        if LATE in (marks, homework) or MISSING in (marks, homework):
            late.append(LateLesson(classes[lesson.class_id], subjects[lesson.subject_id], lesson.day,
                                   lesson.number, marks, homework, lesson))
    late += _empty_slots(school, classes, subjects, span, entered)
    return sorted(late, key=lambda item: (item.day, -item.number), reverse=True)


def _empty_slots(school, classes, subjects, span, entered):
    """Timetable lessons from the first counted day to yesterday that have no lesson row at all."""
    by_weekday = defaultdict(list)
    for slot in db.session.scalars(select(TimetableSlot).where(TimetableSlot.class_id.in_(classes))):
        by_weekday[slot.weekday].append(slot)
    empty, day = [], _slot_first_day(school, span)
    while day < span.today:
        if journal_lessons.is_school_day(day):
            for slot in by_weekday[day.weekday()]:
                if (slot.class_id, slot.subject_id, day, slot.number) not in entered:
                    empty.append(LateLesson(classes[slot.class_id], subjects[slot.subject_id], day,
                                            slot.number, MISSING, MISSING))
        day += timedelta(days=1)
    return empty


# --- the region's list of teachers --------------------------------------------------------------


@dataclass
class TeacherRow:
    """A sandbox owner (teacher or coordinator) with the figures of their practice classes."""

    school: SandboxSchool
    figures: Figures


def _owners_query(user):
    return (select(SandboxSchool).join(User, User.id == SandboxSchool.owner_id)
            .join(Person, Person.id == User.person_id)
            .where(SandboxSchool.filled_at.is_not(None),
                   permissions.training_scope(Person.organization_id, user))
            .options(joinedload(SandboxSchool.owner))
            .order_by(Person.last_name, Person.first_name, Person.middle_name, SandboxSchool.id))


def teachers_summary(user, span, page=1):
    """A page of the sandbox owners within the user's scope, each with their timeliness in the period."""
    if not permissions.can_view_training_reports(user):
        raise PermissionDenied()
    owners = db.paginate(_owners_query(user), page=page, per_page=PER_PAGE, error_out=False)
    schools = list(owners.items)
    ids = [school.id for school in schools]
    counts = _lesson_counts((SandboxSchool.id,), ids, span)
    expected = _expected_slots((SandboxClass.school_id,), schools, span)
    owners.items = [TeacherRow(school, _figures(counts.get((school.id,)), expected[(school.id,)]))
                    for school in schools]
    return owners
