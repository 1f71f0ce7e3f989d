"""Course authoring for methodologists: courses, modules, questions, publishing."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.errors import ServiceError, ValidationFailed
from app.formtools import attach_errors, form_status
from app.urls import page_number
from training import authoring, module_authoring
from training import constants as c
from training.forms import (
    CourseConfirmForm,
    CourseForm,
    CourseMoveForm,
    CourseStatusForm,
    ModuleForm,
    QuestionForm,
)

bp = Blueprint("training_author", __name__, url_prefix="/training/manage", template_folder="templates")

STATUS_DONE = {c.PUBLISHED: _l("The course is open for enrolment."),
               c.DRAFT: _l("The course is a draft again: learners no longer see it."),
               c.ARCHIVED: _l("The course has been archived.")}


@bp.before_request
@login_required
def require_login():
    """Every authoring page is for signed-in users (the services check the role)."""


def _course_page(course_id, status=200):
    overview = authoring.course_overview(current_user, course_id)
    return render_template("training/manage/course.html", overview=overview, course=overview.course,
                           c=c), status


def _module_page(module_id, status=200):
    module = authoring.module_for_author(current_user, module_id)
    return render_template("training/manage/module.html", module=module, course=module.course, c=c,
                           locked=authoring.has_learners(module.course)), status


def _refused(error, page):
    """A refused action: the message on the page it came from, with the error's status."""
    flash(error.message or _("The action could not be done."), "danger")
    return page(error.status_code)


# --- courses ------------------------------------------------------------------------------


@bp.route("/")
def index():
    """Every course with its status, modules, learners and finishers."""
    listing, counts = authoring.course_listing(current_user, page_number())
    return render_template("training/manage/index.html", listing=listing, counts=counts)


@bp.route("/new", methods=["GET", "POST"])
def new_course():
    """Start a course (a draft)."""
    authoring.require_author(current_user)
    form = CourseForm()
    if form.validate_on_submit():
        try:
            course = authoring.create_course(current_user, form.data_for_service())
        except ValidationFailed as error:
            attach_errors(form, error)
        else:
            flash(_("The course «%(title)s» has been created as a draft.", title=course.title), "success")
            return redirect(url_for(".view_course", course_id=course.id))
    return render_template("training/manage/course_form.html", form=form, course=None), form_status(form)


@bp.route("/<id:course_id>")
def view_course(course_id):
    """A course: its modules, what blocks publishing, the workflow buttons."""
    return _course_page(course_id)


@bp.route("/<id:course_id>/edit", methods=["GET", "POST"])
def edit_course(course_id):
    """Change a course's title, address, texts, hours or order of study."""
    course = authoring.course_for_author(current_user, course_id)
    form = CourseForm(obj=course)
    if form.validate_on_submit():
        try:
            authoring.update_course(current_user, course.id, form.data_for_service())
        except ValidationFailed as error:
            attach_errors(form, error)
        else:
            flash(_("The course has been saved."), "success")
            return redirect(url_for(".view_course", course_id=course.id))
    return render_template("training/manage/course_form.html", form=form, course=course), form_status(form)


@bp.route("/<id:course_id>/status", methods=["POST"])
def course_status(course_id):
    """Publish, unpublish or archive a course."""
    form = CourseStatusForm()
    if not form.validate_on_submit():
        flash(_("Choose the status with one of the buttons on the page."), "danger")
        return _course_page(course_id, 400)
    try:
        authoring.change_status(current_user, course_id, form.status.data)
    except ServiceError as error:
        return _refused(error, lambda status: _course_page(course_id, status))
    flash(STATUS_DONE[form.status.data], "success")
    return redirect(url_for(".view_course", course_id=course_id))


# --- modules ------------------------------------------------------------------------------


def _module_form(course, module=None):
    form = ModuleForm(obj=module)
    form.set_choices([other for other in course.modules if other is not module], authoring.task_choices())
    if module is not None and not form.is_submitted():
        form.fill_from(module)
    return form


def _module_editor(form, course, module, status=200, preview=None):
    return render_template("training/manage/module_form.html", form=form, course=course, module=module,
                           preview=preview), status


def _wants_preview():
    """The form was sent with its «Preview» button."""
    return request.method == "POST" and request.form.get("action") == "preview"


