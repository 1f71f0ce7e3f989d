"""A user's practice school: a class of pupils, subjects, timetable, lessons, marks and attendance."""

import secrets
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.extensions import db
from app.timeutil import utcnow
from training.journal import constants as c


def new_grid_version():
    """A fresh random version stamp (random, not a counter: a re-created school never repeats one)."""
    return secrets.token_hex(8)


class SandboxSchool(db.Model):
    """A user's own practice school with the settings a real school chooses for itself."""

    __tablename__ = "journal_schools"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    mark_scale: Mapped[str] = mapped_column(String(5), default=c.SCALE_2_5)
    weights: Mapped[dict] = mapped_column(JSON, default=lambda: dict(c.DEFAULT_WEIGHTS))
    rounding_threshold: Mapped[float] = mapped_column(default=c.DEFAULT_ROUNDING_THRESHOLD)
    edit_window_days: Mapped[int] = mapped_column(default=c.DEFAULT_EDIT_WINDOW_DAYS)
    min_marks: Mapped[int] = mapped_column(default=c.DEFAULT_MIN_MARKS)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    filled_at: Mapped[datetime | None]
    # Changes with every save of anything the marks grid shows (grid_cache.touch): the key of its cache.
    grid_version: Mapped[str | None] = mapped_column(String(16), default=new_grid_version)

    owner: Mapped[User] = relationship()
    classes: Mapped[list["SandboxClass"]] = relationship(
        back_populates="school", order_by="SandboxClass.name", cascade="all, delete-orphan"
    )
    subjects: Mapped[list["Subject"]] = relationship(
        back_populates="school", order_by="Subject.position", cascade="all, delete-orphan"
    )

    def __repr__(self):
        return f"<SandboxSchool owner={self.owner_id}>"


