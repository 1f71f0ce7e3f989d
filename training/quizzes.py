"""Quizzes: attempts with a shuffled layout, graded on the server only, with the result explained."""

import random
import re

from flask_babel import gettext as _
from sqlalchemy import select, update

from app.audit import services as audit
from app.auth import permissions
from app.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from app.extensions import db
from app.timeutil import utcnow
from training import constants as c
from training import progress as learning
from training.models import Enrollment, Module, QuizAttempt


def normalize_answer(text):
    """A short answer as compared: case-insensitive, ё as е, spaces collapsed, comma as decimal point."""
    text = re.sub(r"\s+", " ", str(text or "")).strip().lower().replace("ё", "е")
    return re.sub(r"(?<=\d),(?=\d)", ".", text).rstrip(".")


def attempts_left(module, progress):
    """How many more attempts the learner has (None: unlimited)."""
    if module.max_attempts is None:
        return None
    if progress is None:
        return module.max_attempts
    return max(module.max_attempts + progress.extra_attempts - progress.attempts_used, 0)


def open_attempt(enrollment, module):
    """The learner's started, not yet submitted attempt at the module's quiz."""
    return db.session.scalars(
        select(QuizAttempt).where(QuizAttempt.enrollment_id == enrollment.id,
                                  QuizAttempt.module_id == module.id, QuizAttempt.submitted_at.is_(None))
    ).first()


def new_attempt(enrollment, module, rng=None, now=None):
    """Lay out a new attempt: questions and options shuffled if the module says so (no commit)."""
    rng = rng or random.SystemRandom()
    questions = list(module.questions)
    if module.is_shuffled:
        rng.shuffle(questions)
    layout = []
    for question in questions:
        option_ids = [option.id for option in question.options]
        if module.is_shuffled:
            rng.shuffle(option_ids)
        layout.append([question.id, option_ids])
    progress = learning.progress_for(enrollment, module)
    attempt = QuizAttempt(enrollment=enrollment, module=module, number=progress.attempts_used + 1,
                          started_at=now or utcnow(), layout=layout, results=[])
    db.session.add(attempt)
    return attempt


def start_attempt(user, module, rng=None, now=None):
    """Open the quiz for the learner: the attempt in progress, or a new one if attempts remain."""
    enrollment = learning.open_enrollment(user, module)
    if not module.has_quiz:
        raise NotFound(_("This module has no quiz."))
    progress = learning.progress_for(enrollment, module)
    if progress.lesson_read_at is None:
        raise ValidationFailed(_("Read the lesson before taking the quiz."))
    attempt = open_attempt(enrollment, module)
    if attempt is None:
        if attempts_left(module, progress) == 0:
            raise ValidationFailed(_("You have used all attempts at this quiz."))
        attempt = new_attempt(enrollment, module, rng, now)
        db.session.commit()
    return attempt


def shown_questions(attempt):
    """The attempt's questions in the order laid out, each with its options in their order."""
    questions = {question.id: question for question in attempt.module.questions}
    shown = []
    for question_id, option_ids in attempt.layout:
        question = questions.get(question_id)
        if question is None:
            continue  # removed from the quiz after the attempt started
        options = {option.id: option for option in question.options}
        ordered = [options[option_id] for option_id in option_ids if option_id in options]
        shown.append((question, ordered + [o for o in question.options if o.id not in option_ids]))
    return shown


def _grade_question(question, given):
    """Whether the answer is right, the answer as text and the right answer as text."""
    if question.kind == c.SHORT:
        text = (given or [""])[0]
        accepted = {normalize_answer(answer) for answer in question.accepted_answers}
        is_correct = bool(text.strip()) and normalize_answer(text) in accepted
        return is_correct, [text], list(question.accepted_answers)
    chosen = {str(value) for value in given or ()}
    correct = {str(option.id) for option in question.options if option.is_correct}
    if question.kind == c.SINGLE and len(chosen) > 1:
        chosen = set()  # a tampered form: more than one choice on a single-choice question counts as none
    given_texts = [option.text for option in question.options if str(option.id) in chosen]
    correct_texts = [option.text for option in question.options if option.is_correct]
    return chosen == correct, given_texts, correct_texts


def grade(attempt, answers, now=None):
    """Grade the answers, keep the result with the attempt and update the learner's progress (no commit)."""
    now = now or utcnow()
    results, earned, total = [], 0, 0
    for question, _options in shown_questions(attempt):
        is_correct, given, correct = _grade_question(question, answers.get(f"q{question.id}", []))
        total += question.points
        earned += question.points if is_correct else 0
        results.append({"question_id": question.id, "text": question.text, "kind": question.kind,
                        "points": question.points, "is_correct": is_correct, "given": given,
                        "correct": correct, "explanation": question.explanation})
    module = attempt.module
    attempt.results = results
    attempt.score = round(100 * earned / total) if total else 0
    attempt.is_passed = attempt.score >= module.pass_mark
    attempt.submitted_at = now
    _record_result(attempt, now)
    return attempt


def _record_result(attempt, now):
    enrollment, module = attempt.enrollment, attempt.module
    progress = learning.progress_for(enrollment, module)
    progress.attempts_used += 1
    if progress.best_score is None or attempt.score > progress.best_score:
        progress.best_score = attempt.score
    if attempt.is_passed and progress.quiz_passed_at is None:
        progress.quiz_passed_at = now
    learning.complete_if_done(progress, module, now)
    learning.refresh(enrollment, now)


def own_attempt(user, attempt_id):
    """The learner's own attempt (404 for anyone else's)."""
    attempt = db.session.get(QuizAttempt, attempt_id)
    if attempt is None or attempt.enrollment.user_id != user.id:
        raise NotFound(_("No such quiz attempt."))
    return attempt


def submit_attempt(user, attempt_id, answers, now=None):
    """Grade the learner's submitted answers; an attempt is graded once."""
    attempt = own_attempt(user, attempt_id)
    learning.open_enrollment(user, attempt.module)
    now = now or utcnow()
    # Claim the attempt in the database, so a double click cannot count it twice.
    claimed = db.session.execute(
        update(QuizAttempt).where(QuizAttempt.id == attempt.id, QuizAttempt.submitted_at.is_(None))
        .values(submitted_at=now).execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        db.session.rollback()
        raise Conflict(_("This attempt has already been submitted."))
    grade(attempt, answers, now)
    db.session.commit()
    return attempt


def reveals_answers(attempt, progress):
    """Show the right answers once the quiz is passed or no attempts remain (so they cannot be copied)."""
    return attempt.is_passed or attempts_left(attempt.module, progress) == 0


def grant_attempt(actor, enrollment_id, module_id):
    """A methodologist gives a learner who used every attempt one more (a learner must never be stuck)."""
    enrollment = db.session.get(Enrollment, enrollment_id)
    module = db.session.get(Module, module_id)
    if enrollment is None or module is None or module.course_id != enrollment.course_id:
        raise NotFound(_("No such enrolment."))
    if not (permissions.can_author_courses(actor) and permissions.can_view_enrollment(actor, enrollment)):
        raise PermissionDenied(_("Only the course methodologists grant extra attempts."))
    progress = learning.progress_for(enrollment, module)
    if attempts_left(module, progress) != 0:
        raise ValidationFailed(_("The learner still has attempts left."))
    progress.extra_attempts += 1
    audit.record("training.attempt_granted", actor=actor, target=enrollment, module=module.title,
                 learner=enrollment.user.email)
    db.session.commit()
    return progress
