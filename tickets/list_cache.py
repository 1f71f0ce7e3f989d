"""The ticket list's rendered body, kept per reader, filters and page until the hotline changes.

A kept body is served only while the hotline's data version is the one it was rendered for: the newest
activity and the newest ticket (`touch` marks every change of a ticket, filing adds one), read through
the index on (updated_at, id) in one cheap statement. Anything else a row shows (names, categories, the
SLA «time left») may lag by at most LIST_TTL seconds. Per process, at most LIST_ENTRIES bodies.
"""

from functools import cache

from flask import request
from flask_babel import get_locale
from sqlalchemy import func, select

from app.caching import app_cache, cache_enabled
from app.extensions import db
from tickets.models import Ticket

LIST_ENTRIES = 512
LIST_TTL = 60.0  # seconds; setting TICKET_LIST_TTL, 0 turns the cache off


@cache
def _version_statement():
    # Two subqueries, not one SELECT of two aggregates: SQLite answers a lone max() from the index's
    # end, but scans the whole table for a pair.
    return select(select(func.max(Ticket.updated_at)).scalar_subquery(),
                  select(func.max(Ticket.id)).scalar_subquery())


def data_version():
    """(newest activity, newest ticket id): it changes whenever a ticket is filed or changed."""
    return tuple(db.session.execute(_version_statement()).one())


def list_body(user, args, page, render):
    """The body for this reader, filters and page: kept, or render() kept and returned."""
    if not cache_enabled("TICKET_LIST_TTL", LIST_TTL):
        return render()
    key = (user.id, user.role, tuple(sorted(args.items())), page, str(get_locale()), request.script_root)
    kept = app_cache("ticket_list_cache", LIST_ENTRIES, "TICKET_LIST_TTL", LIST_TTL)
    return kept.get(key, render, data_version())
