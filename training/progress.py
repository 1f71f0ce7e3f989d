"""Enrolment and progress: every step a learner takes updates their module and course status at once.

Public services check access and commit once. The `record_*` and `refresh` functions change rows
without committing, so the demo and bulk loaders can combine many steps in one transaction.
"""

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from app.audit import services as audit
from app.auth import permissions
from app.errors import PermissionDenied, ValidationFailed
from app.extensions import db
from app.timeutil import utcnow
from training import certificates, tasks
from training import constants as c
from training.models import Enrollment, ModuleProgress


@dataclass
class ModuleState:
    """A module as one learner sees it: open or locked, done or what is still missing."""

    module: object
    progress: ModuleProgress | None
    is_open: bool
    is_completed: bool
    missing: list = field(default_factory=list)
    required: list = field(default_factory=list)


def enrollment_for(user, course):
    """The user's enrolment in the course, if any."""
    return db.session.scalars(
        select(Enrollment).where(Enrollment.course_id == course.id, Enrollment.user_id == user.id)
    ).first()


def enrol(user, course, *, source=c.SELF, due_on=None, assignment=None, now=None):
    """Add the user to the course (no commit) or return their enrolment; an assignment sets its due date."""
    enrollment = enrollment_for(user, course)
    if enrollment is None:
        enrollment = Enrollment(course=course, user=user, organization_id=user.organization_id, source=source,
                                enrolled_at=now or utcnow(), status=c.NOT_STARTED, completed_modules=0)
        db.session.add(enrollment)
    if source == c.ASSIGNED:
        enrollment.source = c.ASSIGNED
        enrollment.assignment = assignment
        if due_on is not None and (enrollment.due_on is None or due_on < enrollment.due_on):
            enrollment.due_on = due_on
    return enrollment


def enrol_self(user, course):
    """The user enrols in a published course; enrolling twice returns the same enrolment."""
    if not permissions.can_enrol(user, course):
        raise PermissionDenied(_("This course is not open for enrolment."))
    enrollment = enrollment_for(user, course)
    if enrollment is not None:
        return enrollment
    enrollment = enrol(user, course)
    db.session.flush()
    audit.record("training.enrolled", actor=user, target=course)
    db.session.commit()
    return enrollment


def required_modules(module):
    """The modules to complete before this one: all earlier ones in a sequential course."""
    course = module.course
    if course.is_sequential:
        return [other for other in course.modules if other.position < module.position]
    return list(module.prerequisites)


def _missing(module, progress):
    """What the learner still has to do in an open module."""
    missing = []
    if progress is None or progress.lesson_read_at is None:
        missing.append(_("Read the lesson"))
    if module.has_quiz and (progress is None or progress.quiz_passed_at is None):
        missing.append(_("Pass the quiz"))
    if module.has_task and (progress is None or progress.task_done_at is None):
        missing.append(_("Complete the practical task"))
    return missing


def module_states(enrollment, course):
    """Each module of the course with its state for this enrolment (None: not enrolled, all locked)."""
    by_module = {p.module_id: p for p in enrollment.progress} if enrollment is not None else {}
    done = {module_id for module_id, p in by_module.items() if p.completed_at is not None}
    states = []
    for module in course.modules:
        progress = by_module.get(module.id)
        required = required_modules(module)
        is_open = enrollment is not None and all(other.id in done for other in required)
        states.append(ModuleState(module=module, progress=progress, is_open=is_open,
                                  is_completed=module.id in done, missing=_missing(module, progress),
                                  required=[other for other in required if other.id not in done]))
    return states


def open_enrollment(user, module):
    """The user's enrolment, if the module is open to them; otherwise a clear refusal."""
    course = module.course
    if not permissions.can_view_course(user, course):
        raise PermissionDenied(_("This course is not available."))
    enrollment = enrollment_for(user, course)
    if enrollment is None:
        raise PermissionDenied(_("Enrol in the course first."))
    state = next(s for s in module_states(enrollment, course) if s.module.id == module.id)
    if not state.is_open:
        titles = ", ".join(f"«{other.title}»" for other in state.required)
        raise PermissionDenied(_("This module opens after you complete %(modules)s.", modules=titles))
    return enrollment


def progress_for(enrollment, module):
    """The learner's progress row of the module, created on first use (no commit)."""
    for progress in enrollment.progress:
        if progress.module_id == module.id:
            return progress
    progress = ModuleProgress(module=module, module_id=module.id, attempts_used=0, extra_attempts=0)
    enrollment.progress.append(progress)
    return progress


def complete_if_done(progress, module, now=None):
    """Mark the module completed once nothing is missing (no commit)."""
    if progress.completed_at is None and not _missing(module, progress):
        progress.completed_at = now or utcnow()


def record_lesson_read(enrollment, module, now=None):
    """Note that the learner read the lesson, and update their progress (no commit)."""
    now = now or utcnow()
    progress = progress_for(enrollment, module)
    if progress.lesson_read_at is None:
        progress.lesson_read_at = now
    complete_if_done(progress, module, now)
    refresh(enrollment, now)
    return progress


def mark_lesson_read(user, module, now=None):
    """The learner confirms they have read the module's lesson."""
    enrollment = open_enrollment(user, module)
    record_lesson_read(enrollment, module, now)
    db.session.commit()
    return enrollment


def check_task(user, module, now=None):
    """Check the practical task of the module in the learner's sandbox; a pass completes it."""
    if not module.has_task:
        raise ValidationFailed(_("This module has no practical task."))
    enrollment = open_enrollment(user, module)
    result = tasks.run_check(module.task_key, user, module.task_params)
    if result.is_done:
        now = now or utcnow()
        progress = progress_for(enrollment, module)
        if progress.task_done_at is None:
            progress.task_done_at = now
        complete_if_done(progress, module, now)
        refresh(enrollment, now)
        db.session.commit()
    return result


def refresh(enrollment, now=None):
    """Recompute the course status, counts, score and dates; issue the certificate on completion."""
    now = now or utcnow()
    module_ids = {module.id for module in enrollment.course.modules}
    rows = [p for p in enrollment.progress if p.module_id in module_ids]
    done = [p for p in rows if p.completed_at is not None]
    scores = [p.best_score for p in rows if p.best_score is not None]
    enrollment.completed_modules = len(done)
    enrollment.score = round(sum(scores) / len(scores)) if scores else None
    if rows and enrollment.started_at is None:
        enrollment.started_at = now
    if enrollment.status == c.COMPLETED:
        return  # a finished course stays finished even if modules are added later
    if module_ids and len(done) == len(module_ids):
        enrollment.status = c.COMPLETED
        enrollment.completed_at = max(p.completed_at for p in done)
        certificates.issue(enrollment, now)
        audit.record("training.course_completed", actor=enrollment.user, target=enrollment.course,
                     score=enrollment.score)
    elif rows:
        enrollment.status = c.IN_PROGRESS
