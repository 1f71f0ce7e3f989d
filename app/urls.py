"""URL helpers shared by views."""

from urllib.parse import urlsplit


def safe_next_url(target):
    """Return target only if it is a path on this site (no open redirects)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


# A larger page number would overflow the database's OFFSET (a 500 instead of an empty page).
MAX_PAGE = 100_000


def page_number():
    """The `page` query argument as a page number within 1..MAX_PAGE (anything else: page 1)."""
    from flask import request

    page = request.args.get("page", 1, type=int)
    return min(max(page or 1, 1), MAX_PAGE)


def absolute_url(endpoint, **values):
    """An absolute address for an e-mail: BASE_URL and the endpoint's path (cron runs have no request)."""
    from flask import current_app

    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config["BASE_URL"] + path
