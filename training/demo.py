"""Demo step for training: the starter course from content/, and school staff at every stage of it.

The course is imported through the importer (matched by slug, so a second build changes nothing).
Then, once, the staff of two schools get accounts and the course assigned by their coordinator (one
due in three weeks, one overdue), and every other teacher or school coordinator with an account gets
a stage: not enrolled, enrolled, in the middle (lessons read, quizzes passed and failed) or finished
with a certificate. The steps go through the core functions that do not commit (progress.enrol,
record_lesson_read, quizzes.new_attempt and grade) with dates in the past; the build commits once.
Seeded, so every build is the same apart from dates, which are relative to now.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path

from sqlalchemy import func, select

from app.auth import roles
from app.auth.models import User
from app.demo import accounts, tambov
from app.demo.region import new_person
from app.directory.models import Person
from app.timeutil import MOSCOW_OFFSET, utcnow
from training import constants as c
from training import importer, progress, quizzes
from training.models import Assignment, Enrollment

CONTENT_DIR = Path(__file__).resolve().parent / "content"
COURSE_SLUG = "e-journal"
IMPORTER = "methodologist@opora.test"
LEARNER_ROLES = (roles.TEACHER, roles.SCHOOL)
COORDINATOR_POSITION = tambov.SCHOOL_HEAD_POSITIONS[tambov.SCHOOL_APPOINTEE]
ALL = -1  # a stage's `done` meaning every module of the course


@dataclass(frozen=True)
class Stage:
    """How far a learner got: modules completed, and what they did in the next one."""

    done: int = 0
    read_next: bool = False  # read the lesson of the next module
    failed_next: bool = False  # ... and failed its quiz once
    retakes: tuple = ()  # completed modules (0-based) whose quiz was passed at the second attempt


@dataclass(frozen=True)
class SchoolAssignment:
    """A coordinator assigns the course to their whole school: when, and the due date, relative to now."""

    school_code: str
    days_ago: int
    due_in_days: int  # negative: past due


ASSIGNMENTS = (
    SchoolAssignment(f"{tambov.TAMBOV_CITY_CODE}-01", days_ago=45, due_in_days=20),  # school@ and teacher@
    SchoolAssignment(f"{tambov.TAMBOV_CITY_CODE}-02", days_ago=100, due_in_days=-12),  # teacher4@: overdue
)
# The contract logins' stages (None: not enrolled); everyone else draws one.
CONTRACT_STAGES = {
    "school@opora.test": Stage(ALL),
    "teacher@opora.test": Stage(3, read_next=True, failed_next=True, retakes=(1,)),
    "teacher2@opora.test": Stage(ALL, retakes=(4,)),
    "teacher3@opora.test": Stage(0),
    "teacher4@opora.test": Stage(2, read_next=True),
    "teacher5@opora.test": Stage(5, read_next=True, failed_next=True),
    "teacher6@opora.test": None,
}
SELF_ENROLLED_WEIGHTS = {"none": 3, "enrolled": 1, "middle": 3, "finished": 2}
ASSIGNED_WEIGHTS = {"enrolled": 1, "middle": 2, "finished": 2}
RETAKE_SHARE = 0.2
HISTORY_DAYS = 150
STUDY_HOURS = range(14, 21)  # Moscow time: after lessons
SESSION_GAP = timedelta(hours=2)
TEACHERS_PER_SCHOOL = 6  # the assigned schools get teachers up to this number


def build_course(ctx):
    """Import the starter course; the first time, put the demo staff at various stages of it."""
    result = importer.load_course(CONTENT_DIR, actor=ctx.users.get(IMPORTER))
    course = result.course
    ctx.count("courses", int(result.created))
    state = "создан" if result.created else "обновлён" if result.changed else "без изменений"
    ctx.progress(f"Обучение: курс «{course.title}» {state} (модулей {result.counts['modules']}, "
                 f"вопросов {result.counts['questions']})")
    staff = {spec: _school_staff(ctx, ctx.orgs[spec.school_code]) for spec in ASSIGNMENTS}
    enrolled = ctx.session.scalar(select(func.count(Enrollment.id)).where(Enrollment.course_id == course.id))
    if enrolled:
        ctx.progress(f"Обучение: записей на курс уже {enrolled}, новые не созданы")
        return
    ctx.reseed("training")
    _Learners(ctx, course, utcnow().replace(second=0, microsecond=0)).build(staff)


class _Learners:
    """Enrols the demo staff and plays each one's progress up to their stage."""

    def __init__(self, ctx, course, now):
        self.ctx, self.rng, self.course, self.now = ctx, ctx.rng, course, now
        self.modules = list(course.modules)
        self.enrollments = []
        self.attempts = 0

    def build(self, staff):
        """The assigned schools ({assignment: its staff}) first, then everyone else with a staff account."""
        assigned = set()
        for spec, people in staff.items():
            assigned |= self._assign_school(spec, people)
        others = self.ctx.session.scalars(
            select(User).where(User.role.in_(LEARNER_ROLES), User.is_enabled.is_(True)).order_by(User.email)
        ).all()
        for user in others:
            if user.id not in assigned:
                self._self_enrol(user)
        self._report()

    # --- who learns

    def _assign_school(self, spec, staff):
        """The coordinator assigns the course to the school's staff, who make their progress."""
        school = self.ctx.orgs[spec.school_code]
        coordinator = next((user for user in staff if user.role == roles.SCHOOL), None)
        created = self.now - timedelta(days=spec.days_ago, hours=self.rng.randint(0, 5))
        due_on = (self.now + MOSCOW_OFFSET).date() + timedelta(days=spec.due_in_days)
        assignment = Assignment(course=self.course, organization=school, due_on=due_on,
                                assigned_by=coordinator, created_at=created)
        self.ctx.session.add(assignment)
        self.ctx.count("course_assignments", 1)
        deadline = datetime.combine(due_on, time(18)) - MOSCOW_OFFSET
        for user in staff:
            enrolled_at = created + timedelta(hours=self.rng.uniform(0, 48))
            enrollment = progress.enrol(user, self.course, source=c.ASSIGNED, due_on=due_on,
                                        assignment=assignment, now=enrolled_at)
            self._play(enrollment, self._stage(user, ASSIGNED_WEIGHTS), enrolled_at, deadline)
        return {user.id for user in staff}

    def _self_enrol(self, user):
        stage = self._stage(user, SELF_ENROLLED_WEIGHTS)
        if stage is None:
            return
        enrolled_at = self.now - timedelta(days=self.rng.uniform(10, HISTORY_DAYS))
        self._play(progress.enrol(user, self.course, now=enrolled_at), stage, enrolled_at)

    def _stage(self, user, weights):
        """The contract login's stage, or one drawn from the weights (always drawn: same sequence)."""
        kind = self.rng.choices(list(weights), list(weights.values()))[0]
        count = len(self.modules)
        retakes = tuple(index for index in range(count) if self.rng.random() < RETAKE_SHARE)
        middle = self.rng.randint(1, count - 1)
        read_next, failed_next = self.rng.random() < 0.6, self.rng.random() < 0.3
        if user.email in CONTRACT_STAGES:
            return CONTRACT_STAGES[user.email]
        return {
            "none": None,
            "enrolled": Stage(0),
            "middle": Stage(middle, read_next, read_next and failed_next, retakes),
            "finished": Stage(ALL, retakes=retakes),
        }[kind]

    # --- what they did

    def _play(self, enrollment, stage, start, deadline=None):
        """Read lessons and take quizzes up to the stage, in study sessions between start and now."""
        self.enrollments.append(enrollment)
        done = len(self.modules) if stage.done == ALL else stage.done
        sessions = done + int(stage.read_next and done < len(self.modules))
        end = self.now - timedelta(hours=2)
        if stage.done == ALL and deadline is not None:
            end = min(end, deadline)  # finishers of an assigned course finished in time
        for index, moment in enumerate(self._sessions(sessions, start, end)):
            module = self.modules[index]
            progress.record_lesson_read(enrollment, module, moment)
            if index < done:
                if module.has_task:  # done in the sandbox before the quiz (training/journal/demo.py)
                    progress.progress_for(enrollment, module).task_done_at = moment + timedelta(minutes=10)
                if index in stage.retakes:
                    self._attempt(enrollment, module, moment + timedelta(minutes=25), passing=False)
                    moment += timedelta(minutes=40)
                self._attempt(enrollment, module, moment + timedelta(minutes=self.rng.randint(20, 50)))
            elif stage.failed_next:
                self._attempt(enrollment, module, moment + timedelta(minutes=30), passing=False)

    def _sessions(self, count, start, end):
        """`count` sorted study times between start and end, in the afternoon (Moscow) where possible."""
        start = start + timedelta(hours=1)
        if count == 0 or end <= start:
            return [] if count == 0 else [start] * count
        moments = sorted(start + (end - start) * self.rng.random() for _ in range(count))
        snapped = sorted(self._afternoon(moment, start, end) for moment in moments)
        for index in range(1, count):  # a session starts after the previous one's quizzes
            snapped[index] = max(snapped[index], snapped[index - 1] + SESSION_GAP)
        return snapped

    def _afternoon(self, moment, start, end):
        local_day = (moment + MOSCOW_OFFSET).date()
        hour = self.rng.choice(STUDY_HOURS)
        snapped = datetime.combine(local_day, time(hour, self.rng.randrange(60))) - MOSCOW_OFFSET
        return snapped if start <= snapped <= end else moment

    def _attempt(self, enrollment, module, moment, passing=True):
        attempt = quizzes.new_attempt(enrollment, module, rng=self.rng, now=moment)
        quizzes.grade(attempt, self._answers(module, passing), now=moment + timedelta(minutes=12))
        self.attempts += 1

    def _answers(self, module, passing):
        """Right answers but for one slip (sometimes) when passing, or three mistakes when failing."""
        questions = list(module.questions)
        if passing:
            light = [q for q in questions if q.points == 1]
            wrong = self.rng.sample(light, 1) if light and self.rng.random() < 0.4 else []
        else:
            wrong = self.rng.sample(questions, 3)
        return {f"q{q.id}": _answer(q, right=q not in wrong) for q in questions}

    def _report(self):
        statuses = [enrollment.status for enrollment in self.enrollments]
        finished = statuses.count(c.COMPLETED)
        self.ctx.count("enrollments", len(statuses))
        self.ctx.count("quiz_attempts", self.attempts)
        self.ctx.count("certificates", finished)
        self.ctx.progress(
            f"Обучение: записей на курс {len(statuses)} (не приступили {statuses.count(c.NOT_STARTED)}, "
            f"учатся {statuses.count(c.IN_PROGRESS)}, завершили {finished}), попыток тестов {self.attempts}, "
            f"сертификатов {finished}, назначений школам {len(ASSIGNMENTS)}")


