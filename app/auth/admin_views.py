"""Account administration pages: list, create and edit users."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth import permissions, users
from app.auth.forms import UserForm
from app.auth.roles import ALL_ROLES, ROLE_LABELS
from app.errors import ValidationFailed
from app.formtools import attach_errors, form_status
from app.urls import page_number

bp = Blueprint("users", __name__, url_prefix="/admin/users", template_folder="templates")


@bp.before_request
@login_required
def require_admin():
    """Every page here is for the administrator only."""
    if not permissions.can_manage_users(current_user):
        abort(403)


@bp.route("/")
def index():
    """Accounts, searchable and filtered by role."""
    search = request.args.get("q", "").strip()
    role = request.args.get("role") if request.args.get("role") in ALL_ROLES else None
    page = users.list_users(current_user, search, role, page_number())
    return render_template(
        "auth/users.html", page=page, search=search, role=role, roles=ALL_ROLES, role_labels=ROLE_LABELS
    )


def _form_data(form):
    return {name: field.data for name, field in form._fields.items() if name != "csrf_token"}


@bp.route("/new", methods=["GET", "POST"])
def create():
    """Create an account; without a password the person gets an invitation by e-mail."""
    form = UserForm()
    form.organization_id.choices = users.organization_choices()
    if form.validate_on_submit():
        try:
            user = users.create_user(current_user, _form_data(form))
        except ValidationFailed as error:
            attach_errors(form, error)
        else:
            flash(_("The account %(email)s has been created.", email=user.email), "success")
            return redirect(url_for("users.index"))
    return render_template("auth/user_form.html", form=form, user=None), form_status(form)


@bp.route("/<int:user_id>", methods=["GET", "POST"])
def edit(user_id):
    """Edit an account's person data, role, organization and status."""
    user = users.get_user(current_user, user_id)
    form = UserForm(obj=user.person if request.method == "GET" else None)
    form.organization_id.choices = users.organization_choices()
    if request.method == "GET":
        form.email.data, form.role.data, form.is_enabled.data = user.email, user.role, user.is_enabled
    if form.validate_on_submit():
        try:
            users.update_user(current_user, user, _form_data(form))
        except ValidationFailed as error:
            attach_errors(form, error)
        else:
            flash(_("The account has been saved."), "success")
            return redirect(url_for("users.index"))
    return render_template("auth/user_form.html", form=form, user=user), form_status(form)
