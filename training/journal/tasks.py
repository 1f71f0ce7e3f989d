"""Practical tasks of the course, checked in the learner's own sandbox (registered in training.tasks).

Each check reads the sandbox with a few queries and answers done, or what exactly is still missing
in the attempt closest to done: the week, lesson or subject the learner has come furthest with.
"""

from collections import defaultdict
from datetime import timedelta

from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import distinct, func, select, union_all

from app.extensions import db
from training import tasks
from training.journal import constants as c
from training.journal import lessons as journal_lessons
from training.journal import sandbox
from training.journal.models import Attendance, Lesson, Mark, PeriodMark, Pupil
from training.tasks import TaskResult

WEEK_LESSONS = "journal-week-lessons"
LESSON_MARKS = "journal-lesson-marks"
QUARTER_MARKS = "journal-quarter-marks"
QUARTERS = (c.Q1, c.Q2, c.Q3, c.Q4)
NAMES_SHOWN = 5  # pupils named in a «missing» sentence; the rest are counted


def _school_classes(user):
    """(school, its classes) of the user's sandbox, or a TaskResult saying to fill it first."""
    school = sandbox.school_for(user)
    classes = list(school.classes) if school is not None else []
    if not classes:
        return None, TaskResult(False, [_("The practice class is not filled yet: open the practice journal "
                                          "(/journal/) and fill the class.")])
    return (school, classes), None


def _class_sizes(class_ids):
    """A subquery of (class_id, size): how many pupils each class has."""
    return select(Pupil.class_id, func.count(Pupil.id).label("size")).where(
        Pupil.class_id.in_(class_ids)).group_by(Pupil.class_id).subquery()


def _pupils_phrase(missing):
    """«у 3 учеников: Иванов Иван, …» — how many pupils lack something, and who."""
    return ngettext("%(num)d pupil: %(names)s", "%(num)d pupils: %(names)s", len(missing),
                    names=_names(missing))


def _day(day):
    return format_date(day, "dd.MM")


def _names(pupils):
    """«Иванов Иван, Петров Пётр и ещё 3» for a missing sentence."""
    shown = ", ".join(pupil.short_name for pupil in pupils[:NAMES_SHOWN])
    rest = len(pupils) - NAMES_SHOWN
    return _("%(names)s and %(n)d more", names=shown, n=rest) if rest > 0 else shown


def _missing_pupils(class_id, done_ids):
    """The class's pupils (in register order) who are not among `done_ids`."""
    query = select(Pupil).where(Pupil.class_id == class_id).order_by(Pupil.last_name, Pupil.first_name)
    return [pupil for pupil in db.session.scalars(query) if pupil.id not in done_ids]


# --- the lessons of one week: topic and homework ------------------------------------------------


def check_week_lessons(user, params):
    """Every timetable lesson of one week in one subject has a topic and homework."""
    found, refusal = _school_classes(user)
    if refusal:
        return refusal
    school, classes = found
    by_id = {school_class.id: school_class for school_class in classes}
    subjects = {subject.id: subject for subject in school.subjects}
    weeks = _weeks_entered(by_id)
    if not weeks:
        return TaskResult(False, [_("No lesson has a topic or homework yet: open the class journal in any "
                                    "subject and fill in every lesson of one week.")])
    best = None
    for (class_id, subject_id, monday), entered in weeks.items():
        subject = subjects[subject_id]
        slots = journal_lessons.lesson_slots(by_id[class_id], subject, monday, monday + timedelta(days=5))
        gaps = _week_gaps(slots, entered)
        if slots and not gaps:
            return TaskResult(True)
        score = (len(slots) - len(gaps), monday, -subject.position)
        if best is None or score > best[0]:
            best = (score, subject, monday, gaps)
    _score, subject, monday, gaps = best
    head = _("%(subject)s, the week of %(first)s–%(last)s:", subject=subject.name, first=_day(monday),
             last=_day(monday + timedelta(days=5)))
    return TaskResult(False, [f"{head} {'; '.join(gaps)}."])


def _weeks_entered(class_ids):
    """{(class id, subject id, Monday): {(day, number): row}} of the lessons with a topic or homework."""
    rows = db.session.execute(select(
        Lesson.class_id, Lesson.subject_id, Lesson.day, Lesson.number, Lesson.topic, Lesson.homework,
        Lesson.homework_file,
    ).where(Lesson.class_id.in_(class_ids), (Lesson.topic != "") | (Lesson.homework != "")
            | (Lesson.homework_file != "")))
    weeks = defaultdict(dict)
    for row in rows:
        monday = row.day - timedelta(days=row.day.weekday())
        weeks[(row.class_id, row.subject_id, monday)][(row.day, row.number)] = row
    return weeks


def _week_gaps(slots, entered):
    """What a week's timetable lessons lack, one sentence per lesson."""
    gaps = []
    for day, number in slots:
        row = entered.get((day, number))
        no_topic = row is None or not row.topic
        no_homework = row is None or not (row.homework or row.homework_file)
        where = {"day": _day(day), "number": number}
        if no_topic and no_homework:
            gaps.append(_("%(day)s, lesson %(number)d — no topic and no homework", **where))
        elif no_topic:
            gaps.append(_("%(day)s, lesson %(number)d — no topic", **where))
        elif no_homework:
            gaps.append(_("%(day)s, lesson %(number)d — no homework", **where))
    return gaps


