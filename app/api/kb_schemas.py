"""Models of the knowledge-base endpoints: search and a guide."""

from typing import Literal

from pydantic import BaseModel, Field

from app.api.schemas import PageInfo, PageQuery, UtcDatetime

Audience = Literal["public", "staff", "internal"]
ArticleStatus = Literal["draft", "review", "published", "archived"]
SEARCH_PAGE_MAX = 1000  # app.search answers pages up to this number


class KbSearchQuery(PageQuery):
    """A search of the guides you may read."""

    q: str = Field(min_length=1, max_length=200, description="Words to find; other word forms and typos "
                                                             "are found too.")
    category: str | None = Field(None, max_length=80,
                                 description="Only this category (slug) and its subcategories; an unknown "
                                             "one answers 404.")
    page: int = Field(1, ge=1, le=SEARCH_PAGE_MAX, description="Page number, from 1.")


class KbCategoryRef(BaseModel):
    """A guide category, briefly."""

    slug: str
    name: str


class KbHit(BaseModel):
    """A guide found."""

    slug: str
    title: str
    summary: str
    snippet: str = Field(description="HTML: the text escaped, the matched words in <mark>.")
    category: KbCategoryRef | None
    updated_at: UtcDatetime
    url: str = Field(description="The guide's page on the portal.")


class KbSearchResults(BaseModel):
    """A page of search results."""

    query: str = Field(description="The query as searched (spaces collapsed, at most 200 characters).")
    items: list[KbHit]
    page: PageInfo
    suggestion: str | None = Field(description="«Did you mean»: a corrected query, when there is one.")
    corrected: bool = Field(description="Whether the items are for the suggestion (the query found nothing).")


class KbArticle(BaseModel):
    """A guide."""

    slug: str
    title: str
    summary: str
    status: ArticleStatus = Field(description="Readers see published guides; authors also the others.")
    category: KbCategoryRef | None
    tags: list[str]
    audience: Audience = Field(description="public: everyone; staff: signed-in users; internal: operators "
                                           "and methodologists.")
    body_markdown: str
    body_html: str = Field(description="The body rendered from Markdown and sanitized.")
    updated_at: UtcDatetime
    url: str = Field(description="The guide's page on the portal.")
