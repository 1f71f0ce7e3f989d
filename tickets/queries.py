"""Reading the hotline: the filtered ticket list, the ticket page and attachment downloads."""

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import and_, false, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from app.auth import permissions
from app.directory.models import Organization
from app.errors import NotFound, PermissionDenied
from app.extensions import db
from app.parsing import apply_filters, positive_int
from app.search import services as search
from app.timeutil import utcnow
from tickets import attachments, services
from tickets import constants as c
from tickets.models import Attachment, Category, Ticket, TicketMessage, TicketQueue

PAGE_SIZE = 25
SEARCH_MAX = 200
OPEN, ALL = "open", "all"
ME, NOBODY = "me", "none"
FIRST_RESPONSE, RESOLUTION = "first_response", "resolution"
DEADLINE_LABELS = {FIRST_RESPONSE: _l("First response"), RESOLUTION: _l("Resolution")}
FIELD_LABELS = {
    "status": _l("Status"), "priority": _l("Priority"), "category": _l("Category"),
    "assignee": _l("Assignee"), "rating": _l("Rating"), "queue": _l("Hotline"), "subject": _l("Subject"),
    "watchers": _l("Watchers"), "merged_into": _l("Merged into"), "merged": _l("Merged in"),
    "link": _l("Related tickets"), "first_response_due_at": _l("First response due"),
    "resolution_due_at": _l("Resolution due"), "overdue_notified_at": _l("Overdue alert sent"),
}
VALUE_LABELS = {"status": c.STATUS_LABELS, "priority": c.PRIORITY_LABELS}


# --- filters ------------------------------------------------------------------------------


@dataclass
class TicketFilters:
    """The list's filters as understood; `ignored` names the parameters that were not."""

    queue: str = ""
    status: str = ALL
    category: int | None = None
    municipality: int | None = None
    assignee: str = ""
    overdue: bool = False
    q: str = ""
    ignored: list = field(default_factory=list)
    statuses: tuple = ()  # several statuses at once (the API's repeated parameter)
    priorities: tuple = ()

    def args(self):
        """The active filters as query parameters (for pagination links)."""
        values = {"queue": self.queue, "status": self.status, "category": self.category,
                  "municipality": self.municipality, "assignee": self.assignee,
                  "overdue": 1 if self.overdue else None, "q": self.q}
        return {name: value for name, value in values.items() if value not in (None, "")}


CONVERTERS = {
    "queue": lambda v: v if v in c.QUEUES else None,
    "status": lambda v: v if v in c.STATUSES or v in (OPEN, ALL) else None,
    "category": positive_int,
    "municipality": positive_int,
    "assignee": lambda v: v if v in (ME, NOBODY) or positive_int(v) else None,
    "overdue": lambda v: {"1": True, "0": False}.get(v),
}


def parse_filters(actor, args):
    """Read filter parameters from plain strings; values not understood are ignored and named."""
    result = TicketFilters(status=OPEN if permissions.is_agent(actor) else ALL)
    apply_filters(result, args, CONVERTERS)
    result.q = str(args.get("q") or "").strip()[:SEARCH_MAX]
    return result


def text_search(actor, text):
    """SQL criterion on Ticket: the text is in the subject, the body or a message the actor may read.

    The search index finds other word forms and synonyms; the case-insensitive LIKE stays beside it, so
    a ticket is found even while the index is behind. Access is decided here, by the list's SQL scope.
    """
    needle = text.lower()
    by_number = _reference_criterion(text)
    in_messages = (
        select(TicketMessage.id)
        .where(TicketMessage.ticket_id == Ticket.id, permissions.message_scope(actor),
               func.lower(TicketMessage.body).contains(needle, autoescape=True))
        .exists()
    )
    return or_(func.lower(Ticket.subject).contains(needle, autoescape=True),
               func.lower(Ticket.body).contains(needle, autoescape=True), in_messages, by_number,
               _indexed_matches(text))


INDEX_MIN_LENGTH = 3
INDEX_HITS_MAX = 500


def _indexed_ids(text):
    """Ids of the best tickets the index finds for the text (ids only: no snippets to build)."""
    results = search.search(text, kinds=("ticket",), audiences=("internal",), per_page=INDEX_HITS_MAX,
                            snippets=False)
    return [hit.id for hit in results.hits]


def _indexed_matches(text):
    """SQL criterion on Ticket: ids the search index finds for the text (false() for a reference)."""
    if len(text.strip()) < INDEX_MIN_LENGTH or REFERENCE.match(text):
        return false()
    try:
        ids = _indexed_ids(text)
    except Exception:  # a broken index must not break the list: the LIKE criterion still answers
        current_app.logger.exception("Ticket search through the index failed for %r", text)
        return false()
    return Ticket.id.in_(ids) if ids else false()


