"""Models of the organization, rollout milestone and quarterly report endpoints."""

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from app.api.schemas import ID_MAX, PageInfo, PageQuery, Query, UtcDatetime

OrganizationKind = Literal["region", "municipality", "school", "institute", "computer_center"]
MilestoneKey = Literal["appointed", "activated", "info_space", "daily_entry"]
ReportStatus = Literal["not_started", "draft", "submitted", "accepted", "returned"]




# --- organizations and milestones ----------------------------------------------------------------


class OrganizationQuery(PageQuery):
    """Filters of the organization list."""

    kind: OrganizationKind | None = Field(None, description="Only organizations of this kind.")
    municipality: int | None = Field(None, ge=1, le=ID_MAX,
                                     description="Only this municipality (id) and its schools.")
    q: str = Field("", max_length=200, description="Text in the name, short name or code.")


class Milestone(BaseModel):
    """One milestone of the plan (items 2.1–2.4) for one organization, as of today."""

    key: MilestoneKey
    label: str = Field(description="The milestone's name in the user's language.")
    plan_item: str = Field(description="The item of the plan it carries out, e.g. «2.2».")
    deadline: date | None = Field(description="The plan's deadline.")
    done_on: date | None = Field(description="When it was done; null while it is not.")
    state: Literal["done", "due", "overdue"]
    is_late: bool = Field(description="Done after the deadline.")


class Organization(BaseModel):
    """An organization of the region's directory."""

    id: int
    code: str
    name: str
    short_name: str
    kind: OrganizationKind
    parent_id: int | None
    address: str
    phone: str
    email: str
    milestones: list[Milestone] | None = Field(
        description="Rollout milestones of a school or municipal office; null when not available to you.")


class OrganizationList(BaseModel):
    """A page of organizations."""

    items: list[Organization]
    page: PageInfo


class Responsible(BaseModel):
    """A person appointed responsible for the rollout by an order (plan item 2.1), in force today."""

    name: str
    position: str
    order_number: str
    order_date: date
    starts_on: date
    ends_on: date | None


class OrganizationDetail(Organization):
    """An organization with its responsible persons in force."""

    responsibles: list[Responsible] | None = Field(
        description="Responsible persons in force; null when you may not view the staff or the kind has "
                    "none.")


# --- quarterly reports ---------------------------------------------------------------------------


class QuarterQuery(Query):
    """Which quarter; both omitted: the quarter reports are being written for now."""

    year: int | None = Field(None, ge=1, le=9999, description="Year, four digits.")
    quarter: int | None = Field(None, ge=1, le=4, description="Quarter, 1–4.")


class SchoolCounts(BaseModel):
    """Schools of the municipality and how many have done each milestone."""

    total: int
    appointed: int
    activated: int
    info_space: int
    daily_entry: int


class SeminarCounts(BaseModel):
    """Seminar registrations of the quarter and their attendance."""

    registered: int
    attended: int
    partial: int
    no_show: int


class HotlineCounts(BaseModel):
    """Hotline tickets created in the quarter."""

    by_queue: dict[str, int] = Field(description="Tickets by queue key.")
    total: int
    open: int
    resolved: int
    median_resolution_hours: float | None
    rating_count: int
    rating_average: float | None


class KeyFigures(BaseModel):
    """The figures of a municipality's report."""

    start: date = Field(description="First day of the quarter.")
    end: date = Field(description="Last day of the quarter.")
    as_of: date = Field(description="The day the figures describe.")
    office_appointed_on: date | None
    schools: SchoolCounts
    staff: int = Field(description="School staff with accounts.")
    trained: int = Field(description="Of them, those who finished a course.")
    trained_share: float | None = Field(description="Per cent trained.")
    seminars: SeminarCounts
    hotline: HotlineCounts


class SchoolFigures(BaseModel):
    """One school's line of a report."""

    id: int
    code: str
    name: str
    appointed_on: date | None
    activated_on: date | None
    info_space_on: date | None
    daily_entry_on: date | None
    staff: int
    trained: int


class ReportFigures(KeyFigures):
    """The figures of a report with a line per school."""

    school_rows: list[SchoolFigures]


class MunicipalityRef(BaseModel):
    """A municipality, briefly."""

    id: int
    name: str


class QuarterlyItem(BaseModel):
    """One municipality's report of the quarter."""

    municipality: MunicipalityRef
    status: ReportStatus
    submitted_at: UtcDatetime | None
    is_frozen: bool = Field(description="Figures frozen at submission (else computed now).")
    figures: KeyFigures


class QuarterlySummary(BaseModel):
    """The quarter's reports of the municipalities you may see."""

    year: int
    quarter: int
    label: str
    as_of: date
    reports: list[QuarterlyItem]


class QuarterlyReport(BaseModel):
    """A municipality's report for a quarter: status, figures and the three texts."""

    municipality: MunicipalityRef
    year: int
    quarter: int
    label: str
    due_on: date
    status: ReportStatus
    submitted_at: UtcDatetime | None
    reviewed_at: UtcDatetime | None
    review_comment: str
    is_frozen: bool
    as_of: date | None
    figures: ReportFigures
    problems: str
    measures: str
    proposals: str
