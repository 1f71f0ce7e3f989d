"""The "ticket" search provider: tickets as documents, so operators find them by any word form.

A document holds the subject, the body and the public replies only: internal notes are never indexed,
so a snippet can never show one. Who may see a ticket is decided in SQL by the ticket list
(permissions.ticket_scope), never by the index: every ticket is stored with the audience "internal".
"""

from sqlalchemy import select

from app.extensions import db
from app.search import services as search
from app.search.documents import SearchDocument
from tickets.models import Ticket, TicketMessage

KIND = "ticket"
AUDIENCE = "internal"


def document(ticket, replies):
    """The search document of a ticket with its public replies (texts, oldest first)."""
    return SearchDocument(
        kind=KIND, id=ticket.id, slug=ticket.reference, title=f"{ticket.reference} {ticket.subject}",
        body="\n\n".join([ticket.body, *replies]), audience=AUDIENCE, scope_key=str(ticket.organization_id),
        url=f"/tickets/{ticket.id}", updated_at=ticket.updated_at,
    )


def load(ids):
    """Documents of the tickets among ids (two queries whatever their number)."""
    ids = list(ids)
    tickets = db.session.scalars(select(Ticket).where(Ticket.id.in_(ids))).all()
    replies = {}
    rows = db.session.execute(
        select(TicketMessage.ticket_id, TicketMessage.body)
        .where(TicketMessage.ticket_id.in_(ids), TicketMessage.is_internal.is_(False))
        .order_by(TicketMessage.id)
    )
    for ticket_id, body in rows:
        replies.setdefault(ticket_id, []).append(body)
    return [document(ticket, replies.get(ticket.id, [])) for ticket in tickets]


def all_ids():
    """Every ticket, for `opora search reindex`."""
    return db.session.scalars(select(Ticket.id).order_by(Ticket.id)).all()


def register():
    """Make tickets searchable (called when the hotline blueprint is imported)."""
    search.register_provider(KIND, load, all_ids)
