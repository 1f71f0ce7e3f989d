"""The hotline: list, file, read and answer tickets, and move them along their statuses (agents)."""

from flask import send_file

from app.api import constants as ac
from app.api.blueprint import api
from app.api.schemas import OrganizationRef, UserRef, page_info
from app.api.ticket_schemas import (
    AttachmentOut,
    CategoryRef,
    MessageOut,
    NewMessage,
    NewTicket,
    StatusChange,
    TicketDetail,
    TicketList,
    TicketListQuery,
    TicketSummary,
)
from app.uploads import UploadedFile
from tickets import constants as c
from tickets import queries, services

TAG = "tickets"
FILES = "files"


def _uploads(files):
    """The uploaded parts as the services take them (parts without a file name are skipped, as on the web)."""
    return [UploadedFile(part.filename or "", part.read()) for part in files if part and part.filename]


def user_ref(user):
    """A user, briefly (None stays None)."""
    return UserRef(id=user.id, name=user.full_name) if user is not None else None


def _organization_ref(organization):
    return OrganizationRef(id=organization.id, code=organization.code, name=organization.name,
                           kind=organization.kind)


def _attachments(rows):
    return [AttachmentOut(id=row.id, filename=row.filename, size=row.size, content_type=row.content_type)
            for row in rows]


def _summary_fields(ticket, show_sla):
    category = ticket.category
    return {
        "id": ticket.id, "reference": ticket.reference, "queue": ticket.queue.key, "status": ticket.status,
        "category": CategoryRef(id=category.id, slug=category.slug, name=category.name) if category else None,
        "priority": ticket.priority, "subject": ticket.subject, "requester": user_ref(ticket.requester),
        "organization": _organization_ref(ticket.organization), "assignee": user_ref(ticket.assignee),
        "created_at": ticket.created_at, "updated_at": ticket.updated_at, "version": ticket.version,
        "first_response_due_at": ticket.first_response_due_at if show_sla else None,
        "resolution_due_at": ticket.resolution_due_at if show_sla else None,
    }


def message_out(message, attachments):
    """A message with the attachments given (those the reader may see)."""
    return MessageOut(id=message.id, author=user_ref(message.author), body=message.body,
                      is_internal=message.is_internal, created_at=message.created_at,
                      attachments=_attachments(attachments))


def ticket_detail(page):
    """The ticket page (tickets.queries.TicketPage) as the API shows it."""
    ticket = page.ticket
    return TicketDetail(
        **_summary_fields(ticket, page.show_sla), body=ticket.body,
        attachments=_attachments(page.files.get(None, ())),
        messages=[message_out(message, page.files.get(message.id, ())) for message in page.messages],
        can_reply=page.can_reply, next_statuses=list(page.next_statuses),
    )


@api.operation("/tickets", summary="Tickets you may see, newest activity first", tag=TAG,
               query=TicketListQuery, response=TicketList,
               description="A teacher sees their school's tickets, a municipal specialist their "
                           "municipality's, an agent their hotline's, the region all. Filters combine.")
def list_tickets(user, query):
    """A filtered page of the tickets the user may see."""
    pagination, show_sla = queries.find_tickets(user, query.filters(), query.page, query.per_page)
    items = [TicketSummary(**_summary_fields(ticket, show_sla)) for ticket in pagination.items]
    return TicketList(items=items, page=page_info(pagination))


@api.operation("/tickets", method="POST", summary="File a ticket with attachments", tag=TAG,
               scope=ac.WRITE, form=NewTicket, files=FILES, response=TicketDetail, status=201, errors=(413,),
               description="multipart/form-data. Files are checked as on the web: PDF, PNG, JPG, GIF, TXT, "
                           "CSV, LOG, DOC(X), XLS(X), ODT, ODS or ZIP whose content matches the extension, "
                           "up to 10 files of at most 10 MB each.")
def create_ticket(user, form, files):
    """File a ticket to a hotline as the user."""
    ticket = services.open_ticket(user, form.queue, form.subject, form.body, category_id=form.category_id,
                                  priority=form.priority, files=_uploads(files), source=c.API)
    return ticket_detail(queries.ticket_page(user, ticket.id))


@api.operation("/tickets/<int:ticket_id>", summary="A ticket with its conversation", tag=TAG,
               response=TicketDetail)
def show_ticket(user, ticket_id):
    """The ticket, if the user may see it (404 otherwise)."""
    return ticket_detail(queries.ticket_page(user, ticket_id))


@api.operation("/tickets/<int:ticket_id>/messages", method="POST", summary="Reply, or add an internal note",
               tag=TAG, scope=ac.WRITE, form=NewMessage, files=FILES, response=MessageOut, status=201,
               errors=(409, 413),
               description="multipart/form-data. The requester's reply reopens a ticket that was resolved or "
                           "waited for them. A closed or merged ticket takes replies from agents only.")
def reply_to_ticket(user, ticket_id, form, files):
    """Add a reply (or an agent's note) to a ticket the user may answer."""
    ticket = services.get_ticket(user, ticket_id)
    message = services.add_message(user, ticket, form.body, is_internal=form.internal, files=_uploads(files),
                                   expected_version=form.version, source=c.API)
    return message_out(message, message.attachments)


@api.operation("/tickets/<int:ticket_id>/status", method="POST", summary="Change the status (agents)",
               tag=TAG, scope=ac.WRITE, body=StatusChange, response=TicketDetail, errors=(409,),
               description="Allowed moves: new → in_progress, waiting, resolved, closed; in_progress → "
                           "waiting, resolved, closed; waiting → in_progress, resolved, closed; resolved → "
                           "in_progress, closed; closed → in_progress. Another move answers 422.")
def change_ticket_status(user, ticket_id, body):
    """Move the ticket to another status, checked against the version the client saw."""
    ticket = services.get_ticket(user, ticket_id)
    services.change_status(user, ticket, body.status, expected_version=body.version, note=body.note.strip())
    return ticket_detail(queries.ticket_page(user, ticket_id))


@api.operation("/tickets/<int:ticket_id>/attachments/<int:attachment_id>", summary="Download an attachment",
               tag=TAG, binary="*/*",
               description="The file as it was uploaded, always as an attachment; 404 when the ticket or the "
                           "attachment is not visible to the user.")
def download_attachment(user, ticket_id, attachment_id):
    """The attachment's bytes, if the user may see the ticket (and the note it belongs to)."""
    attachment, path = queries.attachment_for_download(user, ticket_id, attachment_id)
    response = send_file(path, as_attachment=True, download_name=attachment.filename,
                         mimetype=attachment.content_type, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response
