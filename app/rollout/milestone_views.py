"""A school's milestones (plan items 2.1–2.4): the page, its form, one-click activation, the CSV import."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import exports
from app.errors import Conflict, ValidationFailed
from app.formtools import attach_errors, form_status
from app.rollout import constants, milestone_import, school_milestones
from app.rollout.forms import ActivateForm, MilestoneForm, MilestoneImportForm

bp = Blueprint("rollout_milestones", __name__, template_folder="templates", url_prefix="/rollout")


@bp.before_request
@login_required
def require_login():
    """Milestones are for signed-in users."""


def _page(school_id, form=None, status=200, message=None):
    """Render the school's page; after a refused change keep what was typed (`form`)."""
    page = school_milestones.school_page(current_user, school_id)
    if form is None:
        form = MilestoneForm(formdata=None, obj=page.status, version=page.version)
    elif status == 409:
        form.version.data = str(page.version)  # the user saves again over the current values, knowingly
    return render_template("rollout/school.html", page=page, form=form, message=message,
                           conflict=status == 409, c=constants, labels=school_milestones.CHANGE_LABELS,
                           activate_form=ActivateForm(formdata=None, version=page.version)), status


def _saved(school_id, changed):
    flash(_("The milestones have been saved.") if changed else _("Nothing has changed."), "success")
    return redirect(url_for("rollout_milestones.school", school_id=school_id))


@bp.route("/schools/<int:school_id>", methods=["GET", "POST"])
def school(school_id):
    """The school's milestones with deadlines and states; POST saves the form."""
    form = MilestoneForm()
    if not form.is_submitted():
        return _page(school_id)
    if not form.validate():
        school_milestones.school_for_update(current_user, school_id)  # 403/404 before talking of fields
        return _page(school_id, form, 422)
    data = {name: getattr(form, name).data for name in (*school_milestones.MILESTONE_FIELDS, "note")}
    try:
        _status, changed = school_milestones.update_milestones(current_user, school_id, data,
                                                               form.version.data)
    except ValidationFailed as error:
        attach_errors(form, error)
        return _page(school_id, form, 422)
    except Conflict as error:
        return _page(school_id, form, 409, error.message)
    return _saved(school_id, changed)


@bp.route("/schools/<int:school_id>/activate", methods=["POST"])
def activate(school_id):
    """One click: the school is activated on the e-journal platform today."""
    form = ActivateForm()
    if not form.validate_on_submit():
        return _page(school_id, status=400)
    try:
        _status, changed = school_milestones.mark_activated_today(current_user, school_id, form.version.data)
    except (ValidationFailed, Conflict) as error:
        return _page(school_id, status=error.status_code, message=error.message)
    return _saved(school_id, changed)


@bp.route("/import", methods=["GET", "POST"])
def import_csv():
    """Bulk update of schools' milestone dates from a CSV file, all or nothing."""
    columns = milestone_import.import_page(current_user)
    form, report = MilestoneImportForm(), None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            report = milestone_import.import_milestones(current_user, upload.read(), upload.filename or "")
        except ValidationFailed as error:
            attach_errors(form, error)
    status = 200 if report is None or report.ok else 422
    if form.errors:
        status = form_status(form)
    return render_template("rollout/import.html", form=form, report=report, columns=columns,
                           labels=school_milestones.CHANGE_LABELS), status


@bp.route("/import/template.csv")
def import_template():
    """The CSV template: the user's schools with their current dates."""
    header, rows = milestone_import.template_table(current_user)
    return exports.csv_response("milestones.csv", header, rows)
