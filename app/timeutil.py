"""UTC time helpers: the database stores naive UTC datetimes."""

from datetime import UTC, datetime, time, timedelta

# The region keeps Moscow time, UTC+3 all year since 2014: times people type are Moscow times.
MOSCOW_OFFSET = timedelta(hours=3)


def utcnow():
    """Current UTC time as a naive datetime (how every *_at column stores it)."""
    return datetime.now(UTC).replace(tzinfo=None)


def local_today():
    """Today's date on Moscow time: due dates, periods and «overdue» follow the region's calendar."""
    return (datetime.now(UTC) + MOSCOW_OFFSET).date()


def moscow_to_utc(local):
    """A naive Moscow wall-clock datetime (as typed in a form) as naive UTC, for storing."""
    return local - MOSCOW_OFFSET


def utc_to_moscow(moment):
    """A stored naive UTC datetime as naive Moscow wall-clock time (to fill a form)."""
    return moment + MOSCOW_OFFSET


def moscow_days_utc(start, end):
    """[start, end) of two inclusive Moscow dates as naive UTC datetimes, as the *_at columns store time."""
    lower = datetime.combine(start, time()) - MOSCOW_OFFSET
    return lower, datetime.combine(end + timedelta(days=1), time()) - MOSCOW_OFFSET
