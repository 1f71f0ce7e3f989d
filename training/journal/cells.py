"""Cells of the marks grid: reading what a teacher types («5 4», «н», «д») and saving many cells at once.

A cell is one pupil at one lesson: the pupil's marks there (in the order typed), at most one «долг»
(work owed, no mark yet) and at most one attendance code. Saving replaces the cell's contents; a mark
that keeps its position keeps its kind of work, weight and comment.
"""

from dataclasses import dataclass, field
from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.audit import services as audit
from app.errors import Conflict, ValidationFailed
from app.extensions import db
from app.timeutil import local_today, utcnow
from training.journal import constants as c
from training.journal import grid, grid_cache
from training.journal import lessons as lesson_service
from training.journal import marks as mark_pages
from training.journal.averages import scale_values
from training.journal.models import Attendance, Lesson, Mark, Pupil, TimetableSlot

MAX_MARKS = 4  # more marks than this at one lesson is a typo, not a lesson
MAX_TEXT = 40
MAX_CELLS = 2000  # one request: a whole quarter of a class fits
SEPARATORS = frozenset(" /,;.\t+")
DEBT = "д"
DEBT_WORD = "долг"
# Keys typed in the Latin layout and Latin look-alikes. «,» (the б key) counts only alone: in «4,5»
# the comma separates marks. «l» is the key of «д».
LETTER_KEYS = {**{key: code for key, code in c.ATTENDANCE_ALIASES.items() if key != ","}, "o": c.LATE,
               "l": DEBT}
WITH_MARK = frozenset({c.LATE})  # late but worked: the only code that goes with a mark


@dataclass(frozen=True)
class CellValue:
    """A parsed cell: marks in the order typed, whether work is owed, the attendance code."""

    marks: tuple = ()
    attendance: str | None = None
    is_debt: bool = False
    entries: tuple = ()  # marks and the debt (None) in the order typed: the positions of the rows

    @property
    def is_empty(self):
        """Nothing in the cell: saving it deletes the marks and the attendance code."""
        return not self.entries and self.attendance is None


@dataclass
class CellResult:
    """What became of one cell of a save request."""

    key: str
    ok: bool
    text: str = ""
    error: str = ""
    marks: list = field(default_factory=list)
    attendance: str | None = None

    def as_json(self):
        """The result as the grid's script reads it."""
        return {"key": self.key, "ok": self.ok, "text": self.text, "error": self.error,
                "marks": [mark._asdict() for mark in self.marks], "attendance": self.attendance}


def scale_label(scale):
    """«2–5» for a scale key or its marks."""
    marks = scale_values(scale)
    return f"{min(marks)}–{max(marks)}"


# --- parsing -------------------------------------------------------------------------------


def _symbols(text):
    """The meaningful characters of a cell, the word «долг» folded into «д»."""
    text = " ".join((text or "").lower().split())
    if text == ",":
        return [c.ILL]
    return [char for char in text.replace(DEBT_WORD, DEBT) if char not in SEPARATORS]


def _read_symbol(char, marks, scale):
    """(kind, value) of one character: ("mark", 5), ("debt", None) or ("code", "н")."""
    if char.isdigit():
        if int(char) not in marks:
            raise ValidationFailed(_("There is no mark %(mark)s in the school's scale %(scale)s.",
                                     mark=char, scale=scale_label(marks)))
        return "mark", int(char)
    char = LETTER_KEYS.get(char, char)
    if char == DEBT:
        return "debt", None
    if char in c.ATTENDANCE_CODES:
        return "code", char
    raise ValidationFailed(_("«%(symbol)s» is neither a mark nor a code: type marks %(scale)s, н, б, п, о "
                             "or д (work owed).", symbol=char, scale=scale_label(marks)))


def parse_cell(text, scale):
    """Read a cell as typed: «5», «4 5», «4/5», «45» (two marks), «н», «5 о», «д» or «долг»; «» clears it.

    ValidationFailed with a Russian message for a mark outside the scale, an unknown symbol, a mark
    with an absence code (н, б, п: only «о», late, goes with a mark) or two codes.
    """
    marks = scale_values(scale)
    if len(text or "") > MAX_TEXT:
        raise ValidationFailed(_("Too much for one cell: type marks and at most one code."))
    entries, codes = [], []
    for char in _symbols(text):
        kind, value = _read_symbol(char, marks, scale)
        if kind == "code":
            codes.append(value)
        elif kind == "mark" or None not in entries:  # a second «д» adds nothing
            entries.append(value)
    return _checked(entries, codes)


def _checked(entries, codes):
    values = tuple(value for value in entries if value is not None)
    if len(set(codes)) > 1:
        raise ValidationFailed(_("Only one attendance code fits in a cell: н, б, п or о."))
    code = codes[0] if codes else None
    if values and code is not None and code not in WITH_MARK:
        raise ValidationFailed(_("A pupil marked «%(code)s» was not at the lesson and cannot get a mark "
                                 "there; only «о» (late) goes with a mark.", code=code))
    if len(values) > MAX_MARKS:
        raise ValidationFailed(_("At most %(count)d marks fit in one cell.", count=MAX_MARKS))
    return CellValue(marks=values, attendance=code, is_debt=None in entries, entries=tuple(entries))


