"""The journal demo step: practice classes with weeks of entries for demo teachers; idempotent, no commit."""

import pytest
from sqlalchemy import distinct, func, select

from app.auth.models import User
from app.demo import accounts, region
from app.demo.services import DemoContext
from tests.fixtures.demo import run_demo_steps
from training import tasks
from training.journal import demo, sandbox, timeliness
from training.journal import tasks as journal_tasks
from training.journal.models import DiaryConfirmation, Lesson, Mark, PeriodMark, Pupil, SandboxSchool

PASSWORD = "demo-pass-123"
STEPS = (region.build_organizations, region.build_staff, accounts.build_users, demo.build_sandboxes)
COUNTED = (SandboxSchool, Pupil, Lesson, Mark, PeriodMark, DiaryConfirmation)


def build(db, password=PASSWORD):
    """Run the steps as `opora demo` does; the progress lines."""
    lines = []
    run_demo_steps(STEPS, password, lines)
    return lines


@pytest.fixture
def built(db):
    return build(db)


def user(db, email):
    return db.session.scalar(select(User).where(User.email == email))


def counts(db):
    return {model.__name__: db.session.scalar(select(func.count(model.id))) for model in COUNTED}


def test_the_planned_teachers_get_a_filled_class_with_weeks_of_marks(built, db):
    owners = set(db.session.scalars(select(SandboxSchool.owner_id)))
    assert owners == {user(db, email).id for email in demo.PLANS}
    teacher = user(db, "teacher@opora.test")
    school = sandbox.school_for(teacher)
    assert sandbox.is_filled(school) and 25 <= len(school.classes[0].pupils) <= 30
    days = db.session.scalar(select(func.count(distinct(Lesson.day))).join(Mark, Mark.lesson_id == Lesson.id)
                             .where(Lesson.class_id == school.classes[0].id))
    assert days >= 10  # two whole school weeks of marks at least
    assert any(line.startswith("Учебный журнал: заполнено классов 4") for line in built)


def test_the_sandboxes_fit_the_practical_tasks(built, db):
    teacher, finished = user(db, "teacher@opora.test"), user(db, "teacher2@opora.test")
    for key in (journal_tasks.WEEK_LESSONS, journal_tasks.LESSON_MARKS):
        assert tasks.run_check(key, teacher, {}).is_done, key
    assert not tasks.run_check(journal_tasks.QUARTER_MARKS, teacher, {}).is_done
    assert tasks.run_check(journal_tasks.QUARTER_MARKS, finished, {}).is_done


def test_timeliness_shows_a_punctual_and_a_late_teacher(built, db, make):
    span = timeliness.period()
    rows = {row.school.owner.email: row.figures
            for row in timeliness.teachers_summary(make.user("methodologist"), span).items}
    punctual, late = rows["teacher@opora.test"], rows["teacher4@opora.test"]
    assert 60 <= punctual.marks_share < 100 and punctual.lessons > 0
    assert late.marks_share < punctual.marks_share and late.homework_share < punctual.homework_share


def test_the_diary_of_a_demo_pupil_shows_the_marks(built, db, auth, client):
    teacher = user(db, "teacher@opora.test")
    auth.login(teacher, password=PASSWORD)
    school_class = sandbox.school_for(teacher).classes[0]
    query = select(DiaryConfirmation).join(Pupil, Pupil.id == DiaryConfirmation.pupil_id)
    confirmed = db.session.scalars(query.where(Pupil.class_id == school_class.id)).first()
    url = f"/journal/diary/{confirmed.pupil_id}?week={confirmed.week_start.isoformat()}"
    page = client.get(url).get_data(as_text=True)
    assert "Прочитано родителем" in page and 'data-testid="mark"' in page


def test_building_twice_changes_nothing(built, db):
    before = counts(db)
    lines = build(db, password=None)
    db.session.expire_all()
    assert counts(db) == before
    assert "Учебный журнал: классы демонстрационных учителей уже заполнены" in lines


def test_the_step_leaves_the_commit_to_the_build(db):
    ctx = DemoContext(password=PASSWORD, progress=lambda line: None)
    for step in STEPS:
        step(ctx)
    assert db.session.scalar(select(func.count(Lesson.id))) > 0
    db.session.rollback()
    assert db.session.scalar(select(func.count(Lesson.id))) == 0
