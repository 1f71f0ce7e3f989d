"""Lists of quarterly reports: the regional summary of a quarter and a municipality's reports by quarter."""

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from app.auth import permissions
from app.directory import kinds
from app.errors import PermissionDenied
from app.extensions import db
from app.pagination import ListPage
from app.rollout import constants as c
from app.rollout import report_figures
from app.rollout.models import QuarterlyReport
from app.rollout.reports import parse_quarter, quarters

QUARTERS_PER_PAGE = 12  # three years

@dataclass
class SummaryRow:
    """One municipality in the regional summary of a quarter."""

    municipality_id: int
    name: str
    report: QuarterlyReport | None
    figures: dict
    is_live: bool

    @property
    def status_label(self):
        """The report's status, or «not started»."""
        return self.report.status_label if self.report else _("Not started")

    @property
    def submitted_on(self):
        """The day the report was (last) submitted."""
        return self.report.submitted_at.date() if self.report and self.report.submitted_at else None

    def text(self, section):
        """A free-text section (empty when not started)."""
        return getattr(self.report, section) if self.report else ""


@dataclass
class Summary:
    """Every municipality's report of a quarter, with frozen or live figures."""

    year: int
    quarter: int
    rows: list
    as_of: date

    @property
    def label(self):
        """«IV квартал 2010 г.»."""
        return c.quarter_label(self.year, self.quarter)

    @property
    def totals(self):
        """The summary's key figures summed over the municipalities."""
        return report_figures.total_figures(row.figures for row in self.rows)


def build_summary(year, quarter):
    """The regional summary without access checks (the CLI uses it): a fixed number of statements."""
    reports = {report.municipality_id: report for report in db.session.scalars(
        select(QuarterlyReport).where(QuarterlyReport.year == year, QuarterlyReport.quarter == quarter))}
    live = report_figures.all_municipality_figures(year, quarter)
    rows = []
    for municipality_id, figures in live.items():
        report = reports.get(municipality_id)
        frozen = report is not None and report.is_frozen
        rows.append(SummaryRow(municipality_id, figures["municipality"], report,
                               report.figures if frozen else figures, not frozen))
    return Summary(year, quarter, rows, report_figures.as_of_day(year, quarter))


def regional_summary(actor, year_text="", quarter_text=""):
    """The summary of a quarter across municipalities, for the region's viewers."""
    if not permissions.can_view_regional_summary(actor):
        raise PermissionDenied()
    return build_summary(*parse_quarter(year_text, quarter_text))


def municipality_reports(actor, page=1):
    """(municipality, a ListPage of (year, quarter, report or None), newest first) of a specialist."""
    if not permissions.can_view_quarterly_reports(actor):
        raise PermissionDenied()
    municipality = actor.organization
    if municipality is None or municipality.kind != kinds.MUNICIPALITY:
        raise PermissionDenied()
    found = {(report.year, report.quarter): report for report in db.session.scalars(
        select(QuarterlyReport).where(permissions.quarterly_report_scope(QuarterlyReport.municipality_id,
                                                                         actor)))}
    rows = [(year, quarter, found.get((year, quarter))) for year, quarter in quarters()]
    return municipality, ListPage(rows, page, QUARTERS_PER_PAGE)
