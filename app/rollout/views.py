"""Control dashboards: the region by municipality, a municipality by school, and the overdue list."""

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from app import charts, exports
from app.errors import ValidationFailed
from app.rollout import constants as c
from app.rollout import dashboard_tables as tables
from app.rollout import dashboards
from app.urls import page_number

bp = Blueprint("rollout", __name__, template_folder="templates", url_prefix="/rollout")

FORMATS = ("", "html", "xlsx")


def number(value, decimals=1):
    """A figure in the reader's locale (decimal comma in Russian); «—» when there is none."""
    if value is None:
        return "—"
    return format_decimal(value, format="#,##0." + "#" * decimals)


def _format():
    export = request.args.get("format", "")
    if export not in FORMATS:
        abort(400)
    return export


def _milestone_chart(counts):
    """Share of schools per milestone, as SVG."""
    return charts.bar_chart([str(c.MILESTONE_SHORT_LABELS[key]) for key in c.SCHOOL_MILESTONES],
                            [counts.percent(key) for key in c.SCHOOL_MILESTONES],
                            _("Schools that have done the milestone, %"), unit="%", value_format=number,
                            show_title=False)


def _region_context(dashboard):
    activated = charts.bar_chart([row.name for row in dashboard.rows],
                                 [row.percent(c.ACTIVATED) for row in dashboard.rows],
                                 _("Schools activated on the platform, %"), unit="%", color=charts.PALETTE[2],
                                 value_format=number, show_title=False)
    return {"charts": {"milestones": _milestone_chart(dashboard.totals), "activated": activated},
            "columns": tables.REGION_COLUMNS}


def _municipality_context(dashboard):
    return {"chart": _milestone_chart(dashboard.counts), "columns": tables.SCHOOL_COLUMNS}


def _common():
    """What every dashboard template uses besides its data."""
    return {"tables": tables, "number": number, "milestones": c.SCHOOL_MILESTONES,
            "milestone_labels": c.MILESTONE_SHORT_LABELS}


def _figures_html(dashboard, template, context, *variant):
    """The part of a dashboard made of its milestone figures alone, rendered once per sort order and language.

    It is kept with the figures (dashboard.fragments), so it goes as soon as they change; `variant` names
    anything else the part shows. context(dashboard) gives what the template needs besides the dashboard.
    """
    key = (template, dashboard.sort, dashboard.direction, str(get_locale()), *variant)
    return dashboard.fragments.get(key, lambda: Markup(render_template(
        template, dashboard=dashboard, **context(dashboard), **_common())))


def _sort_args():
    return request.args.get("sort", ""), request.args.get("dir", "")


@bp.route("/")
@login_required
def index():
    """The user's dashboard: the region, their municipality, or (school coordinators) their school's page."""
    scope, org_id = dashboards.landing(current_user)
    if scope == "school":
        return redirect(url_for("rollout_milestones.school", school_id=org_id))
    if scope == "municipality":
        return _municipality_page(org_id)
    export = _format()
    dashboard = dashboards.region_dashboard(current_user, *_sort_args())
    if export == "xlsx":
        return exports.xlsx_response(tables.export_filename(_("region"), dashboard.day),
                                     tables.region_sheets(dashboard))
    figures_html = _figures_html(dashboard, "rollout/_region_figures.html", _region_context)
    return render_template("rollout/dashboard.html", dashboard=dashboard, figures_html=figures_html,
                           **_common())


@bp.route("/municipalities/<int:municipality_id>")
@login_required
def municipality(municipality_id):
    """One municipality's schools by milestone (drill-down from the region)."""
    return _municipality_page(municipality_id)


def _municipality_page(municipality_id):
    export = _format()
    dashboard = dashboards.municipality_dashboard(current_user, municipality_id, *_sort_args())
    if export == "xlsx":
        filename = tables.export_filename(dashboard.municipality.display_name, dashboard.day)
        return exports.xlsx_response(filename, tables.municipality_sheets(dashboard))
    figures_html = _figures_html(dashboard, "rollout/_municipality_figures.html", _municipality_context,
                                 dashboard.is_region_viewer)
    return render_template("rollout/municipality.html", dashboard=dashboard, figures_html=figures_html,
                           **_common())


@bp.route("/overdue")
@login_required
def overdue():
    """Every overdue milestone of the user's scope; ?municipality=&milestone= filter; ?format=xlsx."""
    export = _format()
    args = request.args
    try:
        listing = dashboards.overdue_list(current_user, args.get("municipality", ""),
                                          args.get("milestone", ""), page_number())
    except ValidationFailed as error:
        return render_template("rollout/overdue.html", listing=None, error=error,
                               municipalities=dashboards.filter_municipalities(current_user),
                               milestones=c.MILESTONE_LABELS), 422
    if export == "xlsx":
        return exports.xlsx_response(tables.export_filename(_("overdue"), listing.day),
                                     [tables.overdue_sheet(listing.items)])
    return render_template("rollout/overdue.html", listing=listing, error=None,
                           municipalities=listing.municipalities, milestones=c.MILESTONE_LABELS)