# --- every pupil at one lesson: a mark or an attendance code ------------------------------------


def _lesson_entries(class_ids):
    """A subquery of (lesson_id, pupil_id): who has a mark (or «долг») or an attendance code, where."""
    return union_all(
        select(Mark.lesson_id, Mark.pupil_id).join(Lesson, Lesson.id == Mark.lesson_id)
        .where(Lesson.class_id.in_(class_ids)),
        select(Attendance.lesson_id, Attendance.pupil_id).join(Lesson, Lesson.id == Attendance.lesson_id)
        .where(Lesson.class_id.in_(class_ids)),
    ).subquery()


def check_lesson_marks(user, params):
    """One lesson where every pupil of the class has a mark (or «долг») or an attendance code."""
    found, refusal = _school_classes(user)
    if refusal:
        return refusal
    class_ids = [school_class.id for school_class in found[1]]
    entries = _lesson_entries(class_ids)
    pupils = func.count(distinct(entries.c.pupil_id)).label("pupils")
    counted = select(entries.c.lesson_id, pupils).group_by(entries.c.lesson_id).subquery()
    sizes = _class_sizes(class_ids)
    best = db.session.execute(
        select(Lesson, counted.c.pupils, sizes.c.size).join(counted, counted.c.lesson_id == Lesson.id)
        .join(sizes, sizes.c.class_id == Lesson.class_id)
        .order_by((counted.c.pupils * 1.0 / sizes.c.size).desc(), Lesson.day.desc(), Lesson.number.desc())
        .limit(1)
    ).first()
    if best is None:
        return TaskResult(False, [_("There are no marks yet: open the class journal and give every pupil a "
                                    "mark or an attendance code for one lesson.")])
    lesson, count, size = best
    if count >= size:
        return TaskResult(True)
    done = set(db.session.scalars(select(entries.c.pupil_id).where(entries.c.lesson_id == lesson.id)))
    missing = _missing_pupils(lesson.class_id, done)
    return TaskResult(False, [_(
        "%(subject)s, %(day)s, lesson %(number)d: no mark and no attendance code for %(pupils)s.",
        subject=lesson.subject.name, day=_day(lesson.day), number=lesson.number,
        pupils=_pupils_phrase(missing))])


# --- quarter marks of the whole class in one subject --------------------------------------------


def check_quarter_marks(user, params):
    """Every pupil of a class has a quarter mark in one subject for one quarter."""
    found, refusal = _school_classes(user)
    if refusal:
        return refusal
    school, classes = found
    sizes = _class_sizes([school_class.id for school_class in classes])
    pupils = func.count(distinct(PeriodMark.pupil_id))
    size = func.max(sizes.c.size)
    best = db.session.execute(
        select(PeriodMark.class_id, PeriodMark.subject_id, PeriodMark.period, PeriodMark.year_start,
               pupils.label("pupils"), size.label("size"))
        .join(sizes, sizes.c.class_id == PeriodMark.class_id)
        .where(PeriodMark.period.in_(QUARTERS))
        .group_by(PeriodMark.class_id, PeriodMark.subject_id, PeriodMark.period, PeriodMark.year_start)
        .order_by((pupils * 1.0 / size).desc(), PeriodMark.year_start.desc(), PeriodMark.period.desc())
        .limit(1)
    ).first()
    if best is None:
        return TaskResult(False, [_("There are no quarter marks yet: open the class journal in a subject, go "
                                    "to the period marks and set the quarter marks of the whole class.")])
    if best.pupils >= best.size:
        return TaskResult(True)
    subject = {subject.id: subject for subject in school.subjects}[best.subject_id]
    return TaskResult(False, [_quarter_gap(best, subject)])


def _quarter_gap(best, subject):
    """The sentence naming the pupils without a quarter mark in the best-filled class and subject."""
    done = set(db.session.scalars(select(PeriodMark.pupil_id).where(
        PeriodMark.class_id == best.class_id, PeriodMark.subject_id == best.subject_id,
        PeriodMark.period == best.period, PeriodMark.year_start == best.year_start)))
    missing = _missing_pupils(best.class_id, done)
    return _("%(subject)s, %(period)s: no quarter mark for %(pupils)s.", subject=subject.name,
             period=c.PERIOD_LABELS[best.period], pupils=_pupils_phrase(missing))


def register_tasks():
    """Make the sandbox checks available to course modules (idempotent)."""
    tasks.register(WEEK_LESSONS, _l("Fill in the topics and homework of every lesson of one week in one "
                                    "subject"), check_week_lessons)
    tasks.register(LESSON_MARKS, _l("Give every pupil of the class a mark (or an attendance code) for one "
                                    "lesson"), check_lesson_marks)
    tasks.register(QUARTER_MARKS, _l("Set the quarter marks of the whole class in one subject"),
                   check_quarter_marks)


register_tasks()
