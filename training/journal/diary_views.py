"""The pupil's and parent's diary, week by week, its print view and PDF, and the timeliness summary."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.auth import permissions
from app.errors import PermissionDenied
from app.exports import content_disposition
from app.urls import page_number
from training.journal import constants as c
from training.journal import diary, sandbox, timeliness
from training.journal import tasks as _tasks  # noqa: F401 - registers the practical tasks for every app
from training.journal.forms import ConfirmForm

bp = Blueprint("journal_diary", __name__, url_prefix="/journal/diary", template_folder="templates")

STATUS_LABELS = {
    timeliness.LATE: _l("entered late"),
    timeliness.MISSING: _l("not entered"),
    timeliness.ON_TIME: _l("on time"),
    timeliness.PENDING: _l("not yet"),
}


@bp.before_request
@login_required
def require_login():
    """Every diary page is for signed-in users."""


def _week_arg():
    return diary.parse_week(request.args.get("week"))


@bp.route("/")
def index():
    """The diary of a pupil chosen in the list (the first pupil of the class by default)."""
    if not permissions.can_use_sandbox(current_user):
        raise PermissionDenied()
    school = sandbox.school_for(current_user)
    if not sandbox.is_filled(school) or not school.classes[0].pupils:
        flash(_("Fill the practice class first: the diary shows its pupils."), "info")
        return redirect(url_for("journal.index"))
    pupil_id = request.args.get("pupil", type=int) or school.classes[0].pupils[0].id
    week = request.args.get("week") or None
    return redirect(url_for(".week", pupil_id=pupil_id, week=week))


@bp.route("/<id:pupil_id>")
def week(pupil_id):
    """A week of the pupil's diary: lessons, topics, homework, marks, attendance, «прочитано»."""
    page = diary.diary_week(current_user, pupil_id, _week_arg())
    return render_template("journal/diary.html", week=page, c=c, form=ConfirmForm())


@bp.route("/<id:pupil_id>/confirm", methods=["POST"])
def confirm(pupil_id):
    """The parent marks the week as read."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    week_start = _week_arg()
    diary.confirm_week(current_user, pupil_id, week_start)
    flash(_("The week is marked as read."), "success")
    return redirect(url_for(".week", pupil_id=pupil_id, week=week_start.isoformat()))


@bp.route("/<id:pupil_id>/print")
def print_week(pupil_id):
    """The week on one printable page (no navigation)."""
    page = diary.diary_week(current_user, pupil_id, _week_arg())
    return render_template("journal/diary_print.html", week=page, c=c)


@bp.route("/<id:pupil_id>/week.pdf")
def week_pdf(pupil_id):
    """The week as a PDF document."""
    page = diary.diary_week(current_user, pupil_id, _week_arg())
    response = Response(diary.week_pdf(page), mimetype="application/pdf")
    filename = f"{_('diary')}-{page.week_start.isoformat()}-{page.pupil.id}.pdf"
    response.headers["Content-Disposition"] = content_disposition(filename)
    return response


@bp.route("/timeliness")
def timeliness_page():
    """How timely the owner entered marks and homework: per class and subject, and the late lessons."""
    span = timeliness.period(request.args.get("since"))
    summary = timeliness.own_summary(current_user, span, page_number())
    return render_template("journal/timeliness.html", summary=summary, span=span, c=c,
                           statuses=STATUS_LABELS, can_see_teachers=permissions.can_view_training_reports(
                               current_user))


@bp.route("/timeliness/teachers")
def teachers():
    """Timeliness of every sandbox owner in the user's scope: the region's view of the habit."""
    span = timeliness.period(request.args.get("since"))
    owners = timeliness.teachers_summary(current_user, span, page_number())
    return render_template("journal/timeliness_teachers.html", owners=owners, span=span)


