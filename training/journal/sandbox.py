"""The user's practice school: fill it with a generated class, reset it, change its settings.

Pupils and parents are generated (Faker ru_RU surnames, common first names, a patronymic from the
father's name): the portal never holds real pupils' data.
"""

import random
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from app.audit import services as audit
from app.auth import permissions
from app.errors import Conflict, PermissionDenied, ValidationFailed
from app.extensions import db
from app.timeutil import utcnow
from training.journal import constants as c
from training.journal import grid_cache, names
from training.journal import lessons as lesson_service
from training.journal.models import (
    Attendance,
    DiaryConfirmation,
    Lesson,
    Mark,
    PeriodMark,
    Pupil,
    SandboxClass,
    SandboxSchool,
    Subject,
    TimetableSlot,
)

CLASS_NAME = "5 А"
PUPILS = (25, 30)
# A fifth form's week: subject and lessons a week (27 in all: 6 + 6 + 5 + 5 + 5).
SUBJECTS = (
    ("Русский язык", 5), ("Литература", 3), ("Математика", 5), ("История", 2), ("Английский язык", 3),
    ("Биология", 1), ("География", 1), ("Музыка", 1), ("Изобразительное искусство", 1),
    ("Технология", 2), ("Физическая культура", 3),
)
DAY_LENGTHS = (6, 6, 5, 5, 5)  # lessons on each weekday, shuffled so the long days vary

WEIGHT_RANGE = (1, 10)
EDIT_WINDOW_RANGE = (0, 30)
MIN_MARKS_RANGE = (1, 10)
THRESHOLDS = tuple(Decimal(50 + 5 * step) / 100 for step in range(9))  # 0.50, 0.55 … 0.90
SETTING_FIELDS = ("mark_scale", "weights", "rounding_threshold", "edit_window_days", "min_marks")


def school_for(user):
    """The user's practice school, or None before the first fill or settings change."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(select(SandboxSchool).where(SandboxSchool.owner_id == user.id))


def is_filled(school):
    """Whether the school has a class to practise with."""
    return school is not None and bool(school.classes)


def _require_user(user):
    if not permissions.can_use_sandbox(user):
        raise PermissionDenied()


def _own_school(user):
    """The user's school, created with the default settings when missing (not committed)."""
    school = school_for(user)
    if school is None:
        school = SandboxSchool(owner=user, name=_school_name(user), mark_scale=c.SCALE_2_5,
                               weights=dict(c.DEFAULT_WEIGHTS),
                               rounding_threshold=c.DEFAULT_ROUNDING_THRESHOLD,
                               edit_window_days=c.DEFAULT_EDIT_WINDOW_DAYS, min_marks=c.DEFAULT_MIN_MARKS)
        db.session.add(school)
    return school


def _school_name(user):
    return f"Учебная школа — {user.full_name}"[:200]


def home(user):
    """The user's practice school for the sandbox home (None before the first fill)."""
    _require_user(user)
    return school_for(user)


# --- filling -------------------------------------------------------------------------------


def _timetable(rng, subjects):
    """{weekday: [subject, …] in lesson order}: a subject at most once a day, the days' lengths kept."""
    lengths = list(DAY_LENGTHS)
    rng.shuffle(lengths)
    free = dict(enumerate(lengths))
    days = {weekday: [] for weekday in free}
    for subject, per_week in sorted(subjects, key=lambda pair: -pair[1]):
        # The days with the most free places first (ties at random): then every subject fits.
        order = sorted(free, key=lambda weekday: (-free[weekday], rng.random()))
        for weekday in order[:per_week]:
            days[weekday].append(subject)
            free[weekday] -= 1
    for lessons in days.values():
        rng.shuffle(lessons)
    return days


def _add_pupils(school_class, rng, fake):
    seen, size = set(), rng.randint(*PUPILS)
    while len(school_class.pupils) < size:
        person = names.pupil(rng, fake)
        if (person["last_name"], person["first_name"]) in seen:
            continue
        seen.add((person["last_name"], person["first_name"]))
        school_class.pupils.append(Pupil(**person))


def build_sandbox(user, rng, fake):
    """Create (or reuse) the user's school and add subjects, a class, its pupils and timetable; no commit."""
    school = _own_school(user)
    school.name = school.name or _school_name(user)
    subjects = [(Subject(name=name, position=position), per_week)
                for position, (name, per_week) in enumerate(SUBJECTS, start=1)]
    school.subjects.extend(subject for subject, _count in subjects)
    school_class = SandboxClass(name=CLASS_NAME)
    school.classes.append(school_class)
    _add_pupils(school_class, rng, fake)
    for weekday, day_subjects in _timetable(rng, subjects).items():
        for number, subject in enumerate(day_subjects, start=1):
            school_class.timetable.append(TimetableSlot(subject=subject, weekday=weekday, number=number))
    school.filled_at = utcnow()
    grid_cache.touch(school)
    return school


