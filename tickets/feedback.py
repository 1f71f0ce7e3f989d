"""The requester's rating of the answer (1–5 with a comment) once the ticket is resolved."""

from flask_babel import gettext as _

from app.auth import permissions
from app.errors import PermissionDenied, ValidationFailed
from app.extensions import db
from app.timeutil import utcnow
from tickets import constants as c
from tickets.services import record_change

RATINGS = (1, 2, 3, 4, 5)
COMMENT_MAX = 2000


def _checked_rating(rating, comment):
    try:
        value = int(rating)
    except (TypeError, ValueError):
        value = None
    errors = {}
    if value not in RATINGS:
        errors["rating"] = [_("Choose a rating from 1 to 5.")]
    if len(comment) > COMMENT_MAX:
        errors["comment"] = [_("Shorten the comment to %(n)d characters.", n=COMMENT_MAX)]
    if errors:
        raise ValidationFailed(_("Please correct the fields marked below."), errors)
    return value


def rate_ticket(actor, ticket, rating, comment=""):
    """Record the requester's rating; it may be changed while the ticket is resolved, not once closed."""
    if not permissions.can_rate_ticket(actor, ticket):
        raise PermissionDenied()
    comment = (comment or "").strip()
    value = _checked_rating(rating, comment)
    if ticket.rating is not None and ticket.status == c.CLOSED:
        message = _("The ticket is closed: its rating can no longer be changed.")
        raise ValidationFailed(message, {"rating": [message]})
    if (ticket.rating, ticket.rating_comment) == (value, comment):
        return ticket
    record_change(ticket, actor, "rating", ticket.rating, value, note=comment)
    ticket.rating, ticket.rating_comment, ticket.rated_at = value, comment, utcnow()
    db.session.commit()
    return ticket
