"""Dates and time spans as pages print them: the `datetime` filter's short format and `duration`.

A date's text depends only on the moment, the time zone and the locale, and the same tickets and
messages are shown request after request, so it is remembered (a bounded cache per process): Babel's
formatting is slow for a page of them.
"""

from functools import lru_cache

from babel import dates
from flask_babel import get_locale, get_timezone


def short_datetime(value, timezone=None, locale=None):
    """A moment (naive UTC) in the locale's short format and the time zone (the user's by default)."""
    if not value:
        return "—"
    return _datetime(value, timezone or get_timezone(), locale or get_locale())


def duration(delta, locale=None):
    """A time span in words, «3 часа», whatever its sign (not remembered: spans change every moment)."""
    return dates.format_timedelta(abs(delta), threshold=0.9, locale=locale or get_locale())


@lru_cache(maxsize=8192)
def _datetime(value, timezone, locale):
    return dates.format_datetime(value, "short", tzinfo=timezone, locale=locale)
