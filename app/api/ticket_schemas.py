"""Models of the hotline endpoints: list filters, tickets with their conversation, new tickets and changes."""

from typing import Literal

from pydantic import BaseModel, Field

from app.api.schemas import Body, Id, OrganizationRef, PageInfo, PageQuery, UserRef, UtcDatetime
from tickets import constants as c
from tickets.queries import ALL, TicketFilters

Queue = Literal["technical", "methodological"]
Status = Literal["new", "in_progress", "waiting", "resolved", "closed"]
StatusFilter = Literal["new", "in_progress", "waiting", "resolved", "closed", "open"]
Priority = Literal["low", "normal", "high", "urgent"]
# At least one character the services do not strip as white space (Python's, JavaScript's and Rust's).
TEXT_PATTERN = r"[^\s\x1c-\x1f\x85\ufeff]"
TEXT_MAX = 20000
NOTE_MAX = 2000




class TicketListQuery(PageQuery):
    """Filters of the ticket list; repeated parameters (status, priority) match any of their values."""

    status: list[StatusFilter] = Field(
        default_factory=list, description="Statuses to list; «open» means new, in_progress and waiting. "
                                          "None given: every status.")
    priority: list[Priority] = Field(default_factory=list, description="Priorities to list.")
    queue: Queue | None = Field(None, description="Only this hotline.")
    category: Id | None = Field(None, description="Only this category (id).")
    municipality: Id | None = Field(None, description="Only tickets from this municipality and its schools.")
    assignee: str | None = Field(None, pattern=r"^(me|none|[1-9][0-9]{0,8})$",
                                 description="«me», «none» (unassigned) or a user id.")
    overdue: bool = Field(False, description="Only open tickets past an SLA deadline.")
    q: str = Field("", max_length=200, description="Text in the subject, the description or a reply; "
                                                   "or a reference such as Т-000123.")

    def filters(self):
        """The filters as the hotline's queries take them."""
        statuses = set()
        for status in self.status:
            statuses |= set(c.OPEN_STATUSES) if status == "open" else {status}
        return TicketFilters(queue=self.queue or "", status=ALL, statuses=tuple(sorted(statuses)),
                             priorities=tuple(self.priority), category=self.category,
                             municipality=self.municipality, assignee=self.assignee or "",
                             overdue=self.overdue, q=self.q.strip())


class NewTicket(BaseModel):
    """A new ticket (multipart/form-data; attach files in the repeated «files» part)."""

    queue: Queue = Field(description="technical: access, passwords, the platform; "
                                     "methodological: how to keep the journal and the diary.")
    category_id: Id | None = Field(None, description="A category of that hotline (optional).")
    priority: Priority = Field("normal", description="«urgent» is for the hotline's agents only.")
    subject: str = Field(max_length=200, pattern=TEXT_PATTERN, description="The problem in a few words.")
    body: str = Field(max_length=TEXT_MAX, pattern=TEXT_PATTERN, description="The description (Markdown).")


class NewMessage(BaseModel):
    """A reply, or an agent's internal note (multipart/form-data with optional «files»)."""

    body: str = Field(max_length=TEXT_MAX, pattern=TEXT_PATTERN, description="The text (Markdown).")
    internal: bool = Field(False, description="An internal note, hidden from the requester (agents only).")
    version: Id | None = Field(None, description="The ticket's version you saw: a newer one answers 409.")


class StatusChange(Body):
    """Move the ticket to another status (the hotline's agents)."""

    status: Status
    version: Id | None = Field(None, description="The ticket's version you saw: a newer one answers 409.")
    note: str = Field("", max_length=NOTE_MAX, description="A note for the ticket's history.")


class CategoryRef(BaseModel):
    """A ticket category, briefly."""

    id: int
    slug: str
    name: str


class AttachmentOut(BaseModel):
    """A file attached to a ticket or a message."""

    id: int
    filename: str
    size: int = Field(description="Bytes.")
    content_type: str


class MessageOut(BaseModel):
    """A reply or an internal note."""

    id: int
    author: UserRef
    body: str
    is_internal: bool
    created_at: UtcDatetime
    attachments: list[AttachmentOut]


class TicketSummary(BaseModel):
    """A ticket as the list shows it."""

    id: int
    reference: str = Field(description="The number people use, e.g. Т-000123.")
    queue: Queue
    category: CategoryRef | None
    status: Status
    priority: Priority
    subject: str
    requester: UserRef
    organization: OrganizationRef
    assignee: UserRef | None
    created_at: UtcDatetime
    updated_at: UtcDatetime
    first_response_due_at: UtcDatetime | None = Field(
        description="SLA deadline of the first answer; null unless you may see deadlines.")
    resolution_due_at: UtcDatetime | None = Field(
        description="SLA deadline of the resolution; null unless you may see deadlines.")
    version: int = Field(description="Changes with every change of the ticket; send it back to detect "
                                     "concurrent changes.")


class TicketList(BaseModel):
    """A page of tickets."""

    items: list[TicketSummary]
    page: PageInfo


class TicketDetail(TicketSummary):
    """A ticket with its text, files and the conversation you may see."""

    body: str
    attachments: list[AttachmentOut] = Field(description="Files attached when the ticket was filed.")
    messages: list[MessageOut] = Field(description="Replies; internal notes only for agents and the region.")
    can_reply: bool
    next_statuses: list[Status] = Field(description="Statuses you may move the ticket to now.")
