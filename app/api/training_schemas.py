"""Models of the training progress endpoint."""

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from app.api.schemas import ID_MAX, OrganizationRef, PageInfo, PageQuery, UtcDatetime

ProgressStatus = Literal["not_started", "in_progress", "completed"]


class ProgressQuery(PageQuery):
    """Filters of the progress list."""

    course: str = Field("", max_length=80, description="Only this course (its slug).")
    municipality: int | None = Field(None, ge=1, le=ID_MAX,
                                     description="Only people of this municipality (id) and its schools.")
    status: ProgressStatus | None = Field(None, description="Only enrolments in this state.")


class CourseRef(BaseModel):
    """A course, briefly."""

    slug: str
    title: str


class Enrollment(BaseModel):
    """One person's progress in one course."""

    id: int
    user_id: int
    person: str = Field(description="The learner's full name.")
    organization: OrganizationRef | None
    course: CourseRef
    status: ProgressStatus
    completed_modules: int
    modules_total: int
    score: int | None = Field(description="Mean of the best quiz results, per cent.")
    due_on: date | None = Field(description="Due date of an assignment.")
    started_at: UtcDatetime | None
    completed_at: UtcDatetime | None
    certificate: str | None = Field(description="Number of the valid certificate, if one was issued.")


class EnrollmentList(BaseModel):
    """A page of enrolments."""

    items: list[Enrollment]
    page: PageInfo