class Subject(db.Model):
    """A subject taught in the practice school."""

    __tablename__ = "journal_subjects"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("journal_schools.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(default=0)

    school: Mapped[SandboxSchool] = relationship(back_populates="subjects")

    def __repr__(self):
        return f"<Subject {self.name!r}>"


class SandboxClass(db.Model):
    """A class of generated pupils (never real children)."""

    __tablename__ = "journal_classes"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("journal_schools.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(20))

    school: Mapped[SandboxSchool] = relationship(back_populates="classes")
    pupils: Mapped[list["Pupil"]] = relationship(
        back_populates="school_class", order_by="(Pupil.last_name, Pupil.first_name)",
        cascade="all, delete-orphan",
    )
    timetable: Mapped[list["TimetableSlot"]] = relationship(
        back_populates="school_class", order_by="(TimetableSlot.weekday, TimetableSlot.number)",
        cascade="all, delete-orphan",
    )

    def __repr__(self):
        return f"<SandboxClass {self.name!r}>"


class Pupil(db.Model):
    """A generated pupil with a generated parent."""

    __tablename__ = "journal_pupils"

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("journal_classes.id", ondelete="CASCADE"), index=True)
    last_name: Mapped[str] = mapped_column(String(80))
    first_name: Mapped[str] = mapped_column(String(80))
    middle_name: Mapped[str] = mapped_column(String(80), default="")
    parent_name: Mapped[str] = mapped_column(String(200), default="")

    school_class: Mapped[SandboxClass] = relationship(back_populates="pupils")

    @property
    def full_name(self):
        """Surname, name and patronymic."""
        return " ".join(part for part in (self.last_name, self.first_name, self.middle_name) if part)

    @property
    def short_name(self):
        """Surname and first name, as the grid shows it."""
        return f"{self.last_name} {self.first_name}"

    def __repr__(self):
        return f"<Pupil {self.id}>"


class TimetableSlot(db.Model):
    """A lesson of a subject on a weekday (0 = Monday) at a lesson number."""

    __tablename__ = "journal_timetable"
    __table_args__ = (UniqueConstraint("class_id", "weekday", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("journal_classes.id", ondelete="CASCADE"), index=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("journal_subjects.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int]
    number: Mapped[int]

    school_class: Mapped[SandboxClass] = relationship(back_populates="timetable")
    subject: Mapped[Subject] = relationship()

    def __repr__(self):
        return f"<TimetableSlot {self.weekday}:{self.number}>"


class Lesson(db.Model):
    """A lesson of a class in a subject on a date: topic, homework and when each was entered."""

    __tablename__ = "journal_lessons"
    __table_args__ = (UniqueConstraint("class_id", "subject_id", "day", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("journal_classes.id", ondelete="CASCADE"), index=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("journal_subjects.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(index=True)
    number: Mapped[int] = mapped_column(default=1)
    topic: Mapped[str] = mapped_column(String(300), default="")
    homework: Mapped[str] = mapped_column(Text, default="")
    homework_file: Mapped[str] = mapped_column(String(200), default="")  # stored name under uploads
    homework_filename: Mapped[str] = mapped_column(String(200), default="")  # the name as uploaded
    topic_entered_at: Mapped[datetime | None]
    homework_entered_at: Mapped[datetime | None]
    marks_entered_at: Mapped[datetime | None]  # the first mark or attendance code of the lesson

    school_class: Mapped[SandboxClass] = relationship()
    subject: Mapped[Subject] = relationship()

    def __repr__(self):
        return f"<Lesson {self.class_id}/{self.subject_id} {self.day} #{self.number}>"


class Mark(db.Model):
    """One mark of a pupil at a lesson, with its kind of work and weight; «долг» marks work owed."""

    __tablename__ = "journal_marks"

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("journal_lessons.id", ondelete="CASCADE"), index=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("journal_pupils.id", ondelete="CASCADE"), index=True)
    value: Mapped[int | None]  # None with is_debt: the work is owed, no mark yet
    kind: Mapped[str] = mapped_column(String(12), default=c.CLASSWORK)
    weight: Mapped[int] = mapped_column(default=1)
    comment: Mapped[str] = mapped_column(String(300), default="")
    is_debt: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    lesson: Mapped[Lesson] = relationship()
    pupil: Mapped[Pupil] = relationship()

    def __repr__(self):
        return f"<Mark {self.value} {self.kind} pupil={self.pupil_id}>"


class Attendance(db.Model):
    """A pupil's attendance code at a lesson: н, б, п or о (no row: present)."""

    __tablename__ = "journal_attendance"
    __table_args__ = (UniqueConstraint("lesson_id", "pupil_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("journal_lessons.id", ondelete="CASCADE"), index=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("journal_pupils.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self):
        return f"<Attendance {self.code} pupil={self.pupil_id}>"


class PeriodMark(db.Model):
    """A quarter or year mark: the journal's proposal and the mark the teacher confirmed or set."""

    __tablename__ = "journal_period_marks"
    __table_args__ = (UniqueConstraint("class_id", "subject_id", "pupil_id", "period", "year_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("journal_classes.id", ondelete="CASCADE"), index=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("journal_subjects.id", ondelete="CASCADE"))
    pupil_id: Mapped[int] = mapped_column(ForeignKey("journal_pupils.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(String(5))
    year_start: Mapped[date]
    proposed: Mapped[int | None]
    value: Mapped[int]
    is_override: Mapped[bool] = mapped_column(default=False)
    confirmed_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self):
        return f"<PeriodMark {self.period} {self.value} pupil={self.pupil_id}>"


class DiaryConfirmation(db.Model):
    """The parent's «прочитано» for a pupil's diary week."""

    __tablename__ = "journal_diary_confirmations"
    __table_args__ = (UniqueConstraint("pupil_id", "week_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("journal_pupils.id", ondelete="CASCADE"), index=True)
    week_start: Mapped[date]
    confirmed_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self):
        return f"<DiaryConfirmation pupil={self.pupil_id} {self.week_start}>"
