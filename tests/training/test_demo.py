"""The training demo step: the starter course and demo staff at every stage of it; idempotent, no commit."""

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.auth import roles
from app.auth.models import User
from app.demo import accounts, region
from app.demo.services import DemoContext
from app.timeutil import MOSCOW_OFFSET, local_today, utcnow
from tests.fixtures.demo import run_demo_steps
from training import constants as c
from training import demo
from training.models import Assignment, Certificate, Course, Enrollment, Module, ModuleProgress, QuizAttempt

PASSWORD = "demo-pass-123"
# The smallest region the step needs: organizations, their staff and the demo accounts.
STEPS = (region.build_organizations, region.build_staff, accounts.build_users, demo.build_course)
COUNTED = (Course, Module, Enrollment, ModuleProgress, QuizAttempt, Certificate, Assignment, User)


def build(db, password=PASSWORD):
    """Run the steps as `opora demo` does, without the hotline and guides; the progress lines."""
    lines = []
    run_demo_steps(STEPS, password, lines)
    return lines


@pytest.fixture
def built(db):
    """The small demo region with the course; the progress lines."""
    return build(db)


def counts(db):
    return {model.__name__: db.session.scalar(select(func.count(model.id))) for model in COUNTED}


def enrollment_of(db, email):
    return db.session.scalar(select(Enrollment).join(Enrollment.user).where(User.email == email))


def test_the_course_is_imported_published_by_the_methodologist(built, db):
    course = db.session.scalar(select(Course).where(Course.slug == demo.COURSE_SLUG))
    assert course.is_published and len(course.modules) == 7
    assert course.author.email == demo.IMPORTER
    assert any(line.startswith(f"Обучение: курс «{course.title}» создан") for line in built)


def test_demo_staff_are_at_every_stage_and_some_hold_certificates(built, db):
    statuses = Counter(db.session.scalars(select(Enrollment.status)))
    assert set(statuses) == set(c.PROGRESS_STATUSES), statuses
    certificates = db.session.scalars(select(Certificate)).all()
    assert len(certificates) == statuses[c.COMPLETED] >= 2
    assert all(cert.is_valid and cert.hours == 36 and cert.full_name for cert in certificates)
    line = next(line for line in built if line.startswith("Обучение: записей на курс"))
    assert f"завершили {statuses[c.COMPLETED]}" in line and f"сертификатов {len(certificates)}" in line


def test_the_contract_teachers_are_where_the_demo_promises(built, db):
    teacher = enrollment_of(db, "teacher@opora.test")
    assert teacher.status == c.IN_PROGRESS and teacher.completed_modules == 3
    attempts = db.session.scalars(select(QuizAttempt).where(QuizAttempt.enrollment_id == teacher.id)).all()
    assert any(not attempt.is_passed for attempt in attempts) and sum(a.is_passed for a in attempts) == 3
    finished = enrollment_of(db, "teacher2@opora.test")
    assert finished.status == c.COMPLETED and finished.certificate is not None and finished.score >= 80
    assert finished.certificate.issued_at == finished.completed_at
    assert enrollment_of(db, "teacher3@opora.test").status == c.NOT_STARTED
    assert enrollment_of(db, "teacher6@opora.test") is None


def test_school_coordinators_assign_their_schools_one_of_them_overdue(built, db):
    assignments = db.session.scalars(select(Assignment).order_by(Assignment.due_on)).all()
    overdue, current = assignments
    assert overdue.due_on < local_today() < current.due_on
    assert current.assigned_by.email == "school@opora.test"
    for assignment in assignments:
        assert assignment.assigned_by.role == roles.SCHOOL
        assert assignment.assigned_by.organization_id == assignment.organization_id
        query = select(Enrollment).where(Enrollment.assignment_id == assignment.id)
        enrollments = db.session.scalars(query).all()
        assert len(enrollments) >= demo.TEACHERS_PER_SCHOOL
        assert all(e.source == c.ASSIGNED and e.due_on == assignment.due_on for e in enrollments)
        assert {e.organization_id for e in enrollments} == {assignment.organization_id}
    late = db.session.scalars(select(Enrollment).where(Enrollment.assignment_id == overdue.id,
                                                       Enrollment.status != c.COMPLETED)).all()
    assert late, "someone of the overdue school has not finished"
    assert enrollment_of(db, "teacher@opora.test").assignment_id == current.id


def test_dates_spread_over_the_past_months_in_course_order(built, db):
    now = utcnow()
    enrollments = db.session.scalars(select(Enrollment)).all()
    assert now - min(e.enrolled_at for e in enrollments) > timedelta(days=60)
    for enrollment in enrollments:
        read = sorted((p.module.position, p.lesson_read_at) for p in enrollment.progress)
        moments = [moment for _position, moment in read]
        assert moments == sorted(moments), enrollment
        assert all(enrollment.enrolled_at < moment < now for moment in moments)
        if enrollment.completed_at is not None:
            assert enrollment.started_at <= enrollment.completed_at < now
            if enrollment.due_on is not None:
                assert (enrollment.completed_at + MOSCOW_OFFSET).date() <= enrollment.due_on
    submitted = db.session.scalars(select(QuizAttempt.submitted_at)).all()
    assert submitted and all(moment < now for moment in submitted)


def test_the_step_leaves_the_commit_to_the_build(db):
    ctx = DemoContext(password=PASSWORD, progress=lambda line: None)
    for step in STEPS:
        step(ctx)

    assert db.session.scalar(select(func.count(Enrollment.id))) > 0
    db.session.rollback()
    assert db.session.scalar(select(func.count(Enrollment.id))) == 0


def test_building_twice_changes_nothing(built, db):
    before = counts(db)

    lines = build(db, password=None)

    db.session.expire_all()
    assert counts(db) == before
    assert any("без изменений" in line for line in lines)
    assert f"Обучение: записей на курс уже {before['Enrollment']}, новые не созданы" in lines


def test_a_new_password_reaches_the_accounts_the_step_made(built, db, auth, client):
    made = db.session.scalars(select(User).where(User.email.not_like("%@opora.test"))).all()
    assert made, "the step made accounts for the assigned schools' staff"

    build(db, password="another-pass-456")

    auth.login(made[0], password="another-pass-456")  # asserts the sign-in succeeded
    assert client.get("/training/").status_code == 200