# «Т-000123», «т123», «M-45» (Latin look-alikes too) or a bare number.
REFERENCE = re.compile(r"^\s*([ТтTtМмMm])?\s*-?\s*(\d{1,9})\s*$")
PREFIX_QUEUES = {"т": c.TECHNICAL, "t": c.TECHNICAL, "м": c.METHODOLOGICAL, "m": c.METHODOLOGICAL}


def _reference_criterion(text):
    """SQL criterion on Ticket for a typed reference, or false() when the text is not one."""
    match = REFERENCE.match(text)
    if match is None:
        return false()
    number = Ticket.number == int(match.group(2))
    prefix = (match.group(1) or "").lower()
    if not prefix:
        return number
    queue = select(TicketQueue.id).where(TicketQueue.key == PREFIX_QUEUES[prefix])
    return and_(number, Ticket.queue_id.in_(queue))


def overdue_criterion(now):
    """SQL criterion on Ticket: open, and past the first-response or the resolution deadline."""
    late_answer = and_(Ticket.first_responded_at.is_(None), Ticket.first_response_due_at < now)
    return and_(Ticket.status.in_(c.OPEN_STATUSES), or_(late_answer, Ticket.resolution_due_at < now))


def criteria(actor, filters, now):
    """SQL criteria on Ticket: what the actor may see, narrowed by the filters."""
    terms = [permissions.ticket_scope(actor)]
    if filters.queue:
        terms.append(Ticket.queue_id.in_(select(TicketQueue.id).where(TicketQueue.key == filters.queue)))
    if filters.status == OPEN:
        terms.append(Ticket.status.in_(c.OPEN_STATUSES))
    elif filters.status in c.STATUSES:
        terms.append(Ticket.status == filters.status)
    if filters.statuses:
        terms.append(Ticket.status.in_(filters.statuses))
    if filters.priorities:
        terms.append(Ticket.priority.in_(filters.priorities))
    if filters.category:
        terms.append(Ticket.category_id == filters.category)
    if filters.municipality:
        area = select(Organization.id).where(or_(Organization.id == filters.municipality,
                                                 Organization.parent_id == filters.municipality))
        terms.append(Ticket.organization_id.in_(area))
    if filters.assignee == NOBODY:
        terms.append(Ticket.assignee_id.is_(None))
    elif filters.assignee:
        terms.append(Ticket.assignee_id == (actor.id if filters.assignee == ME else int(filters.assignee)))
    if filters.overdue:
        terms.append(overdue_criterion(now))
    if filters.q:
        terms.append(text_search(actor, filters.q))
    return terms


# --- SLA ----------------------------------------------------------------------------------


@dataclass
class Deadline:
    """One pending SLA deadline of an open ticket."""

    kind: str
    due_at: datetime
    left: timedelta

    @property
    def overdue(self):
        """Whether the deadline has passed."""
        return self.left <= timedelta(0)

    @property
    def label(self):
        """Translated name of the deadline."""
        return DEADLINE_LABELS[self.kind]


def deadlines(ticket, now=None):
    """The pending deadlines of an open ticket (none for a resolved or closed one)."""
    return pending_deadlines(ticket.status, ticket.first_responded_at, ticket.first_response_due_at,
                             ticket.resolution_due_at, now or utcnow())


def pending_deadlines(status, first_responded_at, first, resolution, now):
    """The pending deadlines from a ticket's status and SLA columns (a list row has no Ticket object)."""
    if status not in c.OPEN_STATUSES:
        return []
    pending = []
    if first_responded_at is None and first is not None:
        pending.append(Deadline(FIRST_RESPONSE, first, first - now))
    if resolution is not None:
        pending.append(Deadline(RESOLUTION, resolution, resolution - now))
    return pending


def nearest(pending):
    """The deadline a list row shows: an overdue one first, else the nearest; None when there is none."""
    return min(pending, key=lambda d: (not d.overdue, d.due_at)) if pending else None


def sla_summary(ticket, now=None):
    """The deadline a list row shows for the ticket; None when closed."""
    return nearest(deadlines(ticket, now))


# --- the list -----------------------------------------------------------------------------


class IdPagination(Pagination):
    """A page of the tickets matching `criteria`, newest activity first, made by `load(ids)`, and a count.

    The page's ids come first, sorted within a covering index of Ticket; `load` reads only their rows
    (a statement built once, cheaper than joining a new subquery each time). On a last, partly filled
    page the count is known without a query.
    """

    def _query_items(self):
        ids = db.session.scalars(
            select(Ticket.id).where(*self._query_args["criteria"]).order_by(Ticket.updated_at.desc(),
                                                                            Ticket.id.desc())
            .limit(self.per_page).offset(self._query_offset)
        ).all()
        return self._query_args["load"](ids) if ids else []

    def _query_count(self):
        shown = len(self.items)
        if shown < self.per_page and (shown or self.page == 1):
            return self._query_offset + shown
        counted = select(func.count()).select_from(Ticket).where(*self._query_args["criteria"])
        return db.session.scalar(counted)


