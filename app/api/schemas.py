"""Models shared by several endpoints: pages of results, small references, ids and UTC times."""

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from app.api import constants as c

ID_MAX = 2**31 - 1  # the id columns' type (PostgreSQL integer)
Id = Annotated[int, Field(ge=1, le=ID_MAX)]


def _as_utc(moment):
    """A stored naive UTC datetime as an aware one, so that JSON carries the offset (RFC 3339)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


UtcDatetime = Annotated[datetime, AfterValidator(_as_utc)]


class Query(BaseModel):
    """Base of query-string models: unknown parameters are ignored, values come as text."""

    model_config = ConfigDict(extra="ignore")


class Body(BaseModel):
    """Base of JSON bodies: an unknown field is an error, so a typo is not silently dropped."""

    model_config = ConfigDict(extra="forbid")


class PageQuery(Query):
    """Pagination of a list."""

    page: int = Field(1, ge=1, le=100_000, description="Page number, from 1.")
    per_page: int = Field(c.PAGE_SIZE_DEFAULT, ge=1, le=c.PAGE_SIZE_MAX, description="Items per page.")


class PageInfo(BaseModel):
    """Where a page stands in the list."""

    page: int
    per_page: int
    total: int
    pages: int


class OrganizationRef(BaseModel):
    """An organization, briefly."""

    id: int
    code: str
    name: str
    kind: str


class UserRef(BaseModel):
    """A person with an account, briefly."""

    id: int
    name: str


def page_info(pagination):
    """PageInfo of a Flask-SQLAlchemy page (or app.pagination.ListPage)."""
    return PageInfo(page=pagination.page, per_page=pagination.per_page, total=pagination.total or 0,
                    pages=pagination.pages)
