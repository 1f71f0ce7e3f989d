"""Values that cross the search API: documents in, hits and results out."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from app.search.analyzer import index_terms
from app.search.snippets import plain_text

MAX_STORED_TEXT = 100_000  # characters of a body kept for snippets


@dataclass
class SearchDocument:
    """What a provider tells the index about one object (an article, a ticket…).

    audience: public / staff / internal for articles (tickets use e.g. "internal");
    scope_key: a free filter value a provider may use (e.g. a ticket's organization id);
    body: Markdown or plain text.
    """

    kind: str
    id: int
    slug: str
    title: str
    summary: str = ""
    body: str = ""
    tags: list[str] = field(default_factory=list)
    category_id: int | None = None
    audience: str = "public"
    scope_key: str | None = None
    url: str = ""
    updated_at: datetime | None = None


@dataclass
class Hit:
    """One found document; snippet_html is safe HTML (escaped text, matches in <mark>)."""

    kind: str
    id: int
    slug: str
    title: str
    url: str
    score: float
    snippet_html: str
    summary: str


@dataclass
class SearchResults:
    """A page of hits; suggestion is a corrected query, corrected says the hits are for it."""

    hits: list[Hit]
    total: int
    page: int
    per_page: int
    suggestion: str | None = None
    corrected: bool = False

    @property
    def pages(self):
        """Number of pages."""
        return max(1, -(-self.total // self.per_page))


@dataclass(frozen=True)
class Filters:
    """Restrictions applied inside the query; None means «no restriction», an empty tuple «nothing»."""

    kinds: tuple
    audiences: tuple
    category_ids: tuple | None = None
    scope_keys: tuple | None = None

    def empty(self):
        """Whether no document can pass."""
        return not self.kinds or not self.audiences or self.category_ids == () or self.scope_keys == ()


@dataclass
class RawHit:
    """A hit as a backend returns it, before the snippet is made."""

    kind: str
    id: int
    slug: str
    title: str
    url: str
    summary: str
    text: str
    score: float


@dataclass
class AnalyzedDocument:
    """A document ready for a backend: stored values and the analyzed terms of each field."""

    doc: SearchDocument
    text: str
    title_terms: list[str]
    tags_terms: list[str]
    summary_terms: list[str]
    body_terms: list[str]

    @property
    def key(self):
        """The document's unique key in the index."""
        return f"{self.doc.kind}:{self.doc.id}"

    def counts(self):
        """Term frequencies per field (title, tags, summary, body)."""
        return tuple(Counter(terms) for terms in
                     (self.title_terms, self.tags_terms, self.summary_terms, self.body_terms))


def analyze_document(doc):
    """Run the analyzer over a document's fields."""
    text = plain_text(doc.body)
    return AnalyzedDocument(
        doc=doc,
        text=text[:MAX_STORED_TEXT],
        title_terms=index_terms(doc.title),
        tags_terms=index_terms(" , ".join(doc.tags or ())),
        summary_terms=index_terms(doc.summary),
        body_terms=index_terms(text),
    )
