"""The ticket list page: a page of plain rows with their text ready, an exact count, the filters' choices.

The list reads columns, not Ticket objects: one statement for the page's ids (sorted within a covering
index), one built once for their rows with the names joined in, one for the count (queries.IdPagination).
Labels, dates and SLA texts are made once per row in Python, with the request's locale and time zone
looked up once, as the templates' filters would make them.
"""

from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby
from operator import itemgetter
from typing import NamedTuple

from flask_babel import get_locale, get_timezone, gettext
from sqlalchemy import bindparam, case, select
from sqlalchemy.orm import aliased

from app import formatting
from app.auth import permissions
from app.auth.models import User
from app.directory import kinds
from app.directory.models import Organization, Person
from app.errors import PermissionDenied
from app.extensions import db
from app.timeutil import utcnow
from tickets import constants as c
from tickets import queries
from tickets.models import Category, Ticket, TicketQueue


class Name(NamedTuple):
    """A person as a list row shows them: «Фамилия И. О.», with the full name as its title."""

    short: str
    full: str


class SlaCell(NamedTuple):
    """The SLA column of a row: overdue or the time left, and which deadline."""

    overdue: bool
    text: str
    label: str


class ListRow(NamedTuple):
    """One ticket of the list, every text ready to print."""

    id: int
    reference: str
    subject: str
    category: str | None
    status: str
    status_label: str
    priority_label: str
    requester: Name
    organization: str
    assignee: Name | None
    updated: str
    sla: SlaCell | None


@dataclass
class TicketListing:
    """A page of ticket rows, the filters applied and the choices the filter form offers."""

    page: object
    filters: queries.TicketFilters
    category_groups: list
    municipalities: list
    assignees: list
    show_sla: bool
    labels: dict


def list_tickets(actor, args, page=1, per_page=queries.PAGE_SIZE):
    """A page of the tickets the actor may see, newest activity first, filtered by `args`."""
    if not permissions.can_file_ticket(actor):
        raise PermissionDenied()
    filters, now = queries.parse_filters(actor, args), utcnow()
    categories = _categories()
    show_sla = permissions.can_view_sla(actor)
    rows = RowMaker(now, show_sla, {row.id: row.name for row in categories})
    result = queries.IdPagination(page=page, per_page=per_page, error_out=False,
                                  criteria=queries.criteria(actor, filters, now), load=rows.load)
    return TicketListing(result, filters, _grouped(categories), _municipalities(actor),
                         _assignees(actor) if show_sla else [], show_sla, rows.labels)


# --- rows ---------------------------------------------------------------------------------


def _person(person):
    return Name(Person.short_name.fget(person), Person.full_name.fget(person))


class _Parts(NamedTuple):
    last_name: str
    first_name: str
    middle_name: str


class RowMaker:
    """Reads the rows of a page and makes their texts, with the locale and time zone looked up once."""

    def __init__(self, now, show_sla, categories):
        self.now, self.show_sla, self.categories = now, show_sla, categories
        self.locale, self.timezone = get_locale(), get_timezone()
        self.labels = _labels(str(self.locale))

    def load(self, ids):
        """The display rows of these tickets, in this order."""
        rows = _read(ROWS, {"ids": ids})
        return [self.make(row) for row in queries.in_order(ids, rows, lambda row: row.id)]

    def make(self, row):
        """A display row from the columns of one ticket."""
        assignee = _Parts(row.a_last, row.a_first, row.a_middle) if row.assignee_id is not None else None
        return ListRow(
            id=row.id,
            reference=f"{c.QUEUE_PREFIXES.get(row.queue_key, '?')}-{row.number:06d}", subject=row.subject,
            category=self.categories.get(row.category_id), status=row.status,
            status_label=self.labels["status"].get(row.status, row.status),
            priority_label=self.labels["priority"].get(row.priority, row.priority),
            requester=_person(_Parts(row.r_last, row.r_first, row.r_middle)),
            organization=row.org_short or row.org_name, assignee=_person(assignee) if assignee else None,
            updated=self.datetime(row.updated_at), sla=self.sla(row) if self.show_sla else None,
        )

    def sla(self, row):
        """The SLA cell of a row, or None when nothing is pending."""
        deadline = queries.nearest(queries.pending_deadlines(
            row.status, row.first_responded_at, row.first_response_due_at, row.resolution_due_at, self.now))
        if deadline is None:
            return None
        label = self.labels["deadline"][deadline.kind]
        if deadline.overdue:
            return SlaCell(True, self.labels["overdue"], label)
        return SlaCell(False, self.labels["left"] % {"time": self.duration(deadline.left)}, label)

    def datetime(self, value):
        """As the `datetime` template filter."""
        return formatting.short_datetime(value, self.timezone, self.locale)

    def duration(self, delta):
        """As the `duration` template filter."""
        return formatting.duration(delta, self.locale)


