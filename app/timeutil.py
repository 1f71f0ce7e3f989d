"""UTC time helpers: the database stores naive UTC datetimes."""

from datetime import UTC, datetime


def utcnow():
    """Current UTC time as a naive datetime (how every *_at column stores it)."""
    return datetime.now(UTC).replace(tzinfo=None)
