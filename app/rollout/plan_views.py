"""The plan of the order: the appendix with each activity's state, and the administrator's editor."""

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth import permissions
from app.errors import Conflict, ValidationFailed
from app.formtools import attach_errors
from app.rollout import activity_states, plan_admin
from app.rollout.forms import PlanActivityForm

bp = Blueprint("rollout_plan", __name__, template_folder="templates", url_prefix="/rollout")


@bp.before_request
@login_required
def require_login():
    """The plan is for signed-in users."""


@bp.route("/plan")
def index():
    """The appendix of the order by section, each activity with its state computed from the data."""
    sections = activity_states.plan_overview(current_user)
    return render_template("rollout/plan.html", sections=sections, endpoints=current_app.view_functions,
                           can_edit=permissions.can_edit_plan(current_user),
                           can_view_rollout=permissions.can_view_rollout(current_user))


@bp.route("/plan/<number>/edit", methods=["GET", "POST"])
def edit(number):
    """Administrator: change an activity's text, responsible party, deadline or periodicity, result."""
    activity = plan_admin.activity_for_edit(current_user, number)
    form = PlanActivityForm(obj=activity)
    if form.is_submitted() and not form.validate():
        return render_template("rollout/plan_edit.html", form=form, activity=activity), 422
    if form.is_submitted():
        data = {name: getattr(form, name).data for name in plan_admin.EDITABLE_FIELDS}
        try:
            plan_admin.update_activity(current_user, number, data, form.version.data)
        except ValidationFailed as error:
            attach_errors(form, error)
            return render_template("rollout/plan_edit.html", form=form, activity=activity), 422
        except Conflict as error:
            form.version.data = str(activity.version)  # saving again overwrites, knowingly
            return render_template("rollout/plan_edit.html", form=form, activity=activity,
                                   conflict=error.message), 409
        flash(_("Activity %(number)s of the plan has been saved.", number=activity.number), "success")
        return redirect(url_for("rollout_plan.index", _anchor=f"activity-{activity.number}"))
    return render_template("rollout/plan_edit.html", form=form, activity=activity)
