"""Lessons of the sandbox journal: dates from the timetable, the edit window, topic and homework.

A lesson row exists only once something is entered for it; until then a timetable slot (a date and
a lesson number) stands for it, so a fresh class has a whole year of empty lessons at no cost.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select

from app import uploads
from app.auth import permissions
from app.errors import NotFound, PermissionDenied, ValidationFailed
from app.extensions import db
from app.timeutil import local_today, utcnow
from training.journal import constants as c
from training.journal import grid_cache
from training.journal.models import Lesson, SandboxClass, SandboxSchool, Subject, TimetableSlot

FOLDER = "journal"  # homework attachments under instance/journal/
MAX_TOPIC = 300
MAX_HOMEWORK = 5000


class LessonLocked(PermissionDenied):
    """The lesson's edit window has closed: its marks, topic and homework stay as they are."""


# --- loading with permission checks --------------------------------------------------------


def class_subject_for(user, class_id, subject_id):
    """(school, class, subject) of the user's own sandbox, or NotFound (404 hides whose it is)."""
    school_class = db.session.get(SandboxClass, class_id)
    subject = db.session.get(Subject, subject_id)
    if school_class is None or subject is None or subject.school_id != school_class.school_id:
        raise NotFound()
    school = school_class.school
    if not permissions.can_work_in_sandbox(user, school):
        raise NotFound()
    return school, school_class, subject


# --- timetable dates -----------------------------------------------------------------------


def _numbers_by_weekday(school_class, subject):
    numbers = {}
    for slot in db.session.scalars(select(TimetableSlot).where(
            TimetableSlot.class_id == school_class.id, TimetableSlot.subject_id == subject.id)):
        numbers.setdefault(slot.weekday, []).append(slot.number)
    return {weekday: sorted(found) for weekday, found in numbers.items()}


def is_school_day(day):
    """Monday to Friday within a quarter (holidays have no lessons)."""
    return day.weekday() < 5 and c.period_of(day) is not None


def lesson_slots(school_class, subject, first_day, last_day):
    """[(day, number)] of the subject's timetable lessons from first_day to last_day, in order."""
    numbers = _numbers_by_weekday(school_class, subject)
    slots, day = [], first_day
    while day <= last_day:
        if day.weekday() in numbers and is_school_day(day):
            slots.extend((day, number) for number in numbers[day.weekday()])
        day += timedelta(days=1)
    return slots


def lessons_by_slot(school_class, subject, first_day, last_day):
    """{(day, number): Lesson} of the lessons already entered between the two days."""
    rows = db.session.scalars(select(Lesson).where(
        Lesson.class_id == school_class.id, Lesson.subject_id == subject.id,
        Lesson.day >= first_day, Lesson.day <= last_day))
    return {(lesson.day, lesson.number): lesson for lesson in rows}


def is_slot(school_class, subject, day, number):
    """Whether the timetable has the subject at this lesson number on this (school) day."""
    return is_school_day(day) and number in _numbers_by_weekday(school_class, subject).get(day.weekday(), ())


def ensure_lesson(school_class, subject, day, number):
    """The lesson of a timetable slot, added to the session when new (no commit); refuses other slots."""
    lesson = db.session.scalar(select(Lesson).where(
        Lesson.class_id == school_class.id, Lesson.subject_id == subject.id, Lesson.day == day,
        Lesson.number == number))
    if lesson is not None:
        return lesson
    if not is_slot(school_class, subject, day, number):
        raise ValidationFailed(_("%(subject)s is not in the timetable on %(day)s as lesson %(number)d.",
                                 subject=subject.name, day=format_date(day, "dd.MM.yyyy"), number=number))
    lesson = Lesson(class_id=school_class.id, subject_id=subject.id, day=day, number=number, topic="",
                    homework="", homework_file="", homework_filename="")
    db.session.add(lesson)
    return lesson


# --- the edit window -----------------------------------------------------------------------


def lock_date(school, day):
    """The last day on which the lesson of `day` may still be changed."""
    return day + timedelta(days=school.edit_window_days)


def is_locked(school, day, today=None):
    """Whether the edit window of a lesson on `day` has passed (lesson day + N days)."""
    return (today or local_today()) > lock_date(school, day)


def require_open(school, day, today=None):
    """Refuse changes to a lesson whose edit window has passed."""
    if is_locked(school, day, today):
        raise LessonLocked(_("The lesson of %(day)s can no longer be changed: the school allows changes for "
                             "%(n)d days after the lesson, until %(last)s.",
                             day=format_date(day, "dd.MM.yyyy"), n=school.edit_window_days,
                             last=format_date(lock_date(school, day), "dd.MM.yyyy")))


