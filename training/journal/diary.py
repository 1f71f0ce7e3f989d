"""The pupil's and parent's diary: a week of lessons, marks, attendance and homework; «прочитано».

In the sandbox the owner plays the parent too: only they open the diary of their generated pupils.
A week page takes a fixed number of queries: the pupil, the class list, the timetable, the week's
lessons, the pupil's marks and attendance in them, and the confirmation.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import format_date, format_datetime
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app import pdf
from app.audit import services as audit
from app.auth import permissions
from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.parsing import parse_iso_date
from app.timeutil import local_today
from training.journal import constants as c
from training.journal import lessons as journal_lessons
from training.journal.models import (
    Attendance,
    DiaryConfirmation,
    Lesson,
    Mark,
    Pupil,
    SandboxClass,
    TimetableSlot,
)

DAYS = 6  # Monday to Saturday, as a paper diary has them
FIRST_YEAR, LAST_YEAR = 2000, 2100  # weeks a diary may show (and the previous/next links stay dates)


@dataclass
class DiaryLesson:
    """One lesson of a day in the diary: the timetable's subject, what was entered, the pupil's results."""

    number: int
    subject: object
    lesson: Lesson | None = None
    marks: list = field(default_factory=list)
    attendance: str | None = None

    @property
    def comments(self):
        """The teacher's comments on the pupil's marks."""
        return [mark.comment for mark in self.marks if mark.comment]


@dataclass
class DiaryDay:
    """A day of the diary week with its lessons in order."""

    day: date
    lessons: list = field(default_factory=list)
    is_school_day: bool = True

    @property
    def is_holiday(self):
        """A weekday of the holidays (no timetable lessons)."""
        return not self.is_school_day and self.day.weekday() < 5


@dataclass
class DiaryWeek:
    """A pupil's diary week and what the page needs around it."""

    pupil: Pupil
    school_class: SandboxClass
    week_start: date
    days: list
    pupils: list
    confirmation: DiaryConfirmation | None

    @property
    def week_end(self):
        """The Saturday closing the week."""
        return self.week_start + timedelta(days=DAYS - 1)

    @property
    def previous(self):
        """Monday of the week before."""
        return self.week_start - timedelta(days=7)

    @property
    def next(self):
        """Monday of the week after."""
        return self.week_start + timedelta(days=7)

    @property
    def marks(self):
        """Every mark of the week, in the order of the days and lessons."""
        return [mark for day in self.days for entry in day.lessons for mark in entry.marks]


def monday_of(day):
    """The Monday of the day's week."""
    return day - timedelta(days=day.weekday())


def parse_week(text, today=None):
    """The Monday of the week a `week=YYYY-MM-DD` argument names (this week when empty)."""
    if not text:
        return monday_of(today or local_today())
    day = parse_iso_date(text, "week")
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValidationFailed(_("There is no diary for %(year)d.", year=day.year))
    return monday_of(day)


def pupil_for(user, pupil_id):
    """A pupil of the user's own sandbox (with class and school), or NotFound (404 hides whose it is)."""
    pupil = db.session.scalar(select(Pupil).where(Pupil.id == pupil_id).options(
        joinedload(Pupil.school_class).joinedload(SandboxClass.school)))
    if pupil is None or not permissions.can_work_in_sandbox(user, pupil.school_class.school):
        raise NotFound()
    return pupil


def _timetable(school_class):
    """{weekday: [slot, …]} of the class, slots with their subjects."""
    slots = db.session.scalars(select(TimetableSlot).where(TimetableSlot.class_id == school_class.id)
                               .options(joinedload(TimetableSlot.subject))
                               .order_by(TimetableSlot.weekday, TimetableSlot.number))
    by_weekday = {}
    for slot in slots:
        by_weekday.setdefault(slot.weekday, []).append(slot)
    return by_weekday


def _week_lessons(pupil, first, last):
    """The class's lessons of the week and the pupil's marks and attendance codes in them."""
    lessons = db.session.scalars(select(Lesson).where(
        Lesson.class_id == pupil.class_id, Lesson.day >= first, Lesson.day <= last)
        .options(joinedload(Lesson.subject))).all()
    ids = [lesson.id for lesson in lessons]
    marks = db.session.scalars(select(Mark).where(Mark.pupil_id == pupil.id, Mark.lesson_id.in_(ids))
                               .order_by(Mark.lesson_id, Mark.position, Mark.id)).all()
    codes = dict(db.session.execute(select(Attendance.lesson_id, Attendance.code).where(
        Attendance.pupil_id == pupil.id, Attendance.lesson_id.in_(ids))).all())
    return lessons, marks, codes


def _day(day, slots, lessons, marks, codes):
    """The diary lessons of a day: the timetable's, merged with the lessons entered that day."""
    is_school_day = journal_lessons.is_school_day(day)
    entries = {}
    if is_school_day:
        for slot in slots:
            entries[(slot.number, slot.subject_id)] = DiaryLesson(number=slot.number, subject=slot.subject)
    for lesson in lessons:
        key = (lesson.number, lesson.subject_id)
        entry = entries.setdefault(key, DiaryLesson(number=lesson.number, subject=lesson.subject))
        entry.lesson = lesson
        entry.marks = marks.get(lesson.id, [])
        entry.attendance = codes.get(lesson.id)
    ordered = sorted(entries.values(), key=lambda entry: (entry.number, entry.subject.position))
    return DiaryDay(day=day, lessons=ordered, is_school_day=is_school_day)


