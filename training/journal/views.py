"""The sandbox home: fill or reset the practice school, its settings, lessons and period marks.

The marks grid itself is in training/journal/grid_views.py, the diary in diary_views.py.
"""


from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.errors import ValidationFailed
from app.formtools import attach_errors, form_status
from app.uploads import UploadedFile
from training.journal import averages, lessons, period_marks, sandbox
from training.journal import constants as c
from training.journal.forms import ConfirmForm, LessonForm, SettingsForm

bp = Blueprint("journal", __name__, url_prefix="/journal", template_folder="templates",
               static_folder="static", static_url_path="/static")

MARK_PREFIX = "mark-"  # the period form's input for pupil 12 is named mark-12
LESSON_URL = "/classes/<id:class_id>/<id:subject_id>/lessons/<day>/<int:number>"


@bp.before_request
@login_required
def require_login():
    """Every sandbox page is for signed-in users."""


def _confirmed():
    if not ConfirmForm().validate_on_submit():
        abort(400)


@bp.route("/")
def index():
    """The practice school: fill it, or its subjects, pupils, settings and reset."""
    school = sandbox.home(current_user)
    return render_template("journal/index.html", school=school, form=ConfirmForm(), c=c,
                           period=period_marks.default_period(), confirm_reset=False)


@bp.route("/fill", methods=["POST"])
def fill():
    """Fill the practice school with a generated class."""
    _confirmed()
    school = sandbox.fill(current_user)
    flash(_("The class %(name)s is filled: %(n)d pupils, %(subjects)d subjects and a timetable.",
            name=school.classes[0].name, n=len(school.classes[0].pupils), subjects=len(school.subjects)),
          "success")
    return redirect(url_for(".index"))


@bp.route("/reset", methods=["GET", "POST"])
def reset():
    """Ask, then empty the practice school (the settings stay)."""
    if request.method == "GET":
        school = sandbox.home(current_user)
        return render_template("journal/index.html", school=school, form=ConfirmForm(), c=c,
                               period=period_marks.default_period(), confirm_reset=True)
    _confirmed()
    try:
        sandbox.reset(current_user)
    except ValidationFailed as error:
        flash(error.message, "warning")
    else:
        flash(_("The practice class is deleted with all its marks. Fill it again to start anew."), "success")
    return redirect(url_for(".index"))


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    """The practice school's settings."""
    current = sandbox.current_settings(current_user)
    form = SettingsForm.from_settings(current) if request.method == "GET" else SettingsForm()
    if form.validate_on_submit():
        try:
            sandbox.update_settings(current_user, **form.data_for_service())
        except ValidationFailed as error:
            attach_errors(form, error)
        else:
            flash(_("The settings are saved."), "success")
            return redirect(url_for(".settings"))
    return render_template("journal/settings.html", form=form, c=c), form_status(form)


# --- lessons -------------------------------------------------------------------------------


def _day(text):
    day = c.school_day_from(text)
    if day is None:
        abort(404)
    return day


def _upload():
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return None
    return UploadedFile(filename=upload.filename, data=upload.read())


def _lesson_page(class_id, subject_id, day, number, form, status=200):
    page = lessons.lesson_page(current_user, class_id, subject_id, day, number)
    if request.method == "GET":
        form = LessonForm(data={"topic": page.lesson.topic, "homework": page.lesson.homework})
    return render_template("journal/lesson.html", page=page, form=form), status


@bp.route(LESSON_URL, methods=["GET", "POST"])
def lesson(class_id, subject_id, day, number):
    """A lesson's topic, homework and attachment (read-only once the edit window has passed)."""
    day = _day(day)
    form = LessonForm()
    if not form.validate_on_submit():
        return _lesson_page(class_id, subject_id, day, number, form, form_status(form))
    try:
        lessons.update_lesson(current_user, class_id, subject_id, day, number, form.topic.data,
                              form.homework.data, upload=_upload(), remove_file=form.remove_file.data)
    except lessons.LessonLocked as error:
        flash(error.message, "danger")
        return _lesson_page(class_id, subject_id, day, number, form, 403)
    except ValidationFailed as error:
        attach_errors(form, error)
        return _lesson_page(class_id, subject_id, day, number, form, 422)
    flash(_("The lesson is saved."), "success")
    return redirect(url_for(".lesson", class_id=class_id, subject_id=subject_id, day=day.isoformat(),
                            number=number))


@bp.route(LESSON_URL + "/file")
def lesson_file(class_id, subject_id, day, number):
    """The homework attachment, always downloaded as a file."""
    lesson, path, content_type = lessons.homework_file_for(current_user, class_id, subject_id, _day(day),
                                                           number)
    response = send_file(path, as_attachment=True, download_name=lesson.homework_filename,
                         mimetype=content_type, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- period marks --------------------------------------------------------------------------


def _period_page(table, status=200, errors=None):
    return render_template("journal/period.html", table=table, form=ConfirmForm(), c=c, prefix=MARK_PREFIX,
                           typed=request.form, errors=errors or {}), status


@bp.route("/classes/<id:class_id>/<id:subject_id>/period/<period>", methods=["GET", "POST"])
def period(class_id, subject_id, period):
    """Quarter or year marks: the proposals, the warnings, the teacher's confirmation."""
    if request.method == "GET":
        return _period_page(period_marks.period_table(current_user, class_id, subject_id, period))
    _confirmed()
    values = {key.removeprefix(MARK_PREFIX): value for key, value in request.form.items()
              if key.startswith(MARK_PREFIX)}
    try:
        saved, overridden = period_marks.set_period_marks(current_user, class_id, subject_id, period, values)
    except ValidationFailed as error:
        flash(error.message, "danger")
        table = period_marks.period_table(current_user, class_id, subject_id, period)
        return _period_page(table, 422, error.field_errors)
    flash(_("Marks saved: %(saved)d, of them different from the proposal: %(overridden)d.",
            saved=saved, overridden=overridden), "success")
    return redirect(url_for(".period", class_id=class_id, subject_id=subject_id, period=period))


@bp.app_template_filter("journal_average")
def journal_average(value):
    """An average as the journal shows it: «4,57»."""
    return averages.round_shown(value)
