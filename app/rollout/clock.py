"""The rollout's calendar: every «today» of the package comes from here, so tests can fix the clock."""

from app import timeutil


def today():
    """Today's date on Moscow time (deadlines, overdue items and quarters follow the region's calendar)."""
    return timeutil.local_today()
