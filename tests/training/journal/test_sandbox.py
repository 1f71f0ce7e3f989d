"""The practice school: filling it with a generated class, resetting it, its settings."""

from collections import Counter
from datetime import date

import pytest
from sqlalchemy import func, select

from app import uploads
from app.audit.models import AuditEvent
from app.errors import Conflict, PermissionDenied, ValidationFailed
from app.extensions import db
from app.uploads import UploadedFile
from training.journal import constants as c
from training.journal import lessons, names
from training.journal import sandbox as service
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

SEPTEMBER = (date(2024, 9, 2), date(2024, 9, 30))


def events(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def first_lesson(school, subject_name="Математика"):
    """A saved lesson of the subject on its first timetable day in September 2024."""
    school_class = school.classes[0]
    subject = next(s for s in school.subjects if s.name == subject_name)
    day, number = lessons.lesson_slots(school_class, subject, *SEPTEMBER)[0]
    lesson = lessons.ensure_lesson(school_class, subject, day, number)
    db.session.commit()
    return lesson


def add_mark(lesson, pupil, value, kind=c.CLASSWORK, weight=1):
    mark = Mark(lesson_id=lesson.id, pupil_id=pupil.id, value=value, kind=kind, weight=weight)
    db.session.add(mark)
    db.session.commit()
    return mark


# --- filling -------------------------------------------------------------------------------


def test_fill_creates_a_school_with_one_class_of_25_to_30_pupils(make):
    teacher = make.user("teacher", last_name="Смирнова", first_name="Ольга", middle_name="Петровна")
    school = service.fill(teacher, seed=7)
    assert school.owner_id == teacher.id
    assert school.name == "Учебная школа — Смирнова Ольга Петровна"
    assert [school_class.name for school_class in school.classes] == ["5 А"]
    assert 25 <= len(school.classes[0].pupils) <= 30
    assert school.filled_at is not None
    names_of_subjects = [subject.name for subject in school.subjects]
    for expected in ("Русский язык", "Литература", "Математика", "История", "Английский язык",
                     "Физическая культура"):
        assert expected in names_of_subjects
    [event] = events("journal.sandbox_filled")
    assert event.actor_id == teacher.id and event.details["pupils"] == len(school.classes[0].pupils)


def test_the_timetable_runs_monday_to_friday_with_five_or_six_lessons_a_day(sandbox):
    school = sandbox(seed=3)
    slots = school.classes[0].timetable
    per_day = Counter(slot.weekday for slot in slots)
    assert sorted(per_day) == [0, 1, 2, 3, 4]
    assert all(5 <= n <= 6 for n in per_day.values())
    for weekday in range(5):
        numbers = sorted(slot.number for slot in slots if slot.weekday == weekday)
        assert numbers == list(range(1, len(numbers) + 1))  # no gaps: lessons 1, 2, 3…
    per_subject = Counter(slot.subject_id for slot in slots)
    assert set(per_subject) == {subject.id for subject in school.subjects}
    assert all(1 <= n <= 5 for n in per_subject.values())
    # A subject is taught at most once a day.
    assert max(Counter((slot.weekday, slot.subject_id) for slot in slots).values()) == 1


def test_pupils_have_consistent_generated_names_and_a_parent(sandbox):
    pupils = sandbox(seed=11).classes[0].pupils
    sons_patronymics = {son for son, _daughter in names.FATHERS.values()}
    daughters_patronymics = {daughter for _son, daughter in names.FATHERS.values()}
    genders = set()
    for pupil in pupils:
        is_girl = pupil.middle_name in daughters_patronymics
        genders.add(is_girl)
        assert is_girl or pupil.middle_name in sons_patronymics
        assert pupil.first_name in (names.GIRLS if is_girl else names.BOYS)
        assert pupil.last_name.endswith("а") == is_girl  # Faker's surnames end in -ов, -ев, -ин
        parent_surname, parent_name, _parent_patronymic = pupil.parent_name.split(" ")
        if parent_name in names.MOTHERS:
            assert parent_surname.endswith("а")
        else:
            # The father: his name is the pupil's patronymic, his surname the masculine form.
            assert names.FATHERS[parent_name][1 if is_girl else 0] == pupil.middle_name
            assert pupil.last_name in (parent_surname, names.female_surname(parent_surname))
    assert genders == {True, False}
    assert len({(pupil.last_name, pupil.first_name) for pupil in pupils}) == len(pupils)


def test_the_same_seed_gives_the_same_class(sandbox):
    first = [p.full_name for p in sandbox(seed=5).classes[0].pupils]
    second = [p.full_name for p in sandbox(seed=5).classes[0].pupils]
    other = [p.full_name for p in sandbox(seed=6).classes[0].pupils]
    assert first == second
    assert first != other


def test_female_surnames():
    assert names.female_surname("Иванов") == "Иванова"
    assert names.female_surname("Ильин") == "Ильина"
    assert names.female_surname("Вяземский") == "Вяземская"
    assert names.female_surname("Толстой") == "Толстая"
    assert names.female_surname("Шевчук") == "Шевчук"


def test_a_filled_school_is_not_filled_twice(sandbox):
    school = sandbox()
    with pytest.raises(Conflict):
        sandbox(school.owner)
    assert count(SandboxClass) == 1


@pytest.mark.parametrize("role", ["operator", "municipal", "coordinator", "admin"])
def test_roles_without_a_sandbox_cannot_fill_one(make, role):
    with pytest.raises(PermissionDenied):
        service.fill(make.user(role))
    assert count(SandboxSchool) == 0


@pytest.mark.parametrize("role", ["teacher", "school", "methodologist"])
def test_teachers_coordinators_and_methodologists_have_a_sandbox(make, role):
    assert service.fill(make.user(role), seed=1).classes


# --- resetting -----------------------------------------------------------------------------


def test_reset_deletes_everything_filled_in_and_keeps_the_settings(sandbox, app):
    school = sandbox()
    owner = school.owner
    service.update_settings(owner, edit_window_days=3, mark_scale=c.SCALE_1_5)
    other = sandbox()  # another teacher's sandbox stays as it is
    lesson = first_lesson(school)
    lessons.update_lesson(owner, lesson.class_id, lesson.subject_id, lesson.day, lesson.number, "Дроби",
                          "№ 12", upload=UploadedFile("task.txt", b"Solve"), today=lesson.day)
    stored = uploads.stored_path(lessons.FOLDER, lesson.homework_file)
    pupil = school.classes[0].pupils[0]
    add_mark(lesson, pupil, 5)
    db.session.add_all([
        Attendance(lesson_id=lesson.id, pupil_id=school.classes[0].pupils[1].id, code=c.ABSENT),
        PeriodMark(class_id=lesson.class_id, subject_id=lesson.subject_id, pupil_id=pupil.id, period=c.Q1,
                   year_start=date(2024, 9, 1), value=5),
        DiaryConfirmation(pupil_id=pupil.id, week_start=date(2024, 9, 2)),
    ])
    db.session.commit()
    other_pupils = len(other.classes[0].pupils)
    assert stored.is_file()

    service.reset(owner)

    for model in (Mark, Attendance, PeriodMark, DiaryConfirmation, Lesson):
        assert count(model) == 0, model
    assert db.session.scalar(select(func.count(Pupil.id))) == other_pupils
    assert db.session.scalar(select(func.count(SandboxClass.id))) == 1
    assert db.session.scalar(select(func.count(TimetableSlot.id))) == len(other.classes[0].timetable)
    assert db.session.scalar(select(func.count(Subject.id)).where(Subject.school_id == school.id)) == 0
    assert not stored.exists()
    kept = db.session.get(SandboxSchool, school.id)
    assert (kept.edit_window_days, kept.mark_scale, kept.filled_at) == (3, c.SCALE_1_5, None)
    assert len(events("journal.sandbox_reset")) == 1
    # …and it can be filled again.
    again = service.fill(owner, seed=2)
    assert again.id == school.id and len(again.classes) == 1 and again.edit_window_days == 3


def test_an_empty_sandbox_cannot_be_reset(make):
    teacher = make.user("teacher")
    with pytest.raises(ValidationFailed):
        service.reset(teacher)
    assert events("journal.sandbox_reset") == []


# --- settings ------------------------------------------------------------------------------


def test_settings_change_only_the_fields_given_and_are_audited(sandbox):
    school = sandbox()
    service.update_settings(school.owner, rounding_threshold="0.6", min_marks=5,
                            weights={"classwork": 1, "homework": 2, "test": 2, "control": 4})
    db.session.expire_all()
    school = db.session.get(SandboxSchool, school.id)
    assert school.rounding_threshold == 0.6 and school.min_marks == 5
    assert school.weights == {"classwork": 1, "homework": 2, "test": 2, "control": 4}
    assert school.edit_window_days == c.DEFAULT_EDIT_WINDOW_DAYS
    [event] = events("journal.settings_changed")
    assert set(event.details) == {"rounding_threshold", "min_marks", "weights"}


def test_settings_before_the_first_fill_create_the_school(make):
    teacher = make.user("teacher")
    service.update_settings(teacher, edit_window_days=0)
    school = service.fill(teacher, seed=1)
    assert school.edit_window_days == 0


@pytest.mark.parametrize(("fields", "field"), [
    ({"mark_scale": "0-10"}, "mark_scale"),
    ({"rounding_threshold": "0.57"}, "rounding_threshold"),
    ({"rounding_threshold": "0.95"}, "rounding_threshold"),
    ({"rounding_threshold": "0.45"}, "rounding_threshold"),
    ({"rounding_threshold": "много"}, "rounding_threshold"),
    ({"edit_window_days": 31}, "edit_window_days"),
    ({"edit_window_days": -1}, "edit_window_days"),
    ({"min_marks": 0}, "min_marks"),
    ({"min_marks": 11}, "min_marks"),
    ({"weights": {"classwork": 0, "homework": 1, "test": 2, "control": 3}}, "weight_classwork"),
    ({"weights": {"classwork": 1, "homework": 1, "test": 2, "control": 11}}, "weight_control"),
    ({"weights": {"classwork": 1}}, "weight_homework"),
])
def test_settings_out_of_range_are_refused(sandbox, fields, field):
    school = sandbox()
    with pytest.raises(ValidationFailed) as raised:
        service.update_settings(school.owner, **fields)
    assert field in raised.value.field_errors
    assert events("journal.settings_changed") == []


@pytest.mark.parametrize("threshold", ["0.5", "0.55", "0.75", "0.90"])
def test_thresholds_in_steps_of_five_hundredths_are_accepted(sandbox, threshold):
    school = sandbox()
    service.update_settings(school.owner, rounding_threshold=threshold)
    assert school.rounding_threshold == float(threshold)


def test_switching_to_the_2_5_scale_is_refused_while_the_journal_has_ones(sandbox):
    school = sandbox()
    service.update_settings(school.owner, mark_scale=c.SCALE_1_5)
    lesson = first_lesson(school)
    pupils = school.classes[0].pupils
    add_mark(lesson, pupils[0], 1)
    add_mark(lesson, pupils[1], 1)
    add_mark(lesson, pupils[2], 4)
    with pytest.raises(ValidationFailed) as raised:
        service.update_settings(school.owner, mark_scale=c.SCALE_2_5)
    assert "2" in raised.value.message and "mark_scale" in raised.value.field_errors
    assert "2 отметки ниже 2" in raised.value.message
    db.session.expire_all()
    assert db.session.get(SandboxSchool, school.id).mark_scale == c.SCALE_1_5
    # Once the ones are changed, the switch goes through.
    for mark in db.session.scalars(select(Mark).where(Mark.value == 1)):
        mark.value = 2
    db.session.commit()
    service.update_settings(school.owner, mark_scale=c.SCALE_2_5)
    assert db.session.get(SandboxSchool, school.id).mark_scale == c.SCALE_2_5


def test_new_weights_apply_to_marks_already_entered(sandbox):
    school = sandbox()
    lesson = first_lesson(school)
    pupil = school.classes[0].pupils[0]
    test_mark = add_mark(lesson, pupil, 3, kind=c.TEST, weight=2)
    class_mark = add_mark(lesson, pupil, 5, kind=c.CLASSWORK, weight=1)
    service.update_settings(school.owner, weights={"classwork": 1, "homework": 1, "test": 4, "control": 3})
    db.session.expire_all()
    assert db.session.get(Mark, test_mark.id).weight == 4
    assert db.session.get(Mark, class_mark.id).weight == 1


def test_another_users_settings_are_not_reachable(sandbox, make):
    school = sandbox()
    intruder = make.user("teacher")
    service.update_settings(intruder, min_marks=9)
    assert db.session.get(SandboxSchool, school.id).min_marks == c.DEFAULT_MIN_MARKS
    assert service.school_for(intruder).id != school.id


def test_a_school_created_meanwhile_in_another_tab_gives_a_conflict(sandbox, monkeypatch):
    school = sandbox()
    owner = school.owner
    service.reset(owner)
    # The other tab's school is not seen yet: this request tries to create a second one.
    monkeypatch.setattr(service, "school_for", lambda user: None)
    with pytest.raises(Conflict):
        service.fill(owner, seed=1)
    with pytest.raises(Conflict):
        service.update_settings(owner, min_marks=4)
    assert count(SandboxSchool) == 1
