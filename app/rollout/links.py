"""The rollout section's own menu: the dashboard, the plan, overdue items, reports and the file upload."""

from flask import url_for
from flask_babel import lazy_gettext as _l

from app.auth import permissions

# (label, endpoint, rule, endpoints that mark the item active) in display order.
SECTION_LINKS = (
    (_l("Dashboard"), "rollout.index", permissions.can_view_rollout,
     ("rollout.index", "rollout.municipality")),
    (_l("Overdue milestones"), "rollout.overdue", permissions.can_view_rollout, ("rollout.overdue",)),
    (_l("Quarterly reports"), "rollout_reports.index", permissions.can_view_quarterly_reports,
     ("rollout_reports.index", "rollout_reports.report")),
    (_l("Plan of the order"), "rollout_plan.index", permissions.can_view_plan,
     ("rollout_plan.index", "rollout_plan.edit")),
    (_l("Update from a file"), "rollout_milestones.import_csv", permissions.can_import_milestones,
     ("rollout_milestones.import_csv",)),
)


def rollout_links(user):
    """(label, url, active endpoints) of the section's pages the user may open."""
    if not permissions.can_view_rollout(user):
        return []
    return [(label, url_for(endpoint), active)
            for label, endpoint, rule, active in SECTION_LINKS if rule(user)]
