"""The top navigation: each role sees the sections it can use."""

from flask import url_for
from flask_babel import lazy_gettext as _l

from app.auth import permissions

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
