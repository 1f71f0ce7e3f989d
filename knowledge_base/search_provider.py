"""The "article" search provider: published guides as documents for app.search.

Only published guides are indexed; a draft or archived guide loads as missing, so the index drops it.
Who may read what is decided at query time by the audience stored with each document.
"""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.search import services as search
from app.search.documents import SearchDocument
from knowledge_base import constants as c
from knowledge_base.models import Article

KIND = "article"


def document(article):
    """The search document of a guide."""
    return SearchDocument(
        kind=KIND, id=article.id, slug=article.slug, title=article.title, summary=article.summary or "",
        body=article.body or "", tags=[tag.name for tag in article.tags], category_id=article.category_id,
        audience=article.audience, url=f"/kb/{article.slug}", updated_at=article.updated_at,
    )


def load(ids):
    """Documents of the published guides among ids."""
    query = (select(Article).options(selectinload(Article.tags))
             .where(Article.id.in_(list(ids)), Article.status == c.PUBLISHED))
    return [document(article) for article in db.session.scalars(query)]


def all_ids():
    """Every published guide, for `opora search reindex`."""
    query = select(Article.id).where(Article.status == c.PUBLISHED).order_by(Article.id)
    return db.session.scalars(query).all()


def register():
    """Make the guides searchable (called when the knowledge base blueprint is imported)."""
    search.register_provider(KIND, load, all_ids)
