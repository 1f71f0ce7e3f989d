"""Seminars: schedule, registration with a waiting list, attendance, calendar files."""

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth import permissions
from app.errors import ValidationFailed
from app.exports import content_disposition, csv_response, xlsx_response
from app.formtools import attach_errors, form_status
from app.urls import page_number
from training import constants as c
from training import seminar_attendance, seminar_ics, seminar_registration, seminars
from training.seminar_forms import AttendanceUploadForm, ConfirmForm, SeminarForm

bp = Blueprint("training_seminars", __name__, url_prefix="/training/seminars", template_folder="templates")

MARK_PREFIX = "mark-"  # the attendance form's select for registration 12 is named mark-12


@bp.before_request
@login_required
def require_login():
    """Every seminar page is for signed-in users."""


@bp.route("/")
def index():
    """Seminars ahead and past, places left, the user's own status."""
    listing = seminars.schedule(current_user, page_number())
    return render_template("training/seminars/index.html", listing=listing, c=c,
                           can_manage=permissions.can_manage_seminars(current_user))


def render_seminar(seminar_id, status=200, upload_form=None, report=None):
    """The seminar page; an upload form and import report passed in are shown with their errors."""
    page = seminars.seminar_page(current_user, seminar_id)
    return render_template("training/seminars/show.html", page=page, c=c, form=ConfirmForm(),
                           upload_form=upload_form or AttendanceUploadForm(formdata=None),
                           report=report), status


@bp.route("/<id:seminar_id>")
def show(seminar_id):
    """A seminar: details, materials, places, register or cancel; participants for the organizers."""
    return render_seminar(seminar_id)


def _editor(form, seminar, status):
    return render_template("training/seminars/form.html", form=form, seminar=seminar), status


@bp.route("/new", methods=["GET", "POST"])
def new():
    """Schedule a seminar."""
    seminars.require_manager(current_user)
    form = SeminarForm()
    if form.validate_on_submit():
        try:
            seminar = seminars.create_seminar(current_user, form.data_for_service())
        except ValidationFailed as error:
            attach_errors(form, error)
        else:
            flash(_("The seminar «%(title)s» is scheduled.", title=seminar.title), "success")
            return redirect(url_for(".show", seminar_id=seminar.id))
    return _editor(form, None, form_status(form))


@bp.route("/<id:seminar_id>/edit", methods=["GET", "POST"])
def edit(seminar_id):
    """Change a seminar's details, time, places, audience or materials."""
    seminars.require_manager(current_user)
    seminar = seminars.seminar_for(current_user, seminar_id)
    form = SeminarForm(data=seminars.form_values(seminar)) if request.method == "GET" else SeminarForm()
    if form.validate_on_submit():
        try:
            seminars.update_seminar(current_user, seminar.id, form.data_for_service())
        except ValidationFailed as error:
            attach_errors(form, error)
        else:
            flash(_("The seminar has been saved."), "success")
            return redirect(url_for(".show", seminar_id=seminar.id))
    return _editor(form, seminar, form_status(form))


def _confirmed():
    if not ConfirmForm().validate_on_submit():
        abort(400)


def _back(seminar_id):
    return redirect(url_for(".show", seminar_id=seminar_id))


@bp.route("/<id:seminar_id>/cancel", methods=["POST"])
def cancel(seminar_id):
    """Call the seminar off; everyone registered or waiting gets a letter."""
    _confirmed()
    seminars.cancel_seminar(current_user, seminar_id)
    flash(_("The seminar is cancelled; the participants have been notified by e-mail."), "success")
    return _back(seminar_id)


@bp.route("/<id:seminar_id>/register", methods=["POST"])
def register(seminar_id):
    """Take a place, or join the waiting list."""
    _confirmed()
    row = seminar_registration.register(current_user, seminar_id)
    if row.status == c.REGISTERED:
        flash(_("You are registered for the seminar."), "success")
    else:
        flash(_("There are no places left, so you are on the waiting list. When someone cancels, you will "
                "take their place and get an e-mail."), "info")
    return _back(seminar_id)


@bp.route("/<id:seminar_id>/withdraw", methods=["POST"])
def withdraw(seminar_id):
    """Cancel the user's registration (or waiting)."""
    _confirmed()
    seminar_registration.withdraw(current_user, seminar_id)
    flash(_("Your registration is cancelled."), "success")
    return _back(seminar_id)


@bp.route("/<id:seminar_id>.ics")
def calendar(seminar_id):
    """The seminar as an iCalendar file."""
    seminar = seminars.seminar_for(current_user, seminar_id)
    page_url = f"{current_app.config['BASE_URL']}{url_for('.show', seminar_id=seminar.id)}"
    response = Response(seminar_ics.calendar_bytes(seminar, page_url), mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = content_disposition(f"seminar-{seminar.id}.ics")
    return response


@bp.route("/<id:seminar_id>/participants.<any(csv, xlsx):fmt>")
def participants(seminar_id, fmt):
    """The participant list as a table."""
    seminar, header, rows = seminars.participants_table(current_user, seminar_id)
    filename = f"{_('participants')}-{seminar.starts_at:%Y-%m-%d}-{seminar.id}.{fmt}"
    if fmt == "csv":
        return csv_response(filename, header, rows)
    return xlsx_response(filename, [(_("Participants"), header, rows)])


@bp.route("/<id:seminar_id>/attendance", methods=["POST"])
def attendance(seminar_id):
    """Save the attendance marks of every registered person (one form for all rows)."""
    _confirmed()
    marks = {key.removeprefix(MARK_PREFIX): value for key, value in request.form.items()
             if key.startswith(MARK_PREFIX)}
    try:
        counts, _changed = seminar_attendance.mark_attendance(current_user, seminar_id, marks)
    except ValidationFailed as error:
        flash(error.message, "danger")
        return render_seminar(seminar_id, 422)
    flash(_("Attendance is saved: attended %(attended)d, partially %(partial)d, did not come %(no_show)d.",
            **counts), "success")
    return _back(seminar_id)


@bp.route("/<id:seminar_id>/attendance/import", methods=["POST"])
def import_attendance(seminar_id):
    """Mark attendance from a CSV file, all or nothing."""
    form = AttendanceUploadForm()
    upload = request.files.get("file")
    if not form.validate_on_submit() or upload is None or not upload.filename:
        form.file.errors = [_("Choose a CSV file.")]
        return render_seminar(seminar_id, 400, form)
    try:
        report = seminar_attendance.import_attendance(current_user, seminar_id, upload.read(),
                                                      upload.filename)
    except ValidationFailed as error:
        form.file.errors = error.field_errors.get("file") or [error.message]
        return render_seminar(seminar_id, 422, form)
    if not report.ok:
        return render_seminar(seminar_id, 422, form, report)
    flash(_("Attendance is loaded from the file: %(rows)d lines, %(changed)d marks changed.",
            rows=report.rows, changed=report.changed), "success")
    return _back(seminar_id)