# --- the lesson page -----------------------------------------------------------------------


@dataclass
class LessonPage:
    """What the lesson page shows; `lesson` is unsaved (no id) while nothing has been entered."""

    school: SandboxSchool
    school_class: SandboxClass
    subject: Subject
    lesson: Lesson
    locked: bool
    last_day: date

    @property
    def period(self):
        """The quarter of the lesson (for the way back to the journal grid)."""
        return c.period_of(self.lesson.day)


def _slot_lesson(school_class, subject, day, number):
    """The saved lesson of a slot, or an unsaved empty one; NotFound when the slot is not in the timetable."""
    lesson = lessons_by_slot(school_class, subject, day, day).get((day, number))
    if lesson is not None:
        return lesson
    if not is_slot(school_class, subject, day, number):
        raise NotFound()
    return Lesson(class_id=school_class.id, subject_id=subject.id, day=day, number=number, topic="",
                  homework="", homework_file="", homework_filename="")


def lesson_page(user, class_id, subject_id, day, number, today=None):
    """The lesson of a timetable slot, with whether its edit window has passed."""
    school, school_class, subject = class_subject_for(user, class_id, subject_id)
    lesson = _slot_lesson(school_class, subject, day, number)
    return LessonPage(school, school_class, subject, lesson, is_locked(school, day, today),
                      lock_date(school, day))


def _validate(topic, homework, upload):
    errors = {}
    if len(topic) > MAX_TOPIC:
        errors["topic"] = [_("Shorten the topic to %(max)d characters.", max=MAX_TOPIC)]
    if len(homework) > MAX_HOMEWORK:
        errors["homework"] = [_("Shorten the homework to %(max)d characters.", max=MAX_HOMEWORK)]
    if upload is not None:
        try:
            uploads.check_file(upload)
        except ValidationFailed as error:
            errors["file"] = [error.message]
    if errors:
        raise ValidationFailed(_("Please correct the fields marked below."), errors)


def _replace_file(lesson, upload, remove_file):
    """Attach the new file (or drop the old one); return the stored name to delete after the commit."""
    old = lesson.homework_file
    if upload is not None:
        saved = uploads.save(FOLDER, upload)
        lesson.homework_file, lesson.homework_filename = saved["stored_name"], saved["filename"]
    elif remove_file:
        lesson.homework_file = lesson.homework_filename = ""
    return old if old and old != lesson.homework_file else ""


def update_lesson(user, class_id, subject_id, day, number, topic, homework, upload=None, today=None,
                  remove_file=False):
    """Save a lesson's topic, homework text and attachment; stamp when each was first entered."""
    school, school_class, subject = class_subject_for(user, class_id, subject_id)
    if not is_slot(school_class, subject, day, number) and not lessons_by_slot(
            school_class, subject, day, day).get((day, number)):
        raise NotFound()
    require_open(school, day, today)
    topic, homework = " ".join((topic or "").split()), (homework or "").strip()
    _validate(topic, homework, upload)
    lesson = ensure_lesson(school_class, subject, day, number)
    lesson.topic, lesson.homework = topic, homework
    dropped = _replace_file(lesson, upload, remove_file)
    now = utcnow()
    if topic and lesson.topic_entered_at is None:
        lesson.topic_entered_at = now
    if (homework or lesson.homework_file) and lesson.homework_entered_at is None:
        lesson.homework_entered_at = now
    grid_cache.touch(school)  # the topic shows in the grid's column heading
    db.session.commit()
    if dropped:
        # Only once the row no longer names it may the file go (a failed commit keeps both).
        uploads.stored_path(FOLDER, dropped).unlink(missing_ok=True)
    return lesson


def homework_file_for(user, class_id, subject_id, day, number):
    """(lesson, path, content type) of a lesson's homework attachment in the user's own sandbox."""
    _school, school_class, subject = class_subject_for(user, class_id, subject_id)
    lesson = lessons_by_slot(school_class, subject, day, day).get((day, number))
    if lesson is None or not lesson.homework_file:
        raise NotFound()
    path = uploads.stored_path(FOLDER, lesson.homework_file)
    if not path.is_file():
        raise NotFound()
    extension = lesson.homework_filename.rsplit(".", 1)[-1].lower()
    content_type = uploads.ALLOWED_TYPES.get(extension, ("application/octet-stream",))[0]
    return lesson, path, content_type


def stored_files(lessons):
    """The stored names of the lessons' attachments (to delete once their rows are gone)."""
    return [lesson.homework_file for lesson in lessons if lesson.homework_file]


def delete_files(names):
    """Remove stored homework attachments (after the commit that dropped their rows)."""
    for name in names:
        uploads.stored_path(FOLDER, name).unlink(missing_ok=True)