def diary_week(user, pupil_id, week_start):
    """The pupil's diary for the week starting on `week_start` (a Monday), Monday to Saturday."""
    pupil = pupil_for(user, pupil_id)
    school_class = pupil.school_class
    pupils = db.session.scalars(select(Pupil).where(Pupil.class_id == school_class.id)
                                .order_by(Pupil.last_name, Pupil.first_name, Pupil.id)).all()
    timetable = _timetable(school_class)
    last = week_start + timedelta(days=DAYS - 1)
    lessons, marks, codes = _week_lessons(pupil, week_start, last)
    marks_by_lesson = {}
    for mark in marks:
        marks_by_lesson.setdefault(mark.lesson_id, []).append(mark)
    days = []
    for offset in range(DAYS):
        day = week_start + timedelta(days=offset)
        day_lessons = [lesson for lesson in lessons if lesson.day == day]
        days.append(_day(day, timetable.get(day.weekday(), []), day_lessons, marks_by_lesson, codes))
    return DiaryWeek(pupil=pupil, school_class=school_class, week_start=week_start, days=days, pupils=pupils,
                     confirmation=_confirmation(pupil, week_start))


def _confirmation(pupil, week_start):
    return db.session.scalar(select(DiaryConfirmation).where(
        DiaryConfirmation.pupil_id == pupil.id, DiaryConfirmation.week_start == week_start))


def confirm_week(user, pupil_id, week_start):
    """The parent confirms they have read the week («прочитано»); confirming again changes nothing."""
    pupil = pupil_for(user, pupil_id)
    week_start = monday_of(week_start)
    confirmation = _confirmation(pupil, week_start)
    if confirmation is not None:
        return confirmation
    confirmation = DiaryConfirmation(pupil_id=pupil.id, week_start=week_start)
    db.session.add(confirmation)
    db.session.flush()
    audit.record("journal.diary_confirmed", actor=user, target=pupil, week=week_start.isoformat())
    db.session.commit()
    return confirmation


# --- the week as a PDF ---------------------------------------------------------------------------

PDF_COLUMNS = (8, 34, 56, 60, 58, 0)  # №, subject, topic, homework, marks, attendance (the rest)


def _marks_text(entry):
    """«5 (контрольная работа), долг» — the pupil's marks of a lesson with their kinds, and comments."""
    parts = []
    for mark in entry.marks:
        value = str(mark.value) if mark.value is not None else _("owed")
        if mark.value is not None and mark.is_debt:
            value = f"{value}, {_('owed')}"
        parts.append(f"{value} ({c.WORK_KIND_LABELS.get(mark.kind, mark.kind).lower()})")
    text = "; ".join(parts)
    if entry.comments:
        text += "\n" + "\n".join(f"«{comment}»" for comment in entry.comments)
    return text


def _pdf_row(entry):
    lesson = entry.lesson
    homework = ""
    if lesson is not None:
        homework = lesson.homework
        if lesson.homework_filename:
            homework = f"{homework}\n{_('File')}: {lesson.homework_filename}".strip()
    return (str(entry.number), entry.subject.name, lesson.topic if lesson is not None else "", homework,
            _marks_text(entry), entry.attendance or "")


def _date(day):
    return format_date(day, "dd.MM.yyyy")


def week_pdf(week):
    """The diary week as an A4 landscape PDF: a table per day (Moscow dates, Russian text)."""
    title = _("Diary of %(pupil)s, class %(name)s", pupil=week.pupil.full_name, name=week.school_class.name)
    document = pdf.new_document("landscape", title=title, author=week.school_class.school.name)
    document.add_page()
    _pdf_heading(document, week, title)
    for day in week.days:
        _pdf_day(document, day)
    if week.confirmation is not None:
        document.ln(4)
        when = format_datetime(week.confirmation.confirmed_at, "dd.MM.yyyy HH:mm")
        document.multi_cell(0, 6, _("Read by the parent on %(when)s.", when=when), new_x="LMARGIN",
                            new_y="NEXT")
    return pdf.to_bytes(document)


def _pdf_heading(document, week, title):
    document.set_font(pdf.FONT, style="B", size=14)
    document.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    document.set_font(pdf.FONT, size=11)
    document.multi_cell(0, 7, _("The week of %(first)s to %(last)s", first=_date(week.week_start),
                                last=_date(week.week_end)), new_x="LMARGIN", new_y="NEXT")


def _pdf_day(document, day):
    """A day's heading and its lessons as a table."""
    document.ln(3)
    document.set_font(pdf.FONT, style="B", size=11)
    document.cell(0, 7, format_date(day.day, "EEEE, d MMMM").capitalize(), new_x="LMARGIN", new_y="NEXT")
    document.set_font(pdf.FONT, size=9)
    if not day.lessons:
        document.cell(0, 6, _("Holidays: no lessons") if day.is_holiday else _("No lessons"), new_x="LMARGIN",
                      new_y="NEXT")
        return
    headings = (_("No."), _("School subject"), _("Lesson topic"), _("Homework assignment"), _("Marks"),
                _("Attendance mark"))
    widths = PDF_COLUMNS[:-1] + (document.epw - sum(PDF_COLUMNS),)
    with document.table(col_widths=widths, text_align="LEFT", line_height=5) as table:
        table.row(headings)
        for entry in day.lessons:
            table.row(_pdf_row(entry))