def _answer(question, right):
    """The form value of an answer to the question, right or wrong."""
    if question.kind == c.SHORT:
        return [question.accepted_answers[0] if right else "не помню"]
    correct = [str(option.id) for option in question.options if option.is_correct]
    if right:
        return correct
    if question.kind == c.MULTIPLE:
        return correct[:-1]  # a typical slip: one right option left out
    return [next(str(option.id) for option in question.options if not option.is_correct)]


def _school_staff(ctx, school):
    """The school's teachers (topped up to a few) and its coordinator, with accounts for all of them."""
    people = ctx.session.scalars(
        select(Person).where(Person.organization_id == school.id).order_by(Person.id)
    ).all()
    people += _more_teachers(ctx, school, people)
    existing = {user.person_id: user for user in ctx.session.scalars(
        select(User).where(User.person_id.in_([person.id for person in people if person.id])))}
    password_hash = ctx.users["teacher@opora.test"].password_hash  # one hash for every demo account
    taken = set(ctx.session.scalars(select(User.email).where(User.email.in_([p.email for p in people]))))
    created = []
    for person in people:
        role = _staff_role(person)
        if person.id in existing or role is None or not person.email or person.email in taken:
            continue
        taken.add(person.email)
        created.append(User(person=person, email=person.email, role=role, password_hash=password_hash))
    ctx.session.add_all(created)
    ctx.session.flush()
    ctx.count("users", len(created))
    if created:
        ctx.progress(f"Обучение: создано учётных записей сотрудников {school.display_name}: {len(created)}")
    earlier = [user for user in existing.values() if user.email not in ctx.users]
    if ctx.password_set is not None and earlier:  # a new demo password: accounts made earlier follow it
        accounts._reset_passwords(ctx, earlier, password_hash)
    staff = [*existing.values(), *created]
    return sorted((user for user in staff if user.role in LEARNER_ROLES and user.is_enabled),
                  key=lambda user: user.email)


def _more_teachers(ctx, school, people):
    """New teachers of other subjects, so the school has a few to follow (not yet flushed)."""
    subjects = {person.position for person in people if person.position.startswith(tambov.TEACHER_PREFIX)}
    if len(subjects) >= TEACHERS_PER_SCHOOL:
        return []
    ctx.reseed(f"training:{school.code}")
    positions = [position for position in tambov.TEACHER_POSITIONS if position not in subjects]
    wanted = positions[:TEACHERS_PER_SCHOOL - len(subjects)]
    extra = [new_person(ctx, school, position) for position in wanted]
    ctx.session.add_all(extra)
    ctx.count("people", len(extra))
    return extra


def _staff_role(person):
    if person.position.startswith(tambov.TEACHER_PREFIX):
        return roles.TEACHER
    return roles.SCHOOL if person.position == COORDINATOR_POSITION else None

