"""Articles with revisions, a two-level category tree, tags, votes, files and links to tickets."""

from datetime import datetime

from sqlalchemy import JSON, Column, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.extensions import db
from app.timeutil import utcnow
from knowledge_base import constants as c

article_tags = Table(
    "article_tags",
    db.metadata,
    Column("article_id", ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_article_tags_tag_id_article_id", "tag_id", "article_id"),  # guides sharing tags (related)
)


class ArticleCategory(db.Model):
    """A category; a top-level one may hold subcategories (two levels)."""

    __tablename__ = "article_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("article_categories.id"), index=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(default=0)

    parent: Mapped["ArticleCategory | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["ArticleCategory"]] = relationship(
        back_populates="parent", order_by="(ArticleCategory.position, ArticleCategory.name)"
    )

    def __repr__(self):
        return f"<ArticleCategory {self.slug}>"


class Tag(db.Model):
    """A free keyword attached to articles."""

    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)

    def __repr__(self):
        return f"<Tag {self.name!r}>"


class Article(db.Model):
    """A guide; its text is the latest revision, copied here for reading and search."""

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    category_id: Mapped[int | None] = mapped_column(ForeignKey("article_categories.id", ondelete="SET NULL"))
    audience: Mapped[str] = mapped_column(String(10), default=c.STAFF)
    status: Mapped[str] = mapped_column(String(10), default=c.DRAFT, index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    published_at: Mapped[datetime | None]
    view_count: Mapped[int] = mapped_column(default=0)
    helpful_count: Mapped[int] = mapped_column(default=0)
    unhelpful_count: Mapped[int] = mapped_column(default=0)
    revision_count: Mapped[int] = mapped_column(default=0)

    category: Mapped[ArticleCategory | None] = relationship(lazy="joined")
    author: Mapped[User | None] = relationship()
    tags: Mapped[list[Tag]] = relationship(secondary=article_tags, order_by="Tag.name")
    revisions: Mapped[list["ArticleRevision"]] = relationship(
        back_populates="article", order_by="ArticleRevision.number", cascade="all, delete-orphan"
    )
    files: Mapped[list["ArticleFile"]] = relationship(
        back_populates="article", order_by="ArticleFile.id", cascade="all, delete-orphan"
    )

    @property
    def status_label(self):
        """Translated workflow status."""
        return c.STATUS_LABELS.get(self.status, self.status)

    @property
    def is_published(self):
        """Whether readers (within the audience) can see the article."""
        return self.status == c.PUBLISHED

    def __repr__(self):
        return f"<Article {self.id} {self.slug!r} {self.status}>"


# A category's most read guides first (related guides), without sorting the category's rows.
Index("ix_articles_category_id_view_count", Article.category_id, Article.view_count.desc(), Article.id)


class ArticleRevision(db.Model):
    """Every save of an article: its full text, who saved it, when and why."""

    __tablename__ = "article_revisions"
    __table_args__ = (UniqueConstraint("article_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    category_id: Mapped[int | None] = mapped_column(ForeignKey("article_categories.id", ondelete="SET NULL"))
    tags: Mapped[list] = mapped_column(JSON, default=list)
    audience: Mapped[str] = mapped_column(String(10))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    comment: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    article: Mapped[Article] = relationship(back_populates="revisions")
    author: Mapped[User | None] = relationship(lazy="joined")

    def __repr__(self):
        return f"<ArticleRevision {self.article_id}#{self.number}>"


class ArticleVote(db.Model):
    """«Was this helpful?»: one vote per reader (user, or anonymous visitor key) and article."""

    __tablename__ = "article_votes"
    __table_args__ = (UniqueConstraint("article_id", "voter_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    voter_key: Mapped[str] = mapped_column(String(64))
    is_helpful: Mapped[bool]
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self):
        return f"<ArticleVote {self.article_id} helpful={self.is_helpful}>"


class ArticleFile(db.Model):
    """An image or attachment of an article, stored under a generated name."""

    __tablename__ = "article_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    is_image: Mapped[bool] = mapped_column(default=False)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    article: Mapped[Article] = relationship(back_populates="files")

    def __repr__(self):
        return f"<ArticleFile {self.id} {self.filename!r}>"


# Why a ticket and an article are connected.
SEEN = "seen"  # shown to the requester while filing
LINKED = "linked"  # filed from the article («Ask the hotline») or linked by an agent
DRAFTED = "drafted"  # the article's draft was made from the ticket's answer


class TicketArticle(db.Model):
    """A link between a hotline ticket and a guide."""

    __tablename__ = "ticket_articles"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    relation: Mapped[str] = mapped_column(String(10), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    article: Mapped[Article] = relationship(lazy="joined")

    def __repr__(self):
        return f"<TicketArticle {self.ticket_id}→{self.article_id} {self.relation}>"
