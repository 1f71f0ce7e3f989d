"""The learner's side: the course catalogue, a course, its modules' lessons, quizzes and tasks."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth import permissions
from app.errors import ValidationFailed
from training import assignments, catalog, quizzes
from training import progress as learning

bp = Blueprint("training", __name__, url_prefix="/training", template_folder="templates")


@bp.route("/")
@login_required
def index():
    """Courses with the user's progress, upcoming seminars and links for methodologists and coordinators."""
    courses, enrollments, seminars = catalog.catalog(current_user)
    return render_template("training/index.html", courses=courses, enrollments=enrollments, seminars=seminars,
                           permissions=permissions, can_assign=assignments.may_assign(current_user))


@bp.route("/courses/<slug>")
@login_required
def course(slug):
    """A course: description, modules with the learner's state, enrolment and certificate."""
    return render_template("training/course.html", page=catalog.course_page(current_user, slug))


@bp.route("/courses/<slug>/enrol", methods=["POST"])
@login_required
def enrol(slug):
    """Enrol the user in the course."""
    course = catalog.course_by_slug(current_user, slug)
    learning.enrol_self(current_user, course)
    flash(_("You are enrolled in the course. Start with the first module."), "success")
    return redirect(url_for(".course", slug=slug))


@bp.route("/courses/<slug>/<module_slug>")
@login_required
def module(slug, module_slug):
    """A module's lesson, with the quiz and the practical task below it."""
    return render_template("training/module.html", page=catalog.module_page(current_user, slug, module_slug))


def _module(slug, module_slug):
    return catalog.module_by_slug(catalog.course_by_slug(current_user, slug), module_slug)


@bp.route("/courses/<slug>/<module_slug>/read", methods=["POST"])
@login_required
def mark_read(slug, module_slug):
    """The learner confirms having read the lesson."""
    learning.mark_lesson_read(current_user, _module(slug, module_slug))
    flash(_("The lesson is marked as read."), "success")
    return redirect(url_for(".module", slug=slug, module_slug=module_slug, _anchor="quiz"))


@bp.route("/courses/<slug>/<module_slug>/task", methods=["POST"])
@login_required
def check_task(slug, module_slug):
    """Check the practical task in the learner's sandbox."""
    result = learning.check_task(current_user, _module(slug, module_slug))
    if result.is_done:
        flash(_("The practical task is done."), "success")
    else:
        missing = "; ".join(result.missing)
        flash(_("The practical task is not done yet: %(missing)s", missing=missing), "warning")
    return redirect(url_for(".module", slug=slug, module_slug=module_slug, _anchor="task"))


@bp.route("/courses/<slug>/<module_slug>/quiz", methods=["POST"])
@login_required
def start_quiz(slug, module_slug):
    """Start (or resume) an attempt at the module's quiz."""
    try:
        attempt = quizzes.start_attempt(current_user, _module(slug, module_slug))
    except ValidationFailed as error:
        flash(error.message, "warning")
        return redirect(url_for(".module", slug=slug, module_slug=module_slug, _anchor="quiz"))
    return redirect(url_for(".attempt", attempt_id=attempt.id))


@bp.route("/attempts/<id:attempt_id>")
@login_required
def attempt(attempt_id):
    """The quiz form of an attempt in progress, or the result of a submitted one."""
    attempt = quizzes.own_attempt(current_user, attempt_id)
    if attempt.submitted_at is None:
        questions = quizzes.shown_questions(attempt)
        return render_template("training/quiz.html", attempt=attempt, questions=questions)
    progress = learning.progress_for(attempt.enrollment, attempt.module)
    return render_template("training/quiz_result.html", attempt=attempt, progress=progress,
                           attempts_left=quizzes.attempts_left(attempt.module, progress),
                           reveals_answers=quizzes.reveals_answers(attempt, progress))


@bp.route("/attempts/<id:attempt_id>", methods=["POST"])
@login_required
def submit(attempt_id):
    """Grade the submitted answers and show the result."""
    answers = {key: request.form.getlist(key) for key in request.form if key.startswith("q")}
    attempt = quizzes.submit_attempt(current_user, attempt_id, answers)
    return redirect(url_for(".attempt", attempt_id=attempt.id))


@bp.route("/enrollments/<id:enrollment_id>")
@login_required
def enrollment(enrollment_id):
    """A learner's progress module by module, with their quiz attempts."""
    page = catalog.enrollment_page(current_user, enrollment_id)
    return render_template("training/enrollment.html", page=page, attempts_left=quizzes.attempts_left)


@bp.route("/enrollments/<id:enrollment_id>/modules/<id:module_id>/grant", methods=["POST"])
@login_required
def grant_attempt(enrollment_id, module_id):
    """A methodologist gives a learner who used every attempt one more."""
    try:
        quizzes.grant_attempt(current_user, enrollment_id, module_id)
        flash(_("The learner has one more attempt."), "success")
    except ValidationFailed as error:
        flash(error.message, "warning")
    return redirect(url_for(".enrollment", enrollment_id=enrollment_id))
