"""Directory pages: the tree, organization pages, staff, appointments and the CSV import."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth import permissions
from app.directory import appointments, importer, kinds, services
from app.directory.forms import (
    AppointmentForm,
    ConfirmForm,
    EndAppointmentForm,
    ImportForm,
    OrganizationForm,
    PersonForm,
)
from app.errors import ValidationFailed
from app.formtools import attach_errors, form_status
from app.urls import page_number

bp = Blueprint("directory", __name__, url_prefix="/directory", template_folder="templates")


@bp.before_request
@login_required
def require_login():
    """Every directory page is for signed-in users; staff data is personal data."""


def _form_data(form):
    return {name: f.data for name, f in form._fields.items() if name != "csrf_token"}


@bp.route("/")
def index():
    """The organizations the user may see, as a tree, searchable and filtered by kind."""
    listing = services.browse(
        current_user, request.args.get("q", ""), request.args.get("kind") or None,
        request.args.get("parent", type=int), page_number(),
    )
    return render_template("directory/index.html", listing=listing, kinds=kinds, depth=services.TREE_DEPTH,
                           can_import=permissions.can_import_organizations(current_user))


@bp.route("/<int:org_id>")
def show(org_id):
    """An organization: details, children, staff and responsible-person appointments."""
    view = services.organization_page(current_user, org_id, page_number())
    return render_template("directory/organization.html", view=view, kinds=kinds)


@bp.route("/<int:org_id>/edit", methods=["GET", "POST"])
def edit(org_id):
    """Edit an organization's details."""
    organization = services.organization_for_edit(current_user, org_id)
    form = OrganizationForm(obj=organization)
    code_locked = not permissions.can_change_organization_code(current_user, organization)
    if form.validate_on_submit():
        try:
            services.update_organization(current_user, org_id, _form_data(form))
        except ValidationFailed as error:
            attach_errors(form, error)
        else:
            flash(_("The organization has been saved."), "success")
            return redirect(url_for("directory.show", org_id=org_id))
    return render_template("directory/organization_form.html", form=form, organization=organization,
                           parent=organization.parent, code_locked=code_locked), form_status(form)


@bp.route("/new", methods=["GET", "POST"])
def create():
    """Add an organization (by default a school) under the given parent."""
    parent_id, kind = request.args.get("parent", type=int), request.args.get("kind", kinds.SCHOOL)
    parent = services.new_organization_parent(current_user, parent_id, kind)
    form = OrganizationForm()
    if form.validate_on_submit():
        try:
            organization = services.create_organization(current_user, parent.id, kind, _form_data(form))
        except ValidationFailed as error:
            attach_errors(form, error)
        else:
            flash(_("%(name)s has been added.", name=organization.name), "success")
            return redirect(url_for("directory.show", org_id=organization.id))
    return render_template("directory/organization_form.html", form=form, organization=None, parent=parent,
                           kind_label=kinds.kind_label(kind), code_locked=False), form_status(form)


@bp.route("/<int:org_id>/people/new", methods=["GET", "POST"])
def create_person(org_id):
    """Add a member of staff."""
    organization = services.people_organization(current_user, org_id)
    form = PersonForm()
    if form.validate_on_submit():
        try:
            person = services.create_person(current_user, org_id, _form_data(form))
        except ValidationFailed as error:
            attach_errors(form, error)
        else:
            flash(_("%(name)s has been added to the staff.", name=person.full_name), "success")
            return redirect(url_for("directory.show", org_id=org_id))
    return render_template("directory/person_form.html", form=form, person=None,
                           organization=organization), form_status(form)


@bp.route("/people/<int:person_id>/edit", methods=["GET", "POST"])
def edit_person(person_id):
    """Edit a member of staff (opening the card is logged)."""
    person = services.person_for_edit(current_user, person_id, log_view=request.method == "GET")
    form = PersonForm(obj=person)
    if form.validate_on_submit():
        try:
            services.update_person(current_user, person_id, _form_data(form))
        except ValidationFailed as error:
            attach_errors(form, error)
        else:
            flash(_("The person's details have been saved."), "success")
            return redirect(url_for("directory.show", org_id=person.organization_id))
    return render_template("directory/person_form.html", form=form, person=person,
                           organization=person.organization), form_status(form)


@bp.route("/<int:org_id>/appointments/new", methods=["GET", "POST"])
def create_appointment(org_id):
    """Record a responsible person appointed by an order."""
    organization = appointments.appointing_organization(current_user, org_id)
    form = AppointmentForm()
    form.set_people(appointments.person_choices(organization))
    if form.validate_on_submit():
        try:
            appointments.record_appointment(current_user, org_id, _form_data(form))
        except ValidationFailed as error:
            attach_errors(form, error)
        else:
            flash(_("The appointment has been recorded."), "success")
            return redirect(url_for("directory.show", org_id=org_id))
    return render_template("directory/appointment_form.html", form=form, appointment=None,
                           organization=organization), form_status(form)


def _appointment_page(appointment, form, end_form, status):
    return render_template("directory/appointment_form.html", form=form, appointment=appointment,
                           organization=appointment.organization, end_form=end_form,
                           delete_form=ConfirmForm()), status


@bp.route("/appointments/<int:appointment_id>/edit", methods=["GET", "POST"])
def edit_appointment(appointment_id):
    """Correct an appointment; end or delete it."""
    appointment = appointments.appointment_for_edit(current_user, appointment_id)
    form = AppointmentForm(obj=appointment)
    form.set_people(appointments.person_choices(appointment.organization))
    if form.validate_on_submit():
        try:
            appointments.update_appointment(current_user, appointment_id, _form_data(form))
        except ValidationFailed as error:
            attach_errors(form, error)
        else:
            flash(_("The appointment has been saved."), "success")
            return redirect(url_for("directory.show", org_id=appointment.organization_id))
    end_form = EndAppointmentForm(formdata=None, end_date=services.today())
    return _appointment_page(appointment, form, end_form, form_status(form))


@bp.route("/appointments/<int:appointment_id>/end", methods=["POST"])
def end_appointment(appointment_id):
    """End an appointment on the chosen date."""
    appointment = appointments.appointment_for_edit(current_user, appointment_id)
    end_form = EndAppointmentForm()
    if end_form.validate_on_submit():
        try:
            appointments.end_appointment(current_user, appointment_id, end_form.end_date.data)
        except ValidationFailed as error:
            attach_errors(end_form, error)
        else:
            flash(_("The appointment has been ended."), "success")
            return redirect(url_for("directory.show", org_id=appointment.organization_id))
    form = AppointmentForm(formdata=None, obj=appointment)
    form.set_people(appointments.person_choices(appointment.organization))
    return _appointment_page(appointment, form, end_form, 400)


@bp.route("/appointments/<int:appointment_id>/delete", methods=["POST"])
def delete_appointment(appointment_id):
    """Delete an appointment recorded by mistake."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    organization = appointments.delete_appointment(current_user, appointment_id)
    flash(_("The appointment has been deleted."), "success")
    return redirect(url_for("directory.show", org_id=organization.id))


@bp.route("/import", methods=["GET", "POST"])
def import_csv():
    """Administrator: load schools and responsible persons from a CSV file."""
    if not permissions.can_import_organizations(current_user):
        abort(403)
    form, report = ImportForm(), None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            report = importer.import_organizations(current_user, upload.read(), upload.filename)
        except ValidationFailed as error:
            attach_errors(form, error)
    status = 200 if report is not None and report.ok else form_status(form)
    return render_template("directory/import.html", form=form, report=report,
                           columns=importer.COLUMNS), status
