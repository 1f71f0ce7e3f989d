"""Enrolment and progress: module order, completion at once, certificates on completion."""

import pytest

from app.audit.models import AuditEvent
from app.errors import PermissionDenied, ValidationFailed
from app.extensions import db
from training import constants as c
from training import progress, quizzes, tasks


def _pass_module(user, module):
    progress.mark_lesson_read(user, module)
    if module.has_quiz:
        attempt = quizzes.start_attempt(user, module)
        answers = {f"q{q.id}": [str(o.id) for o in q.options if o.is_correct] for q in module.questions}
        quizzes.submit_attempt(user, attempt.id, answers)


def test_self_enrolment_is_idempotent_and_audited(make, training):
    teacher = make.user("teacher")
    course = training.course()
    first = progress.enrol_self(teacher, course)
    again = progress.enrol_self(teacher, course)
    assert first.id == again.id
    assert first.status == c.NOT_STARTED and first.organization_id == teacher.organization_id
    assert db.session.query(AuditEvent).filter_by(action="training.enrolled").count() == 1


def test_draft_course_is_closed_for_enrolment(make, training):
    with pytest.raises(PermissionDenied):
        progress.enrol_self(make.user("teacher"), training.course(status=c.DRAFT))


def test_sequential_modules_open_one_after_another(make, training):
    teacher = make.user("teacher")
    course = training.course(modules=3)
    enrollment = progress.enrol_self(teacher, course)
    assert [s.is_open for s in progress.module_states(enrollment, course)] == [True, False, False]
    with pytest.raises(PermissionDenied, match="Модуль 1"):
        progress.mark_lesson_read(teacher, course.modules[1])
    _pass_module(teacher, course.modules[0])
    states = progress.module_states(enrollment, course)
    assert [s.is_completed for s in states] == [True, False, False]
    assert [s.is_open for s in states] == [True, True, False]
    assert enrollment.status == c.IN_PROGRESS and enrollment.completed_modules == 1


def test_non_sequential_course_follows_explicit_prerequisites(make, training):
    teacher = make.user("teacher")
    course = training.course(modules=3, is_sequential=False)
    first, second, third = course.modules
    third.prerequisites = [first]
    db.session.commit()
    enrollment = progress.enrol_self(teacher, course)
    assert [s.is_open for s in progress.module_states(enrollment, course)] == [True, True, False]
    _pass_module(teacher, first)
    assert progress.module_states(enrollment, course)[2].is_open


def test_a_module_without_quiz_completes_when_read(make, training):
    teacher = make.user("teacher")
    course = training.course(modules=1, questions=0)
    enrollment = progress.enrol_self(teacher, course)
    progress.mark_lesson_read(teacher, course.modules[0])
    assert enrollment.status == c.COMPLETED and enrollment.score is None


def test_completion_is_computed_at_once_with_score_and_certificate(make, training):
    teacher = make.user("teacher")
    course = training.course(modules=2, hours=72)
    enrollment = progress.enrol_self(teacher, course)
    for module in course.modules:
        _pass_module(teacher, module)
    assert enrollment.status == c.COMPLETED
    assert enrollment.completed_modules == 2 and enrollment.score == 100
    assert enrollment.started_at is not None and enrollment.completed_at is not None
    certificate = enrollment.certificate
    assert certificate.full_name == teacher.full_name and certificate.hours == 72
    assert certificate.course_title == course.title
    assert db.session.query(AuditEvent).filter_by(action="training.course_completed").count() == 1


def test_practical_task_must_pass_before_the_module_completes(make, training):
    state = {"done": False}
    tasks.register("test-sandbox", "Заполнить класс", lambda user, params: tasks.TaskResult(
        state["done"], [] if state["done"] else ["Класс не заполнен"]))
    teacher = make.user("teacher")
    course = training.course(modules=1, questions=0)
    course.modules[0].task_key = "test-sandbox"
    db.session.commit()
    enrollment = progress.enrol_self(teacher, course)
    progress.mark_lesson_read(teacher, course.modules[0])
    result = progress.check_task(teacher, course.modules[0])
    assert not result.is_done and result.missing == ["Класс не заполнен"]
    assert enrollment.status == c.IN_PROGRESS
    state["done"] = True
    assert progress.check_task(teacher, course.modules[0]).is_done
    assert enrollment.status == c.COMPLETED
    tasks.TASKS.pop("test-sandbox")


def test_a_module_without_a_task_refuses_a_check(make, training):
    teacher = make.user("teacher")
    course = training.course(modules=1)
    progress.enrol_self(teacher, course)
    with pytest.raises(ValidationFailed):
        progress.check_task(teacher, course.modules[0])


def test_assignment_keeps_the_earlier_due_date(make, training):
    from datetime import date

    teacher = make.user("teacher")
    course = training.course()
    progress.enrol_self(teacher, course)
    enrollment = progress.enrol(teacher, course, source=c.ASSIGNED, due_on=date(2026, 12, 1))
    progress.enrol(teacher, course, source=c.ASSIGNED, due_on=date(2027, 1, 1))
    assert enrollment.source == c.ASSIGNED and enrollment.due_on == date(2026, 12, 1)
