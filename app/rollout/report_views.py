"""Quarterly report pages (plan item 2.6): the list or summary, a report with its workflow, downloads."""

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import exports
from app.auth import permissions
from app.errors import NotFound, ServiceError, ValidationFailed
from app.formtools import attach_errors
from app.rollout import constants as c
from app.rollout import report_exports, report_figures, report_sections, report_summary, reports
from app.rollout.report_forms import QuarterForm, ReportTextForm, ReviewForm
from app.urls import page_number

bp = Blueprint("rollout_reports", __name__, template_folder="templates", url_prefix="/rollout/reports")

MIMETYPES = {"xlsx": exports.XLSX_MIMETYPE, "pdf": "application/pdf"}
BUILDERS = {"xlsx": report_exports.xlsx_bytes, "pdf": report_exports.pdf_bytes}


@bp.before_request
@login_required
def require_login():
    """Every report page is for signed-in users."""


def _download(document, extension):
    if extension not in BUILDERS:
        raise NotFound()
    response = Response(BUILDERS[extension](document), mimetype=MIMETYPES[extension])
    response.headers["Content-Disposition"] = exports.content_disposition(
        report_exports.filename(document, extension))
    return response


@bp.route("/")
def index():
    """The regional summary of a quarter (?year=&quarter=) or a municipality's reports by quarter."""
    form = QuarterForm(request.args)
    form.offer(reports.quarters(), reports.default_quarter())
    if not permissions.can_view_regional_summary(current_user):
        municipality, rows = report_summary.municipality_reports(current_user, page_number())
        return render_template("rollout/reports/municipality.html", municipality=municipality, rows=rows,
                               default=reports.default_quarter(), c=c)
    try:
        summary = report_summary.regional_summary(current_user, request.args.get("year", ""),
                                           request.args.get("quarter", ""))
    except ValidationFailed as error:
        attach_errors(form, error)
        return render_template("rollout/reports/summary.html", form=form, summary=None,
                               error=error.message), error.status_code
    form.offer(reports.quarters(), (summary.year, summary.quarter))
    return render_template("rollout/reports/summary.html", form=form, summary=summary, c=c,
                           show=report_exports.display, sections_key=report_figures.key_figures)


@bp.route("/summary.<extension>")
def summary_download(extension):
    """The regional summary of a quarter as XLSX or PDF."""
    summary = report_summary.regional_summary(current_user, request.args.get("year", ""),
                                       request.args.get("quarter", ""))
    return _download(report_sections.summary_document(summary), extension)


def _render(page, text_form=None, review_form=None, status=200, alert=None):
    """The report page; forms passed in keep what the user typed."""
    if text_form is None:
        text_form = ReportTextForm(formdata=None, **{s: page.text(s) for s in c.REPORT_SECTIONS})
    review_form = review_form or ReviewForm(formdata=None)
    # After a conflict the page shows the current report: the next submit is checked against it.
    for form in (text_form, review_form):
        form.version.data, form.version.raw_data = page.version, None
    return render_template("rollout/reports/report.html", page=page, text_form=text_form,
                           review_form=review_form, alert=alert, c=c, sections=report_sections,
                           show=report_exports.display, show_day=report_sections.display_day), status


@bp.route("/<int:municipality_id>/<int:year>/<int:quarter>")
def report(municipality_id, year, quarter):
    """A municipality's report: figures, texts (a form when editable), workflow buttons, history."""
    return _render(reports.report_page(current_user, municipality_id, year, quarter))


@bp.route("/<int:municipality_id>/<int:year>/<int:quarter>.<extension>")
def download(municipality_id, year, quarter, extension):
    """A municipality's report as XLSX or PDF."""
    page = reports.report_page(current_user, municipality_id, year, quarter)
    return _download(report_sections.report_document(page), extension)


def _refused(key, form_name, form, error):
    """Re-render after a service refused: field errors 422, a conflict 409, the typed text kept."""
    page = reports.report_page(current_user, *key)
    if isinstance(error, ValidationFailed):
        attach_errors(form, error)
    message = None if isinstance(error, ValidationFailed) else error.message  # attach_errors showed it
    return _render(page, status=error.status_code, alert=message, **{form_name: form})


def _done(key, message):
    flash(message, "success")
    return redirect(url_for("rollout_reports.report", municipality_id=key[0], year=key[1], quarter=key[2]))


@bp.route("/<int:municipality_id>/<int:year>/<int:quarter>/save", methods=["POST"])
def save(municipality_id, year, quarter):
    """Save the texts of a draft or returned report (the municipal specialist)."""
    return _text_action((municipality_id, year, quarter), reports.save_report, _("The report is saved."))


@bp.route("/<int:municipality_id>/<int:year>/<int:quarter>/submit", methods=["POST"])
def submit(municipality_id, year, quarter):
    """Save the texts and submit the report; its figures are frozen now."""
    return _text_action((municipality_id, year, quarter), reports.submit_report,
                        _("The report is submitted to the region. Its figures are fixed as of now."))


def _text_action(key, action, message):
    form = ReportTextForm()
    try:
        if not form.validate_on_submit():
            raise ValidationFailed(_("Please correct the fields marked below."), form.errors)
        action(current_user, *key, form.texts(), expected_version=reports.parse_version(form.version.data))
    except (ValidationFailed, ServiceError) as error:
        if error.status_code in (403, 404):
            raise
        return _refused(key, "text_form", form, error)
    return _done(key, message)


@bp.route("/<int:municipality_id>/<int:year>/<int:quarter>/accept", methods=["POST"])
def accept(municipality_id, year, quarter):
    """The regional coordinator accepts the submitted report."""
    return _review((municipality_id, year, quarter), reports.ACCEPT, _("The report is accepted."))


@bp.route("/<int:municipality_id>/<int:year>/<int:quarter>/return", methods=["POST"])
def return_report(municipality_id, year, quarter):
    """The regional coordinator returns the report with a comment saying what to correct."""
    return _review((municipality_id, year, quarter), reports.RETURN,
                   _("The report is returned to the municipality with your comment."))


def _review(key, decision, message):
    form = ReviewForm()
    try:
        if not form.validate_on_submit():
            raise ValidationFailed(_("Please correct the fields marked below."), form.errors)
        reports.review_report(current_user, *key, decision, form.comment.data,
                              expected_version=reports.parse_version(form.version.data))
    except ServiceError as error:
        if error.status_code in (403, 404):
            raise
        return _refused(key, "review_form", form, error)
    return _done(key, message)
