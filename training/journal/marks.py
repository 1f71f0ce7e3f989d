"""Marks in detail: one lesson's marks for the whole class, and one mark's kind of work, weight,
comment and «долг» (work owed), beyond what a cell of the grid shows."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from app.audit import services as audit
from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.timeutil import local_today, utcnow
from training.journal import constants as c
from training.journal import grid, grid_cache
from training.journal import lessons as lesson_service
from training.journal.averages import scale_values
from training.journal.models import Lesson, Mark, Pupil, SandboxClass, SandboxSchool, Subject

MAX_COMMENT = 300
WEIGHT_RANGE = (1, 10)


@dataclass
class LessonMarks:
    """The marks of one lesson for the whole class, as the per-lesson form shows them."""

    school: SandboxSchool
    school_class: SandboxClass
    subject: Subject
    column: grid.Column
    pupils: list
    cells: dict  # pupil id → grid.Cell

    @property
    def period(self):
        """The quarter the lesson belongs to."""
        return grid.chosen_period(c.period_of(self.column.day), self.column.day)


def lesson_marks(user, class_id, subject_id, day, number, today=None):
    """One lesson's cells for every pupil; NotFound for a date and number the timetable does not have."""
    today = today or local_today()
    school, school_class, subject = lesson_service.class_subject_for(user, class_id, subject_id)
    columns = [column for column in grid.lesson_columns(school, school_class, subject, day, day, today)
               if column.number == number]
    if not columns:
        raise NotFound()
    rows = grid.pupil_rows(school, school_class, columns, {})
    return LessonMarks(school, school_class, subject, columns[0], [row.pupil for row in rows],
                       {row.pupil.id: row.cells[0] for row in rows})


@dataclass
class MarkPage:
    """A mark with its lesson and pupil, and whether the lesson may still be changed."""

    school: SandboxSchool
    school_class: SandboxClass
    subject: Subject
    mark: Mark
    lesson: Lesson
    pupil: Pupil
    locked: bool

    @property
    def period(self):
        """The quarter of the lesson (the grid to go back to)."""
        return grid.chosen_period(c.period_of(self.lesson.day), self.lesson.day)


def mark_page(user, class_id, subject_id, mark_id, today=None):
    """A mark of the user's class in the subject; NotFound for any other."""
    today = today or local_today()
    school, school_class, subject = lesson_service.class_subject_for(user, class_id, subject_id)
    found = db.session.execute(select(Mark, Lesson, Pupil).join(Lesson, Mark.lesson_id == Lesson.id)
                               .join(Pupil, Mark.pupil_id == Pupil.id)
                               .where(Mark.id == mark_id, Lesson.class_id == school_class.id,
                                      Lesson.subject_id == subject.id)).first()
    if found is None:
        raise NotFound()
    mark, lesson, pupil = found
    return MarkPage(school, school_class, subject, mark, lesson, pupil,
                    lesson_service.is_locked(school, lesson.day, today))


def _whole(value):
    if value is None or str(value).strip() == "":
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        return "wrong"


def _validate(school, value, kind, weight, comment, is_debt):
    """The checked (value, kind, weight, comment); ValidationFailed naming each wrong field."""
    errors = {}
    value, weight = _whole(value), _whole(weight)
    if kind not in c.WORK_KINDS:
        errors["kind"] = [_("Choose the kind of work from the list.")]
    if is_debt and value is not None:
        errors["value"] = [_("Work owed has no mark yet: choose «—» or untick «work owed».")]
    elif not is_debt and (value is None or value not in scale_values(school.mark_scale)):
        errors["value"] = [_("Choose a mark of the school's scale, or tick «work owed».")]
    if weight is None and kind in c.WORK_KINDS:
        weight = grid.weight_of(school, kind)  # an empty weight: the school's weight of the kind
    elif weight == "wrong" or weight is None or not WEIGHT_RANGE[0] <= weight <= WEIGHT_RANGE[1]:
        errors["weight"] = [_("The weight must be a whole number from %(min)d to %(max)d.",
                              min=WEIGHT_RANGE[0], max=WEIGHT_RANGE[1])]
    comment = " ".join((comment or "").split())
    if len(comment) > MAX_COMMENT:
        errors["comment"] = [_("Shorten the comment to %(max)d characters.", max=MAX_COMMENT)]
    if errors:
        raise ValidationFailed(_("Please correct the fields marked below."), errors)
    return value, kind, weight, comment


def update_mark(user, class_id, subject_id, mark_id, value, kind, weight=None, comment="", is_debt=False,
                today=None):
    """Change one mark: its value (none when work is owed), kind of work, weight and comment."""
    today = today or local_today()
    page = mark_page(user, class_id, subject_id, mark_id, today)
    lesson_service.require_open(page.school, page.lesson.day, today)
    value, kind, weight, comment = _validate(page.school, value, kind, weight, comment, bool(is_debt))
    mark = page.mark
    after = {"value": value, "kind": kind, "weight": weight, "comment": comment, "is_debt": bool(is_debt)}
    changed = {name: new for name, new in after.items() if getattr(mark, name) != new}
    for name, new in changed.items():
        setattr(mark, name, new)
    if changed:
        mark.updated_at = utcnow()
        grid_cache.touch(page.school)
        audit.record("journal.mark_changed", actor=user, target=mark, pupil_id=page.pupil.id,
                     lesson_day=page.lesson.day.isoformat(), **changed)
    db.session.commit()
    return mark