@bp.route("/<id:course_id>/modules/new", methods=["GET", "POST"])
def new_module(course_id):
    """Add a module at the end of the course."""
    course = authoring.course_for_author(current_user, course_id)
    form = _module_form(course)
    if _wants_preview():
        return _module_editor(form, course, None, preview=form.lesson.data or "")
    if form.validate_on_submit():
        try:
            module = module_authoring.add_module(current_user, course.id, form.data_for_service())
        except ValidationFailed as error:
            attach_errors(form, error)
        else:
            flash(_("The module «%(title)s» has been added.", title=module.title), "success")
            return redirect(url_for(".view_module", module_id=module.id))
    return _module_editor(form, course, None, form_status(form))


@bp.route("/modules/<id:module_id>")
def view_module(module_id):
    """A module: its lesson, quiz settings and questions."""
    return _module_page(module_id)


@bp.route("/modules/<id:module_id>/edit", methods=["GET", "POST"])
def edit_module(module_id):
    """Change a module's lesson, quiz settings, prerequisites or task."""
    module = authoring.module_for_author(current_user, module_id)
    form = _module_form(module.course, module)
    if _wants_preview():
        return _module_editor(form, module.course, module, preview=form.lesson.data or "")
    if form.validate_on_submit():
        try:
            module_authoring.update_module(current_user, module.id, form.data_for_service())
        except ValidationFailed as error:
            attach_errors(form, error)
        else:
            flash(_("The module has been saved."), "success")
            return redirect(url_for(".view_module", module_id=module.id))
    return _module_editor(form, module.course, module, form_status(form))


@bp.route("/modules/<id:module_id>/move", methods=["POST"])
def move_module(module_id):
    """Move a module up or down."""
    form = CourseMoveForm()
    if not form.validate_on_submit():
        abort(400)
    module = module_authoring.move_module(current_user, module_id, form.direction.data)
    return redirect(url_for(".view_course", course_id=module.course_id) + "#modules")


@bp.route("/modules/<id:module_id>/delete", methods=["POST"])
def delete_module(module_id):
    """Delete a module (only of a course nobody is enrolled in)."""
    if not CourseConfirmForm().validate_on_submit():
        abort(400)
    course_id = authoring.module_for_author(current_user, module_id).course_id
    try:
        module_authoring.delete_module(current_user, module_id)
    except ServiceError as error:
        return _refused(error, lambda status: _course_page(course_id, status))
    flash(_("The module has been deleted."), "success")
    return redirect(url_for(".view_course", course_id=course_id))


# --- questions ----------------------------------------------------------------------------


def _question_editor(form, module, question, status=200):
    return render_template("training/manage/question_form.html", form=form, module=module,
                           course=module.course, question=question), status


@bp.route("/modules/<id:module_id>/questions/new", methods=["GET", "POST"])
def new_question(module_id):
    """Add a question at the end of the module's quiz."""
    module = authoring.module_for_author(current_user, module_id)
    form = QuestionForm()
    if form.validate_on_submit():
        try:
            module_authoring.add_question(current_user, module.id, form.data_for_service())
        except ValidationFailed as error:
            attach_errors(form, error)
        else:
            flash(_("The question has been added."), "success")
            return redirect(url_for(".view_module", module_id=module.id) + "#questions")
    return _question_editor(form, module, None, form_status(form))


@bp.route("/questions/<id:question_id>/edit", methods=["GET", "POST"])
def edit_question(question_id):
    """Change a question, its options or accepted answers."""
    question = authoring.question_for_author(current_user, question_id)
    form = QuestionForm(obj=question)
    if not form.is_submitted():
        form.fill_from(question)
    if form.validate_on_submit():
        try:
            module_authoring.update_question(current_user, question.id, form.data_for_service())
        except ValidationFailed as error:
            attach_errors(form, error)
        else:
            flash(_("The question has been saved."), "success")
            return redirect(url_for(".view_module", module_id=question.module_id) + "#questions")
    return _question_editor(form, question.module, question, form_status(form))


@bp.route("/questions/<id:question_id>/move", methods=["POST"])
def move_question(question_id):
    """Move a question up or down."""
    form = CourseMoveForm()
    if not form.validate_on_submit():
        abort(400)
    question = module_authoring.move_question(current_user, question_id, form.direction.data)
    return redirect(url_for(".view_module", module_id=question.module_id) + "#questions")


@bp.route("/questions/<id:question_id>/delete", methods=["POST"])
def delete_question(question_id):
    """Delete a question (only of a course nobody is enrolled in)."""
    if not CourseConfirmForm().validate_on_submit():
        abort(400)
    module_id = authoring.question_for_author(current_user, question_id).module_id
    try:
        module_authoring.delete_question(current_user, question_id)
    except ServiceError as error:
        return _refused(error, lambda status: _module_page(module_id, status))
    flash(_("The question has been deleted."), "success")
    return redirect(url_for(".view_module", module_id=module_id) + "#questions")
