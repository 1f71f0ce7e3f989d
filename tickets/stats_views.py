"""Hotline statistics page with server-drawn charts and CSV/XLSX exports."""

from flask import Blueprint, abort, render_template, request
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField

from app import charts, exports
from app.errors import ValidationFailed
from app.formtools import attach_errors
from tickets import constants as c
from tickets import statistics

bp = Blueprint("ticket_stats", __name__, url_prefix="/tickets/statistics", template_folder="templates")

FORMATS = ("", "html", "csv", "xlsx")
HALF_WIDTH = 480  # charts that share a row with another


class StatisticsFilterForm(FlaskForm):
    """The period and hotline of the statistics (a GET form: it changes nothing, so no CSRF token)."""

    class Meta:
        csrf = False

    date_from = DateField(_l("Period from"), name="from")
    date_to = DateField(_l("Period to"), name="to")
    queue = SelectField(_l("Hotline"), choices=[])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        hotlines = [(key, str(c.QUEUE_LABELS[key])) for key in c.QUEUES]
        self.queue.choices = [("", _("Both hotlines")), *hotlines]


def number(value, decimals=1):
    """A figure in the reader's locale (decimal comma in Russian); «—» when there is none."""
    if value is None:
        return "—"
    return format_decimal(value, format="#,##0." + "#" * decimals)


def _charts(report):
    """SVG markup of each section's chart (labels are escaped inside app.charts)."""
    weeks = [monday.strftime("%d.%m") for monday, _per_queue, _total in report.weekly]
    series = [(label, [per_queue[key] for _m, per_queue, _t in report.weekly])
              for key, label in report.queues]

    def bars(rows, title, color, width=charts.WIDTH):
        return charts.bar_chart([row[0] for row in rows], [row[-1] for row in rows], title, color=color,
                                value_format=number, width=width, show_title=False)

    return {
        "weekly": charts.line_chart(weeks, series, _("Tickets per week"), value_format=number,
                                    show_title=False),
        "queues": bars([(label, n) for _key, label, n in report.by_queue], _("Tickets by hotline"),
                       charts.PALETTE[0], HALF_WIDTH),
        "ratings": bars([(str(n), k) for n, k in report.ratings.items()], _("Ratings from 1 to 5"),
                        charts.PALETTE[3], HALF_WIDTH),
        "categories": bars(report.by_category, _("Tickets by category"), charts.PALETTE[1]),
        "municipalities": bars(report.by_municipality, _("Tickets by municipality"), charts.PALETTE[2]),
    }


@bp.route("/")
@login_required
def index():
    """Figures of the chosen period; ?format=csv or xlsx downloads them."""
    form = StatisticsFilterForm(request.args)
    export = request.args.get("format", "")
    if export not in FORMATS:
        abort(400)
    try:
        args = request.args
        report = statistics.ticket_statistics(current_user, args.get("from", ""), args.get("to", ""),
                                              args.get("queue", ""))
    except ValidationFailed as error:
        attach_errors(form, error)
        return render_template("tickets/statistics.html", form=form, report=None), 400
    if export == "csv":
        header, rows = statistics.export_table(report)
        return exports.csv_response(statistics.export_filename(report, "csv"), header, rows)
    if export == "xlsx":
        sheets = statistics.export_sheets(report)
        return exports.xlsx_response(statistics.export_filename(report, "xlsx"), sheets)
    form.date_from.data, form.date_to.data = report.period.start, report.period.end
    return render_template("tickets/statistics.html", form=form, report=report, charts=_charts(report),
                           number=number, queue_labels=c.QUEUE_LABELS)
