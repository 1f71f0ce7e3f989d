"""A quarter's reports as the actor may see them: every municipality for the region, one's own otherwise."""

from app.auth import permissions
from app.directory import kinds
from app.errors import PermissionDenied
from app.rollout.report_summary import Summary, SummaryRow, build_summary
from app.rollout.reports import build_page, parse_quarter


def quarterly_overview(actor, year=None, quarter=None):
    """The Summary of a quarter (default: reports being written now) for region viewers or a specialist."""
    if not permissions.can_view_quarterly_reports(actor):
        raise PermissionDenied()
    year, quarter = parse_quarter("" if year is None else year, "" if quarter is None else quarter)
    if permissions.can_view_regional_summary(actor):
        return build_summary(year, quarter)
    municipality = actor.organization
    if municipality is None or municipality.kind != kinds.MUNICIPALITY:
        raise PermissionDenied()
    page = build_page(municipality, year, quarter)
    row = SummaryRow(municipality.id, municipality.display_name, page.report, page.figures, page.is_live)
    return Summary(year, quarter, [row], page.as_of)
