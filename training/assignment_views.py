"""Assigning the course to people and organizations, and following their progress."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import exports
from app.errors import ValidationFailed
from app.formtools import attach_errors, form_status
from app.urls import page_number
from training import assignments
from training import constants as c
from training.assignment_forms import PEOPLE_SIZE, AssignForm, ProgressFilterForm

bp = Blueprint("training_assign", __name__, url_prefix="/training/assign", template_folder="templates")


@bp.before_request
@login_required
def require_login():
    """Assignment and progress pages are for signed-in users (each service checks who may)."""


def _offer_choices(form):
    """Fill the form's lists: courses, organizations in scope, the chosen organization's people."""
    organizations = assignments.assignable_organizations(current_user)
    if form.organization.data is None and len(organizations) == 1:  # a school coordinator: their school
        form.organization.data = organizations[0].id
    people = assignments.assignable_people(current_user, form.organization.data)
    form.set_choices(assignments.assignable_courses(), organizations, people)
    return people


def _render_index(form, people, status):
    page = page_number()
    return render_template("training/assign/index.html", form=form, people=people, people_size=PEOPLE_SIZE,
                           history=assignments.assignments_by(current_user, page)), status


def _assigned_message(result):
    assigned = _("The course «%(title)s» has been assigned. People it covers: %(count)d.",
                 title=result.course.title, count=len(result.people))
    newly = _("Assigned for the first time: %(count)d, each of them gets an e-mail.",
              count=len(result.newly_assigned))
    return f"{assigned} {newly}"


@bp.route("/", methods=["GET", "POST"])
def index():
    """The assignment form (?course=&organization=&not_enrolled=1 preselects) and past assignments."""
    form = AssignForm() if request.method == "POST" else AssignForm(formdata=request.args or None)
    people = _offer_choices(form)
    if request.method == "GET" and request.args.get("not_enrolled"):
        form.people.data = assignments.not_enrolled_ids(current_user, form.course.data,
                                                        form.organization.data)
    if "show_people" in request.form:  # the «show people» button: no assignment yet
        return _render_index(form, people, 200)
    if form.validate_on_submit():
        try:
            result = assignments.assign_course(current_user, form.course.data, form.organization.data,
                                               form.people.data or (), form.due_on.data)
        except ValidationFailed as error:
            attach_errors(form, error)
        else:
            flash(_assigned_message(result), "success")
            return redirect(url_for(".progress", course=result.course.id,
                                    organization=form.organization.data))
    return _render_index(form, people, form_status(form))


@bp.route("/progress")
def progress():
    """Who has started and finished, in the user's scope; ?format=xlsx downloads the whole list."""
    export = request.args.get("format", "")
    if export not in ("", "xlsx"):
        abort(400)
    if export == "xlsx":
        header, rows = assignments.progress_table(current_user, request.args)
        filename = f"{_('training-progress')}.xlsx"
        return exports.xlsx_response(filename, [(_("Progress"), header, rows)])
    listing = assignments.progress_listing(current_user, request.args, page_number())
    form = ProgressFilterForm(request.args)
    form.set_choices(listing.courses, listing.organizations)
    return render_template("training/assign/progress.html", listing=listing, form=form, c=c,
                           may_assign=assignments.may_assign(current_user))
