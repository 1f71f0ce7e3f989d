"""The ticket page's rendered content, kept per ticket, reader session and language until what it shows
changes.

A kept content is served only while everything below is what it was rendered with:
- the ticket's version and last activity (every change of the ticket moves both);
- the hotline's data version (list_cache.data_version: any ticket filed or changed), so related and
  linked tickets are current;
- the queue's settings version (canned replies and settings).
The names of people and guides and the SLA «time left» may lag by at most PAGE_TTL seconds. The key
holds the session's CSRF token: a kept content's forms carry the token of the session that reads them.
Per process, at most PAGE_ENTRIES contents.
"""

from app.caching import app_cache, cache_enabled, page_key
from tickets.list_cache import data_version

PAGE_ENTRIES = 256
PAGE_TTL = 60.0  # seconds; setting TICKET_PAGE_TTL, 0 turns the cache off


def page_content(user, ticket, render):
    """The content of the ticket's page for this reader: kept, or render() kept and returned."""
    if not cache_enabled("TICKET_PAGE_TTL", PAGE_TTL):
        return render()
    key = page_key(ticket.id, user.id, user.role)
    version = (ticket.version, ticket.updated_at, ticket.queue.settings_version, data_version())
    return app_cache("ticket_page_cache", PAGE_ENTRIES, "TICKET_PAGE_TTL", PAGE_TTL).get(key, render, version)
