"""The top navigation: each role sees the sections it can use."""

from flask import render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from app.auth import permissions
from app.caching import app_cache, cache_enabled, page_key, shared_page_key

HEADER_ENTRIES = 1024
HEADER_TTL = 60.0  # seconds; setting SITE_HEADER_TTL, 0 turns the cache off

# (label, endpoint, rule) in display order; a rule decides whether the user sees the item.
SECTIONS = (
    (_l("Home"), "main.home", lambda user: True),
    (_l("Guides"), "kb.index", lambda user: True),
    (_l("Hotline"), "tickets.index", permissions.can_file_ticket),
    (_l("Training"), "training.index", permissions.is_signed_in),
    (_l("Practice journal"), "journal.index", permissions.can_use_sandbox),
    (_l("Rollout"), "rollout.index", permissions.can_view_rollout),
    (_l("Statistics"), "ticket_stats.index", permissions.can_view_ticket_statistics),
    (_l("Directory"), "directory.index", permissions.can_browse_directory),
    (_l("Users"), "users.index", permissions.can_manage_users),
    (_l("Audit log"), "audit.index", permissions.can_view_audit_log),
)


def navigation_items(user):
    """The (label, url, endpoint) items the user may see."""
    return [
        (label, url_for(endpoint), endpoint)
        for label, endpoint, rule in SECTIONS
        if rule(user)
    ]


def site_header():
    """The navigation bar for this reader and section, kept per reader session and language.

    A signed-in reader's bar holds the sign-out form, so it is kept per session (its CSRF token); a
    guest's is the same for every guest. The reader's name and organization may lag by HEADER_TTL.
    """
    user = current_user._get_current_object()
    section = (request.endpoint or "").split(".")[0]

    def render():
        return render_template("_site_header.html", section=section)

    if not cache_enabled("SITE_HEADER_TTL", HEADER_TTL):
        return Markup(render())
    signed_in = permissions.is_signed_in(user)
    key = page_key(user.id, user.role, section) if signed_in else shared_page_key("guest", section)
    kept = app_cache("site_header_cache", HEADER_ENTRIES, "SITE_HEADER_TTL", HEADER_TTL)
    return Markup(kept.get(key, render))
