"""Completion and attendance reports by school and municipality."""

from flask import Blueprint, abort, render_template, request
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField

from app import charts, exports
from app.errors import ValidationFailed
from app.formtools import attach_errors
from training import reports

bp = Blueprint("training_reports", __name__, url_prefix="/training/reports", template_folder="templates")

FORMATS = ("", "html", "xlsx")


class ReportFilterForm(FlaskForm):
    """The course and period of the report (a GET form: it changes nothing, so no CSRF token)."""

    class Meta:
        csrf = False

    course = SelectField(_l("Course"), validate_choice=False)
    date_from = DateField(_l("Period from"), name="from")
    date_to = DateField(_l("Period to"), name="to")
    municipality = HiddenField()

    def set_courses(self, courses):
        """Offer every course learners may be enrolled in."""
        self.course.choices = [("", _("All courses")), *((course.id, course.title) for course in courses)]


def number(value, decimals=1):
    """A figure in the reader's locale (decimal comma in Russian); «—» when there is none."""
    if value is None:
        return "—"
    return format_decimal(value, format="#,##0." + "#" * decimals)


def _charts(report):
    """The share finished and the seminar attendance per row, as SVG (labels escaped in app.charts)."""
    completion = charts.bar_chart([row.name for row in report.completion],
                                  [row.share for row in report.completion], _("Finished of staff, %"),
                                  unit="%", value_format=number, show_title=False)
    attendance = charts.bar_chart([row.name for row in report.attendance],
                                  [row.attended + row.partial for row in report.attendance],
                                  _("Attended seminars (fully or partially)"), color=charts.PALETTE[2],
                                  value_format=number, show_title=False)
    return {"completion": completion, "attendance": attendance}


@bp.route("/")
@login_required
def index():
    """The report of the user's scope; ?municipality= drills down to its schools, ?format=xlsx downloads."""
    form = ReportFilterForm(request.args)
    export = request.args.get("format", "")
    if export not in FORMATS:
        abort(400)
    args = request.args
    try:
        report = reports.training_report(current_user, args.get("course", ""), args.get("from", ""),
                                         args.get("to", ""), args.get("municipality", ""))
    except ValidationFailed as error:
        attach_errors(form, error)
        form.set_courses(reports.listed_courses())
        return render_template("training/reports/index.html", form=form, report=None), 400
    if export == "xlsx":
        return exports.xlsx_response(reports.export_filename(report), reports.export_sheets(report))
    form.set_courses(report.courses)
    return render_template("training/reports/index.html", form=form, report=report, charts=_charts(report),
                           number=number)