def fill(user, seed=None):
    """Fill the user's practice school with a generated class, subjects and timetable (one commit)."""
    _require_user(user)
    school = school_for(user)
    if is_filled(school):
        raise Conflict(_("Your practice class is already filled. Reset it first to get a new one."))
    # Imported here: Faker's providers take some 4 MB in every worker, and a class is filled once.
    from faker import Faker

    rng = random.Random(seed)
    fake = Faker("ru_RU")
    fake.seed_instance(rng.random())
    with _one_school_per_user():
        school = build_sandbox(user, rng, fake)
        db.session.flush()
        school_class = school.classes[0]
        audit.record("journal.sandbox_filled", actor=user, target=school, school_class=school_class.name,
                     pupils=len(school_class.pupils), subjects=len(school.subjects))
        db.session.commit()
    return school


@contextmanager
def _one_school_per_user():
    """A second tab that created the school at the same moment gets a message, not an error page."""
    try:
        yield
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_("Your practice school changed meanwhile: reload the page.")) from None


# --- resetting -----------------------------------------------------------------------------


def _delete_contents(school):
    """Delete everything filled into the school (not its settings); return the attachments to remove."""
    class_ids = select(SandboxClass.id).where(SandboxClass.school_id == school.id)
    pupil_ids = select(Pupil.id).where(Pupil.class_id.in_(class_ids))
    lesson_ids = select(Lesson.id).where(Lesson.class_id.in_(class_ids))
    files = lesson_service.stored_files(db.session.scalars(
        select(Lesson).where(Lesson.class_id.in_(class_ids), Lesson.homework_file != "")))
    # Children before parents, explicitly: no reliance on the database's ON DELETE CASCADE.
    for statement in (
        delete(Mark).where(Mark.lesson_id.in_(lesson_ids)),
        delete(Attendance).where(Attendance.lesson_id.in_(lesson_ids)),
        delete(PeriodMark).where(PeriodMark.class_id.in_(class_ids)),
        delete(DiaryConfirmation).where(DiaryConfirmation.pupil_id.in_(pupil_ids)),
        delete(Lesson).where(Lesson.class_id.in_(class_ids)),
        delete(TimetableSlot).where(TimetableSlot.class_id.in_(class_ids)),
        delete(Pupil).where(Pupil.class_id.in_(class_ids)),
        delete(SandboxClass).where(SandboxClass.school_id == school.id),
        delete(Subject).where(Subject.school_id == school.id),
    ):
        db.session.execute(statement.execution_options(synchronize_session=False))
    return files


def reset(user):
    """Empty the practice school: class, pupils, lessons, marks, period marks, diary; settings stay."""
    _require_user(user)
    school = school_for(user)
    if not is_filled(school):
        raise ValidationFailed(_("Your practice class is empty already: fill it to start."))
    files = _delete_contents(school)
    school.filled_at = None
    grid_cache.touch(school)
    audit.record("journal.sandbox_reset", actor=user, target=school)
    db.session.commit()
    db.session.expire_all()
    lesson_service.delete_files(files)
    return school


# --- settings ------------------------------------------------------------------------------


def settings_of(school):
    """The settings as the form shows them (the defaults when the school does not exist yet)."""
    if school is None:
        return {"mark_scale": c.SCALE_2_5, "weights": dict(c.DEFAULT_WEIGHTS),
                "rounding_threshold": Decimal(str(c.DEFAULT_ROUNDING_THRESHOLD)),
                "edit_window_days": c.DEFAULT_EDIT_WINDOW_DAYS, "min_marks": c.DEFAULT_MIN_MARKS}
    weights = {kind: int((school.weights or {}).get(kind, c.DEFAULT_WEIGHTS[kind])) for kind in c.WORK_KINDS}
    return {"mark_scale": school.mark_scale, "weights": weights,
            "rounding_threshold": Decimal(str(school.rounding_threshold)),
            "edit_window_days": school.edit_window_days, "min_marks": school.min_marks}


def current_settings(user):
    """The user's school settings for the settings form."""
    _require_user(user)
    return settings_of(school_for(user))


def _whole(value, low, high):
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if low <= number <= high else None


def _threshold(value):
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, TypeError, ValueError):
        return None
    return number if number in THRESHOLDS else None


def _check_weights(value, errors):
    weights, given = {}, value if isinstance(value, dict) else {}
    for kind in c.WORK_KINDS:
        weights[kind] = _whole(given.get(kind), *WEIGHT_RANGE)
        if weights[kind] is None:
            errors[f"weight_{kind}"] = [_("The weight must be a whole number from %(min)d to %(max)d.",
                                          min=WEIGHT_RANGE[0], max=WEIGHT_RANGE[1])]
    return weights


