"""Article statuses with their workflow, and audiences that decide who may read an article."""

from flask_babel import lazy_gettext as _l

DRAFT = "draft"
REVIEW = "review"
PUBLISHED = "published"
ARCHIVED = "archived"
STATUSES = (DRAFT, REVIEW, PUBLISHED, ARCHIVED)
STATUS_LABELS = {
    DRAFT: _l("Draft"),
    REVIEW: _l("In review"),
    PUBLISHED: _l("Published"),
    ARCHIVED: _l("Archived"),
}
# draft → review → published → archived; an article can go back to draft for rework,
# and an archived one can be published again.
ALLOWED_TRANSITIONS = {
    DRAFT: (REVIEW, PUBLISHED, ARCHIVED),
    REVIEW: (DRAFT, PUBLISHED, ARCHIVED),
    PUBLISHED: (DRAFT, ARCHIVED),
    ARCHIVED: (DRAFT, PUBLISHED),
}

PUBLIC = "public"
STAFF = "staff"
INTERNAL = "internal"
AUDIENCES = (PUBLIC, STAFF, INTERNAL)
AUDIENCE_LABELS = {
    PUBLIC: _l("Everyone, also without signing in"),
    STAFF: _l("Signed-in users"),
    INTERNAL: _l("Operators and methodologists only"),
}


def can_transition(old, new):
    """Whether the workflow allows moving an article from status old to status new."""
    return new in ALLOWED_TRANSITIONS.get(old, ())
