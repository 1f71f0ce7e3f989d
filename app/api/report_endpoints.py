"""Quarterly reports of municipalities (plan item 2.6): the quarter's overview and one report."""

from app.api.blueprint import api
from app.api.rollout_schemas import (
    KeyFigures,
    MunicipalityRef,
    QuarterlyItem,
    QuarterlyReport,
    QuarterlySummary,
    QuarterQuery,
    ReportFigures,
)
from app.rollout import report_overview, reports
from app.rollout.constants import quarter_label

NOT_STARTED = "not_started"


def _item(row):
    report = row.report
    return QuarterlyItem(municipality=MunicipalityRef(id=row.municipality_id, name=row.name),
                         status=report.status if report else NOT_STARTED,
                         submitted_at=report.submitted_at if report else None, is_frozen=not row.is_live,
                         figures=KeyFigures.model_validate(row.figures))


@api.operation("/reports/quarterly", summary="The quarter's reports of the municipalities you may see",
               tag="reports", query=QuarterQuery, response=QuarterlySummary,
               description="The region's staff see every municipality, a municipal specialist their own; "
                           "others get 403. Without year and quarter: the quarter reports are being written "
                           "for now. Figures are frozen at submission, computed live before it.")
def quarterly_summary(user, query):
    """Every visible municipality's report of a quarter, with its key figures."""
    summary = report_overview.quarterly_overview(user, query.year, query.quarter)
    return QuarterlySummary(year=summary.year, quarter=summary.quarter, label=summary.label,
                            as_of=summary.as_of, reports=[_item(row) for row in summary.rows])


@api.operation("/reports/quarterly/<int:municipality_id>/<int:year>/<int:quarter>",
               summary="A municipality's quarterly report", tag="reports", response=QuarterlyReport,
               description="Status, figures (frozen at submission, else live) and the three texts. 404 for a "
                           "municipality outside your scope, 422 for a quarter outside IV 2010 … now.")
def quarterly_report(user, municipality_id, year, quarter):
    """One municipality's report of a quarter (its figures live until it is submitted)."""
    page = reports.report_page(user, municipality_id, year, quarter)
    report, municipality = page.report, page.municipality
    return QuarterlyReport(
        municipality=MunicipalityRef(id=municipality.id, name=municipality.display_name), year=page.year,
        quarter=page.quarter, label=quarter_label(page.year, page.quarter), due_on=page.due_on,
        status=page.status or NOT_STARTED, submitted_at=report.submitted_at if report else None,
        reviewed_at=report.reviewed_at if report else None,
        review_comment=report.review_comment or "" if report else "", is_frozen=not page.is_live,
        as_of=page.as_of, figures=ReportFigures.model_validate(page.figures),
        problems=page.text("problems"), measures=page.text("measures"), proposals=page.text("proposals"))
