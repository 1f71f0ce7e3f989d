"""Rollout operations shared by the CLI and the pages."""

from app.extensions import db
from app.rollout import clock
from app.rollout.milestones import progress_rows, total_counts
from app.rollout.plan import ensure_plan, milestone_deadlines


def ensure_reference_data():
    """Load the plan of the order if it is missing (part of `opora init`); commit; return rows added."""
    added = ensure_plan()
    db.session.commit()
    return added


def milestone_summary(municipality_id=None):
    """MilestoneCounts of the region's schools today, or of one municipality's (for the home pages)."""
    rows = progress_rows(clock.today(), municipality_id=municipality_id, with_offices=False)
    return total_counts(rows, milestone_deadlines())
