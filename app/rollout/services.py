"""Rollout operations shared by the CLI and the pages."""

from app.extensions import db
from app.rollout.plan import ensure_plan


def ensure_reference_data():
    """Load the plan of the order if it is missing (part of `opora init`); commit; return rows added."""
    added = ensure_plan()
    db.session.commit()
    return added