# --- reading a save request ----------------------------------------------------------------


def cell_key(day, number, pupil_id):
    """The cell's name in the page and in save requests: «2024-11-05/2/17»."""
    return f"{day.isoformat()}/{number}/{pupil_id}"


@dataclass
class _Pending:
    """A cell of the request, checked: where it goes and what it holds (or why it cannot be saved)."""

    key: str
    day: date | None = None
    number: int | None = None
    pupil_id: int | None = None
    value: CellValue | None = None
    kind: str = c.CLASSWORK
    text: str = ""
    error: str = ""


def read_day(text):
    """A YYYY-MM-DD date of a plausible school year, or None (year 1 has no school year before it)."""
    return c.school_day_from(text)


def _whole(value):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _read(raw, index):
    """The cell's address and typed text as given; an error when they are not understood."""
    if not isinstance(raw, dict):
        return _Pending(key=f"#{index}", error=_("The cell is not understood: reload the page."))
    day = read_day(raw.get("day"))
    number, pupil_id = _whole(raw.get("number")), _whole(raw.get("pupil"))
    value = raw.get("value")
    if day is None or number is None or pupil_id is None or not isinstance(value, str | type(None)):
        return _Pending(key=str(raw.get("key") or f"#{index}")[:40],
                        error=_("The cell is not understood: reload the page."))
    return _Pending(cell_key(day, number, pupil_id), day, number, pupil_id,
                    kind=raw.get("kind") or c.CLASSWORK, text=value or "")


def _check(pending, school, slots, pupil_ids, today):
    """Fill in the parsed value, or the reason the cell cannot be saved."""
    if pending.error:
        return
    if pending.pupil_id not in pupil_ids:
        pending.error = _("There is no such pupil in the class: reload the page.")
    elif pending.kind not in c.WORK_KINDS:
        pending.error = _("Choose the kind of work from the list.")
    elif ((pending.day.weekday(), pending.number) not in slots
          or not lesson_service.is_school_day(pending.day)):
        pending.error = _("There is no such lesson in the timetable: reload the page.")
    elif pending.day > today:
        pending.error = _("The lesson of %(day)s has not taken place yet: marks and attendance are entered "
                          "on the lesson day or later.", day=format_date(pending.day, "dd.MM.yyyy"))
    else:
        try:
            lesson_service.require_open(school, pending.day, today)
            pending.value = parse_cell(pending.text, school.mark_scale)
        except ValidationFailed as error:
            pending.error = error.message
        except lesson_service.LessonLocked as error:
            pending.error = error.message


def _read_all(cells, school, school_class, subject, today):
    if not isinstance(cells, list) or not cells:
        raise ValidationFailed(_("Nothing to save: the request names no cells."))
    if len(cells) > MAX_CELLS:
        raise ValidationFailed(_("Too many cells in one request: save at most %(count)d.", count=MAX_CELLS))
    slots = {(weekday, number) for weekday, number in db.session.execute(
        select(TimetableSlot.weekday, TimetableSlot.number).where(
            TimetableSlot.class_id == school_class.id, TimetableSlot.subject_id == subject.id))}
    pupil_ids = set(db.session.scalars(select(Pupil.id).where(Pupil.class_id == school_class.id)))
    pendings = {}
    for index, raw in enumerate(cells):
        pending = _read(raw, index)
        _check(pending, school, slots, pupil_ids, today)
        pendings.pop(pending.key, None)  # the last value sent for a cell wins, in the order typed
        pendings[pending.key] = pending
    return list(pendings.values())


# --- saving --------------------------------------------------------------------------------


@dataclass
class _Contents:
    """The lessons of the request's days and their marks and attendance codes, read at once."""

    lessons: dict
    marks: dict
    attendance: dict


def _load(school_class, subject, pendings):
    days = {pending.day for pending in pendings}
    lessons = {(lesson.day, lesson.number): lesson for lesson in db.session.scalars(select(Lesson).where(
        Lesson.class_id == school_class.id, Lesson.subject_id == subject.id, Lesson.day.in_(days)))}
    lesson_ids = [lesson.id for lesson in lessons.values()]
    pupil_ids = {pending.pupil_id for pending in pendings}
    marks, attendance = {}, {}
    if lesson_ids:
        for mark in db.session.scalars(select(Mark).where(Mark.lesson_id.in_(lesson_ids),
                                                          Mark.pupil_id.in_(pupil_ids))
                                       .order_by(Mark.position, Mark.id)):
            marks.setdefault((mark.lesson_id, mark.pupil_id), []).append(mark)
        for row in db.session.scalars(select(Attendance).where(Attendance.lesson_id.in_(lesson_ids),
                                                               Attendance.pupil_id.in_(pupil_ids))):
            attendance[(row.lesson_id, row.pupil_id)] = row
    return _Contents(lessons, marks, attendance)