def _range_errors(fields, values):
    """Check the whole-number settings into `values`; return their errors."""
    errors = {}
    if "edit_window_days" in fields:
        low, high = EDIT_WINDOW_RANGE
        values["edit_window_days"] = _whole(fields["edit_window_days"], low, high)
        if values["edit_window_days"] is None:
            errors["edit_window_days"] = [_("The edit window must be from %(min)d to %(max)d days.",
                                            min=low, max=high)]
    if "min_marks" in fields:
        low, high = MIN_MARKS_RANGE
        values["min_marks"] = _whole(fields["min_marks"], low, high)
        if values["min_marks"] is None:
            errors["min_marks"] = [_("The minimum must be a whole number from %(min)d to %(max)d.",
                                     min=low, max=high)]
    return errors


def _validate_settings(fields):
    """The given settings checked and converted; ValidationFailed naming each wrong field."""
    unknown = set(fields) - set(SETTING_FIELDS)
    if unknown:
        raise ValueError(f"unknown settings: {sorted(unknown)}")
    values = {}
    errors = _range_errors(fields, values)
    if "mark_scale" in fields:
        values["mark_scale"] = fields["mark_scale"]
        if values["mark_scale"] not in c.SCALES:
            errors["mark_scale"] = [_("Choose the mark scale from the list.")]
    if "weights" in fields:
        values["weights"] = _check_weights(fields["weights"], errors)
    if "rounding_threshold" in fields:
        values["rounding_threshold"] = _threshold(fields["rounding_threshold"])
        if values["rounding_threshold"] is None:
            errors["rounding_threshold"] = [_("The rounding threshold must be from 0.50 to 0.90 in steps of "
                                              "0.05.")]
    if errors:
        raise ValidationFailed(_("Please correct the fields marked below."), errors)
    return values


def _marks_off_scale(school, scale):
    """How many marks and period marks of the school fall outside the scale."""
    allowed = c.SCALES[scale]
    class_ids = select(SandboxClass.id).where(SandboxClass.school_id == school.id)
    marks = db.session.scalar(select(func.count(Mark.id)).join(Lesson, Mark.lesson_id == Lesson.id).where(
        Lesson.class_id.in_(class_ids), Mark.value.is_not(None), Mark.value.not_in(allowed)))
    period_marks = db.session.scalar(select(func.count(PeriodMark.id)).where(
        PeriodMark.class_id.in_(class_ids), PeriodMark.value.not_in(allowed)))
    return marks + period_marks


def _check_scale(school, scale):
    count = _marks_off_scale(school, scale) if school.id else 0
    if count:
        low = min(c.SCALES[scale])
        message = ngettext(
            "The journal has %(num)d mark below %(low)d, which the scale %(scale)s does not have. Change or "
            "delete it first: no mark is changed silently.",
            "The journal has %(num)d marks below %(low)d, which the scale %(scale)s does not have. Change or "
            "delete them first: no mark is changed silently.", count, low=low, scale=c.SCALE_LABELS[scale])
        raise ValidationFailed(message, {"mark_scale": [message]})


def _apply_weights(school, weights):
    """Marks already entered take their kind's new weight, so the averages follow the setting."""
    class_ids = select(SandboxClass.id).where(SandboxClass.school_id == school.id)
    lesson_ids = select(Lesson.id).where(Lesson.class_id.in_(class_ids))
    for kind, weight in weights.items():
        db.session.execute(Mark.__table__.update().where(
            Mark.lesson_id.in_(lesson_ids), Mark.kind == kind, Mark.weight != weight).values(weight=weight))


def update_settings(user, **fields):
    """Change the school's settings (only the fields given); a scale change may not orphan marks."""
    _require_user(user)
    values = _validate_settings(fields)
    with _one_school_per_user():
        school = _own_school(user)
        before = settings_of(school) if school.id else settings_of(None)
        if values.get("mark_scale", school.mark_scale) != school.mark_scale:
            _check_scale(school, values["mark_scale"])
        if "rounding_threshold" in values:
            values["rounding_threshold"] = float(values["rounding_threshold"])
        for name, value in values.items():
            setattr(school, name, value)
        grid_cache.touch(school)  # the scale, weights, threshold and edit window all show in the grid
        db.session.flush()
        if "weights" in values:
            _apply_weights(school, values["weights"])
        after = settings_of(school)
        changed = {name: after[name] for name in SETTING_FIELDS if after[name] != before[name]}
        if changed:
            audit.record("journal.settings_changed", actor=user, target=school, **changed)
        db.session.commit()
    return school
