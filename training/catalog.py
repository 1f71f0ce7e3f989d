"""What learners read: the catalogue, a course with their progress, a module with its quiz and task."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, selectinload

from app.auth import permissions
from app.errors import NotFound
from app.extensions import db
from app.timeutil import utcnow
from training import constants as c
from training import progress as learning
from training import quizzes, tasks
from training.models import Course, Enrollment, Module, QuizAttempt, Registration, Seminar

UPCOMING_SEMINARS = 5


@dataclass
class CoursePage:
    """A course with the learner's enrolment and the state of each module."""

    course: Course
    enrollment: Enrollment | None
    states: list
    can_enrol: bool

    @property
    def next_state(self):
        """The first open module not yet completed: where «continue» leads."""
        return next((s for s in self.states if s.is_open and not s.is_completed), None)


@dataclass
class ModulePage:
    """A module's lesson with the learner's progress, quiz attempts and practical task."""

    course: Course
    module: Module
    enrollment: Enrollment
    state: object
    attempts: list
    attempts_left: int | None
    open_attempt: QuizAttempt | None
    task_label: str

    @property
    def next_module(self):
        """The module after this one, if any."""
        later = [m for m in self.course.modules if m.position > self.module.position]
        return later[0] if later else None


def catalog(user):
    """Courses the user may see, their enrolments by course id, and upcoming seminars."""
    query = select(Course).order_by(Course.title).options(selectinload(Course.modules))
    courses = [course for course in db.session.scalars(query) if permissions.can_view_course(user, course)]
    enrollments = {
        e.course_id: e for e in db.session.scalars(select(Enrollment).where(Enrollment.user_id == user.id))
    }
    seminars = db.session.scalars(
        select(Seminar).where(Seminar.status == c.SCHEDULED, Seminar.ends_at >= utcnow())
        .order_by(Seminar.starts_at).limit(UPCOMING_SEMINARS)
    ).all()
    return courses, enrollments, seminars


def course_by_slug(user, slug):
    """The course, if the user may see it (404 otherwise, hiding drafts)."""
    course = db.session.scalars(select(Course).where(Course.slug == slug)).first()
    if course is None or not permissions.can_view_course(user, course):
        raise NotFound(_("No such course."))
    return course


def course_page(user, slug):
    """The course page of the user."""
    course = course_by_slug(user, slug)
    enrollment = learning.enrollment_for(user, course)
    return CoursePage(course=course, enrollment=enrollment, states=learning.module_states(enrollment, course),
                      can_enrol=enrollment is None and permissions.can_enrol(user, course))


def module_by_slug(course, module_slug):
    """The module of the course with this slug."""
    module = next((m for m in course.modules if m.slug == module_slug), None)
    if module is None:
        raise NotFound(_("No such module."))
    return module


def module_page(user, slug, module_slug):
    """A module the user may open: lesson, quiz attempts and task."""
    course = course_by_slug(user, slug)
    module = module_by_slug(course, module_slug)
    enrollment = learning.open_enrollment(user, module)
    state = next(s for s in learning.module_states(enrollment, course) if s.module.id == module.id)
    attempts = db.session.scalars(
        select(QuizAttempt).where(QuizAttempt.enrollment_id == enrollment.id,
                                  QuizAttempt.module_id == module.id, QuizAttempt.submitted_at.is_not(None))
        .order_by(QuizAttempt.number)
    ).all()
    return ModulePage(course=course, module=module, enrollment=enrollment, state=state, attempts=attempts,
                      attempts_left=quizzes.attempts_left(module, state.progress),
                      open_attempt=quizzes.open_attempt(enrollment, module),
                      task_label=tasks.task_label(module.task_key) if module.task_key else "")


@dataclass
class LearnerSummary:
    """A home-page card: the user's place in each open course and their seminar registrations."""

    courses: list  # (course, enrollment or None)
    registrations: list


def learner_summary(user):
    """Open courses with the user's enrolments, and their registrations for seminars ahead."""
    courses, enrollments, _seminars = catalog(user)
    registrations = db.session.scalars(
        select(Registration).join(Registration.seminar)
        .where(Registration.user_id == user.id, Registration.status.in_((c.REGISTERED, c.WAITLISTED)),
               Seminar.status == c.SCHEDULED, Seminar.ends_at >= utcnow())
        .order_by(Seminar.starts_at).options(contains_eager(Registration.seminar))
    ).all()
    shown = [(course, enrollments.get(course.id)) for course in courses if course.is_published]
    return LearnerSummary(courses=shown, registrations=registrations)


@dataclass
class EnrollmentPage:
    """One learner's progress in a course, module by module, as their assigners see it."""

    enrollment: Enrollment
    states: list
    attempts: dict  # module id → submitted attempts
    can_grant: bool


def enrollment_page(user, enrollment_id):
    """A learner's progress for the learner, their assigners and the region."""
    enrollment = db.session.get(Enrollment, enrollment_id)
    if enrollment is None or not permissions.can_view_enrollment(user, enrollment):
        raise NotFound(_("No such enrolment."))
    attempts = {}
    submitted = select(QuizAttempt).where(QuizAttempt.enrollment_id == enrollment.id,
                                          QuizAttempt.submitted_at.is_not(None))
    for attempt in db.session.scalars(submitted.order_by(QuizAttempt.number)):
        attempts.setdefault(attempt.module_id, []).append(attempt)
    return EnrollmentPage(enrollment=enrollment, states=learning.module_states(enrollment, enrollment.course),
                          attempts=attempts, can_grant=permissions.can_author_courses(user))