def in_order(ids, rows, key):
    """The rows in the order of the ids (a row whose id is missing is skipped)."""
    found = {key(row): row for row in rows}
    return [found[i] for i in ids if i in found]


def _tickets_by_id(ids):
    """The tickets with these ids, in this order, with what a summary shows."""
    tickets = db.session.scalars(
        select(Ticket).where(Ticket.id.in_(ids))
        .options(selectinload(Ticket.requester), selectinload(Ticket.assignee),
                 selectinload(Ticket.organization))
    ).all()
    return in_order(ids, tickets, lambda ticket: ticket.id)


def find_tickets(actor, filters, page=1, per_page=PAGE_SIZE):
    """(page of the visible tickets matching ready-made TicketFilters, whether the actor sees SLA)."""
    if not permissions.can_file_ticket(actor):
        raise PermissionDenied()
    found = IdPagination(page=page, per_page=per_page, error_out=False,
                         criteria=criteria(actor, filters, utcnow()), load=_tickets_by_id)
    return found, permissions.can_view_sla(actor)


# --- the ticket page ----------------------------------------------------------------------


@dataclass
class HistoryRow:
    """One change as shown: translated field name and values (datetimes for the *_at fields)."""

    at: datetime
    actor: object
    label: str
    old: object
    new: object
    note: str

    @property
    def is_time(self):
        """Whether the values are moments, to be shown in Moscow time."""
        return isinstance(self.old, datetime) or isinstance(self.new, datetime)


def _shown_value(name, value):
    if not value:
        return None
    if name.endswith("_at"):
        try:
            return datetime.fromisoformat(value)  # stored as UTC text by the services
        except ValueError:
            return value
    return VALUE_LABELS.get(name, {}).get(value, value)


def _history(ticket, show_notes):
    return [
        HistoryRow(change.created_at, change.actor, FIELD_LABELS.get(change.field, change.field),
                   _shown_value(change.field, change.old_value), _shown_value(change.field, change.new_value),
                   change.note if show_notes else "")
        for change in ticket.changes
    ]


@dataclass
class TicketPage:
    """Everything the ticket page shows, and which forms the actor gets."""

    ticket: Ticket
    messages: list
    files: dict
    history: list
    deadlines: list
    can_reply: bool
    can_work: bool
    can_rate: bool
    can_view_internal: bool
    show_sla: bool
    next_statuses: tuple


def ticket_page(actor, ticket_id):
    """The ticket with its visible conversation, files and history; NotFound if not visible."""
    ticket = services.get_ticket(actor, ticket_id)
    messages = services.visible_messages(actor, ticket)
    shown = {None} | {message.id for message in messages}
    files = {}
    for attachment in ticket.attachments:
        if attachment.message_id in shown:
            files.setdefault(attachment.message_id, []).append(attachment)
    internal = permissions.can_view_internal_notes(actor, ticket)
    can_work = permissions.can_work_ticket(actor, ticket)
    return TicketPage(
        ticket=ticket, messages=messages, files=files, history=_history(ticket, internal),
        deadlines=deadlines(ticket), can_reply=permissions.can_reply_ticket(actor, ticket), can_work=can_work,
        can_rate=permissions.can_rate_ticket(actor, ticket), can_view_internal=internal,
        show_sla=permissions.can_view_sla(actor),
        next_statuses=c.ALLOWED_TRANSITIONS.get(ticket.status, ()) if can_work else (),
    )


def attachment_for_download(actor, ticket_id, attachment_id):
    """The attachment and its file, if the actor may read it; NotFound for everyone else."""
    ticket = services.get_ticket(actor, ticket_id)
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.ticket_id != ticket.id:
        raise NotFound()
    if attachment.message is not None and attachment.message.is_internal and \
            not permissions.can_view_internal_notes(actor, ticket):
        raise NotFound()
    path = attachments.path_of(attachment)
    if not path.is_file():
        raise NotFound()
    return attachment, path


def filing_categories():
    """Active categories of both hotlines, in the order the new-ticket form lists them."""
    return db.session.scalars(
        select(Category).join(Category.queue).options(joinedload(Category.queue))
        .where(Category.is_active.is_(True)).order_by(TicketQueue.key.desc(), Category.position)
    ).all()

