"""Human-readable names of audited actions (the stored codes stay stable)."""

from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    "auth.login": _l("Signed in"),
    "auth.login_failed": _l("Failed sign-in"),
    "auth.logout": _l("Signed out"),
    "auth.password_changed": _l("Changed the password"),
    "auth.password_reset": _l("Set a password by a reset link"),
    "auth.reset_requested": _l("Asked for a password reset"),
    "auth.reset_requested_unknown": _l("Password reset asked for an unknown e-mail"),
    "demo.built": _l("Demo region loaded"),
    "directory.appointment_created": _l("Recorded an appointment"),
    "directory.appointment_deleted": _l("Deleted an appointment"),
    "directory.appointment_ended": _l("Ended an appointment"),
    "directory.appointment_updated": _l("Changed an appointment"),
    "directory.imported": _l("Imported organizations from CSV"),
    "directory.organization_created": _l("Added an organization"),
    "directory.organization_updated": _l("Changed an organization"),
    "directory.people_viewed": _l("Viewed a staff list"),
    "directory.person_created": _l("Added a person"),
    "directory.person_updated": _l("Changed a person"),
    "directory.person_viewed": _l("Viewed a person's card"),
    "kb.article_archived": _l("Archived a guide"),
    "kb.article_published": _l("Published a guide"),
    "kb.article_restored": _l("Restored an old revision of a guide"),
    "kb.article_withdrawn": _l("Withdrew a guide from publication"),
    "kb.category_created": _l("Added a guide category"),
    "kb.category_deleted": _l("Deleted a guide category"),
    "kb.category_updated": _l("Changed a guide category"),
    "kb.imported": _l("Imported guides from files"),
    "kb.tag_deleted": _l("Deleted a guide tag"),
    "kb.tag_renamed": _l("Renamed a guide tag"),
    "tickets.mail_accepted": _l("Made a ticket of a quarantined e-mail"),
    "tickets.mail_discarded": _l("Discarded a quarantined e-mail"),
    "tickets.queue_settings_updated": _l("Changed hotline settings"),
    "users.created": _l("Created an account"),
    "users.updated": _l("Changed an account"),
}


def action_label(code):
    """The translated name of an action code, or the code itself when unknown."""
    return ACTION_LABELS.get(code, code)