def _lessons_for(contents, school_class, subject, pendings):
    """Create the lessons that have no row yet (a lesson exists once something is entered for it)."""
    created = False
    for pending in pendings:
        slot = (pending.day, pending.number)
        if slot not in contents.lessons and not pending.value.is_empty:
            contents.lessons[slot] = lesson_service.ensure_lesson(school_class, subject, *slot)
            created = True
    if created:
        db.session.flush()  # attendance rows name the lesson by id


def _replace_marks(lesson, pupil_id, existing, value, kind, weight, now):
    """The cell's marks become the typed ones; a mark keeping its position keeps kind, weight, comment."""
    kept = []
    for position, entry in enumerate(value.entries):
        if position < len(existing):
            mark = existing[position]
            if mark.value != entry or mark.is_debt != (entry is None):
                mark.value, mark.is_debt, mark.updated_at = entry, entry is None, now
        else:
            mark = Mark(lesson_id=lesson.id, pupil_id=pupil_id, value=entry, is_debt=entry is None, kind=kind,
                        weight=weight, comment="", position=position, created_at=now, updated_at=now)
            db.session.add(mark)
        kept.append(mark)
    for mark in existing[len(value.entries):]:
        db.session.delete(mark)
    return kept


def _replace_attendance(lesson, pupil_id, row, code, now):
    if code is None:
        if row is not None:
            db.session.delete(row)
        return
    if row is None:
        db.session.add(Attendance(lesson_id=lesson.id, pupil_id=pupil_id, code=code, created_at=now))
    else:
        row.code = code


def _apply(school, contents, pending, now):
    """Save one checked cell; return the marks it now holds."""
    lesson = contents.lessons.get((pending.day, pending.number))
    if lesson is None:  # an empty cell of a lesson nobody has entered anything for: nothing to do
        return []
    key = (lesson.id, pending.pupil_id)
    weight = grid.weight_of(school, pending.kind)
    marks = _replace_marks(lesson, pending.pupil_id, contents.marks.get(key, []), pending.value, pending.kind,
                           weight, now)
    _replace_attendance(lesson, pending.pupil_id, contents.attendance.get(key), pending.value.attendance, now)
    if lesson.marks_entered_at is None and not pending.value.is_empty:
        lesson.marks_entered_at = now
    return marks


def _result(pending, marks):
    shown = grid.shown_marks(marks)
    return CellResult(pending.key, True, grid.cell_text(shown, pending.value.attendance), marks=shown,
                      attendance=pending.value.attendance)


def save_cells(user, class_id, subject_id, cells, today=None):
    """Save the typed cells in one transaction; a result per cell (saved with its text, or why not).

    Cells that cannot be saved (a wrong mark, a locked lesson) do not stop the others: every cell is
    checked first, the valid ones are saved, and the rest come back with the message to show.
    """
    today = today or local_today()
    school, school_class, subject = lesson_service.class_subject_for(user, class_id, subject_id)
    pendings = _read_all(cells, school, school_class, subject, today)
    valid = [pending for pending in pendings if not pending.error]
    results = {pending.key: CellResult(pending.key, False, error=pending.error) for pending in pendings}
    if valid:
        contents = _load(school_class, subject, valid)
        _lessons_for(contents, school_class, subject, valid)
        now = utcnow()
        saved = {pending.key: _apply(school, contents, pending, now) for pending in valid}
        db.session.flush()  # new marks get their ids, which the page needs to link them
        for pending in valid:
            results[pending.key] = _result(pending, saved[pending.key])
        audit.record("journal.marks_saved", actor=user, target=school_class, subject=subject.name,
                     cells=len(valid), days=sorted({pending.day.isoformat() for pending in valid}))
        grid_cache.touch(school)
        _commit()
    return [results[pending.key] for pending in pendings]


def _commit():
    try:
        db.session.commit()
    except IntegrityError:
        # Another tab created the same lesson or code at the same moment.
        db.session.rollback()
        message = _("The journal changed meanwhile: reload the page and enter the cells again.")
        raise Conflict(message) from None


def save_lesson_marks(user, class_id, subject_id, day, number, values, kind=c.CLASSWORK, today=None):
    """Save one lesson's cells from the per-lesson form: only the pupils whose text changed.

    `values` maps pupil id to the typed text; returns {pupil id: CellResult} of the cells sent.
    """
    page = mark_pages.lesson_marks(user, class_id, subject_id, day, number, today)
    cells = []
    for pupil in page.pupils:
        typed = " ".join(str(values.get(pupil.id) or "").split())
        if typed != page.cells[pupil.id].text:
            cells.append({"day": day.isoformat(), "number": number, "pupil": pupil.id, "value": typed,
                          "kind": kind})
    if not cells:
        return {}
    results = save_cells(user, class_id, subject_id, cells, today)
    return {cell["pupil"]: result for cell, result in zip(cells, results, strict=True)}