@lru_cache(maxsize=8)
def _labels(locale):
    """The list's translated labels; the catalogs do not change while the application runs."""
    return {"status": {k: str(v) for k, v in c.STATUS_LABELS.items()},
            "priority": {k: str(v) for k, v in c.PRIORITY_LABELS.items()},
            "queue": {k: str(v) for k, v in c.QUEUE_LABELS.items()},
            "deadline": {k: str(v) for k, v in queries.DEADLINE_LABELS.items()},
            "overdue": gettext("overdue"), "left": gettext("%(time)s left")}


# The people and places a row names; aliases are made once (making them costs more than the query).
_REQUESTER, _ASSIGNEE = aliased(User), aliased(User)
_REQUESTER_PERSON, _ASSIGNEE_PERSON = aliased(Person), aliased(Person)
COLUMNS = (
    Ticket.id, Ticket.number, Ticket.subject, Ticket.category_id, Ticket.status, Ticket.priority,
    Ticket.updated_at, Ticket.first_responded_at, Ticket.first_response_due_at, Ticket.resolution_due_at,
    Ticket.assignee_id, TicketQueue.key.label("queue_key"), _REQUESTER_PERSON.last_name.label("r_last"),
    _REQUESTER_PERSON.first_name.label("r_first"), _REQUESTER_PERSON.middle_name.label("r_middle"),
    _ASSIGNEE_PERSON.last_name.label("a_last"), _ASSIGNEE_PERSON.first_name.label("a_first"),
    _ASSIGNEE_PERSON.middle_name.label("a_middle"), Organization.short_name.label("org_short"),
    Organization.name.label("org_name"),
)


# The columns a row shows, for the tickets of an expanding `ids` parameter (built once: building it
# per request cost more than running it).
ROWS = (
    select(*COLUMNS)
    .join(TicketQueue, TicketQueue.id == Ticket.queue_id)
    .join(_REQUESTER, _REQUESTER.id == Ticket.requester_id)
    .join(_REQUESTER_PERSON, _REQUESTER_PERSON.id == _REQUESTER.person_id)
    .outerjoin(_ASSIGNEE, _ASSIGNEE.id == Ticket.assignee_id)
    .outerjoin(_ASSIGNEE_PERSON, _ASSIGNEE_PERSON.id == _ASSIGNEE.person_id)
    .join(Organization, Organization.id == Ticket.organization_id)
    .where(Ticket.id.in_(bindparam("ids", expanding=True)))
)


def _read(statement, parameters=None):
    """The rows of a column statement, run on the session's connection: the session's ORM execution
    costs more than these small statements themselves."""
    return db.session.connection().execute(statement, parameters).all()


# --- the filters' choices -----------------------------------------------------------------


CATEGORIES = (
    select(Category.id, Category.name, TicketQueue.key.label("queue_key"))
    .join(TicketQueue, TicketQueue.id == Category.queue_id).order_by(Category.queue_id, Category.position)
)


def _categories():
    return _read(CATEGORIES)


def _grouped(categories):
    """[(queue key, its categories)], the technical hotline first (as `groupby` then `reverse` in Jinja)."""
    key = itemgetter(2)
    return [(queue, list(group)) for queue, group in groupby(sorted(categories, key=key), key)][::-1]


MUNICIPALITIES = (select(Organization.id, Organization.short_name, Organization.name)
                  .where(Organization.kind == kinds.MUNICIPALITY).order_by(Organization.name))


def _municipalities(actor):
    rows = db.session.execute(MUNICIPALITIES.where(permissions.organization_scope(actor)))
    return [(row.id, row.short_name or row.name) for row in rows]


# Enabled agents of the given roles whose hotline (by role) exists among the given keys.
AGENTS = (
    select(User.id, Person.last_name, Person.first_name, Person.middle_name)
    .join(Person, Person.id == User.person_id)
    .where(User.role.in_(bindparam("roles", expanding=True)),
           case(permissions.AGENT_QUEUES, value=User.role).in_(
               select(TicketQueue.key).where(TicketQueue.key.in_(bindparam("keys", expanding=True)))),
           User.is_enabled.is_(True))
)


def _assignees(actor):
    """The agents of the hotlines the actor works (every hotline for the region), by name."""
    keys = list(permissions.agent_queue_keys(actor) or c.QUEUES)
    agent_roles = [role for role, key in permissions.AGENT_QUEUES.items() if key in keys]
    rows = _read(AGENTS, {"roles": agent_roles, "keys": keys})
    return sorted(((row.id, Person.full_name.fget(row)) for row in rows), key=lambda p: (p[1], p[0]))
