"""Search tables: the queue of changes not yet in the whoosh index, and the PostgreSQL backend's rows.

On PostgreSQL the migration also adds `search_documents.tsv` (a generated tsvector of the term
columns, weighted A–D) and its GIN index; they are not in the SQLAlchemy metadata (see
POSTGRES_ONLY_OBJECTS), and the ORM never writes them.
"""

from datetime import datetime

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutil import utcnow

# Database objects the migration creates on PostgreSQL only (not in the metadata).
POSTGRES_ONLY_OBJECTS = {("search_documents", "tsv"), ("search_documents", "ix_search_documents_tsv")}

CHANGE = "change"
REMOVE = "remove"


class SearchPending(db.Model):
    """A change of a document, written to the whoosh index after the commit (and retried until it is)."""

    __tablename__ = "search_pending"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    object_id: Mapped[int]
    action: Mapped[str] = mapped_column(String(10), default=CHANGE)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")

    def __repr__(self):
        return f"<SearchPending {self.kind}:{self.object_id} {self.action} attempts={self.attempts}>"


class IndexedDocument(db.Model):
    """PostgreSQL backend: one searchable document with its analyzed terms per weight class."""

    __tablename__ = "search_documents"
    # object_id first: an index led by kind (or on audience, category…) would tempt the planner away
    # from the GIN index, and these columns select little anyway.
    __table_args__ = (UniqueConstraint("object_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    object_id: Mapped[int]
    slug: Mapped[str] = mapped_column(String(200), default="")
    title: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(500), default="")
    body_text: Mapped[str] = mapped_column(Text, default="")
    audience: Mapped[str] = mapped_column(String(20))
    category_id: Mapped[int | None]
    scope_key: Mapped[str | None] = mapped_column(String(100))
    updated_at: Mapped[datetime | None]
    title_terms: Mapped[str] = mapped_column(Text, default="")  # weight A
    tags_terms: Mapped[str] = mapped_column(Text, default="")  # weight B
    summary_terms: Mapped[str] = mapped_column(Text, default="")  # weight C
    body_terms: Mapped[str] = mapped_column(Text, default="")  # weight D

    def __repr__(self):
        return f"<IndexedDocument {self.kind}:{self.object_id}>"


class SearchTerm(db.Model):
    """PostgreSQL backend: the vocabulary of indexed terms, for «did you mean»."""

    __tablename__ = "search_terms"

    id: Mapped[int] = mapped_column(primary_key=True)
    term: Mapped[str] = mapped_column(String(80), unique=True)

    def __repr__(self):
        return f"<SearchTerm {self.term!r}>"


def include_object(obj, name, type_, reflected, compare_to):
    """Alembic filter: skip the PostgreSQL-only objects, which the metadata does not describe."""
    table = getattr(getattr(obj, "table", None), "name", None)
    return (table, name) not in POSTGRES_ONLY_OBJECTS
