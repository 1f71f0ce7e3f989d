"""Reading guides: the home page, category pages, an article with related guides, votes, views, search.

Readers see published guides within their audiences (permissions.article_scope); drafts appear
only on the authors' pages.
"""

import functools
import hashlib
from dataclasses import dataclass, field
from typing import NamedTuple

from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import bindparam, func, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from app.auth import permissions
from app.errors import NotFound, PermissionDenied, ValidationFailed
from app.extensions import db
from app.markup import render_markdown
from app.search import services as search
from knowledge_base import categories as tree
from knowledge_base import constants as c
from knowledge_base import services
from knowledge_base.models import Article, ArticleCategory, ArticleFile, ArticleVote
from knowledge_base.related import related_articles, tag_names

LIST_LIMIT = 5
PER_PAGE = 20
VOTE_COMMENT_MAX = 2000
QUERY_MAX = 200


def readable(actor):
    """SQL criterion: published guides the actor may read."""
    return (Article.status == c.PUBLISHED) & permissions.article_scope(actor)


# --- home and categories ------------------------------------------------------------------


@dataclass
class CategoryCount:
    """A category and how many guides the reader may read in it (with its subcategories)."""

    category: ArticleCategory
    count: int
    children: list = field(default_factory=list)


@dataclass
class HomePage:
    """The knowledge base home page."""

    categories: list
    popular: list
    recent: list
    can_author: bool = False


def _counts_by_category(actor):
    query = select(Article.category_id, func.count()).where(readable(actor)).group_by(Article.category_id)
    return dict(db.session.execute(query).all())


def category_counts(actor):
    """[CategoryCount] of the top-level categories, each with its subcategories' counts."""
    counts = _counts_by_category(actor)
    result = []
    for top in tree.category_tree():
        children = [CategoryCount(child, counts.get(child.id, 0)) for child in top.children]
        total = counts.get(top.id, 0) + sum(child.count for child in children)
        result.append(CategoryCount(top, total, children))
    return result


def popular_guides(actor, limit=LIST_LIMIT):
    """The most read guides the actor may read (for the portal's landing page)."""
    query = select(Article).where(readable(actor)).order_by(Article.view_count.desc(), Article.id)
    return db.session.scalars(query.limit(limit)).all()


def home(actor):
    """Categories with counts, the most read and the recently updated guides."""
    recent = select(Article).where(readable(actor)).order_by(Article.updated_at.desc(), Article.id.desc())
    return HomePage(
        categories=category_counts(actor),
        popular=popular_guides(actor),
        recent=db.session.scalars(recent.limit(LIST_LIMIT)).all(),
        can_author=permissions.can_author_articles(actor),
    )


@dataclass
class CategoryPage:
    """A category: its guides (paginated) and subcategories with counts."""

    category: ArticleCategory
    articles: object
    children: list


def category_page(actor, slug, page):
    """A category's readable guides, its own and its subcategories', newest first."""
    category = db.session.scalar(select(ArticleCategory).where(ArticleCategory.slug == str(slug)))
    if category is None:
        raise NotFound()
    ids = [category.id, *(child.id for child in category.children)]
    query = (select(Article).where(readable(actor), Article.category_id.in_(ids))
             .order_by(Article.updated_at.desc(), Article.id.desc()))
    counts = _counts_by_category(actor)
    children = [CategoryCount(child, counts.get(child.id, 0)) for child in category.children]
    return CategoryPage(category, db.paginate(query, page=page, per_page=PER_PAGE, error_out=False), children)


# --- an article ---------------------------------------------------------------------------


@dataclass
class ArticlePage:
    """An article as its reader sees it."""

    article: Article
    body_html: str
    tags: list
    related: list
    images: list
    attachments: list
    vote: object  # the reader's ShownVote, or None
    next_statuses: list
    can_edit: bool
    can_author: bool
    counted: bool = False


def voter_key(actor, visitor_secret):
    """Who votes: a user by id; a guest by a hash of the random key kept in their session."""
    if permissions.is_signed_in(actor):
        return f"user-{actor.id}"
    if not visitor_secret:
        return None
    return hashlib.sha256(f"guest:{visitor_secret}".encode()).hexdigest()


def _existing_vote(article, key):
    if key is None:
        return None
    return db.session.scalar(select(ArticleVote).where(ArticleVote.article_id == article.id,
                                                       ArticleVote.voter_key == key))


def _files(article):
    """(images, attachments) of the article as plain rows: what the page shows of them."""
    query = (select(ArticleFile.id, ArticleFile.filename, ArticleFile.size, ArticleFile.is_image)
             .where(ArticleFile.article_id == article.id).order_by(ArticleFile.id))
    rows = db.session.execute(query).all()
    return [row for row in rows if row.is_image], [row for row in rows if not row.is_image]


class ShownVote(NamedTuple):
    """The reader's earlier answer, as the article page shows it."""

    id: int
    is_helpful: bool
    comment: str


@functools.cache
def _article_with_vote():
    # Built once: every article page runs it, and building a statement costs more than running it.
    on_vote = (ArticleVote.article_id == Article.id) & (ArticleVote.voter_key == bindparam("voter_key"))
    return (select(Article, ArticleVote.id, ArticleVote.is_helpful, ArticleVote.comment)
            .outerjoin(ArticleVote, on_vote).where(Article.slug == bindparam("slug")))


def _article_and_vote(actor, slug, key):
    """The article if the actor may read it, and the reader's vote on it (or None): one statement."""
    # A reader without a key (a guest with no session yet) matches no vote: «voter_key = NULL» is false.
    row = db.session.execute(_article_with_vote(), {"slug": str(slug or ""), "voter_key": key}).first()
    article = services.readable_article(actor, row[0] if row else None)
    return article, (ShownVote(*row[1:]) if row[1] is not None else None)


def _count_view(article, already_viewed):
    """One more view, once per session; a single UPDATE so that readers never overwrite each other."""
    if not article.is_published or article.id in already_viewed:
        return False
    if db.engine.dialect.name == "postgresql":
        # A view count is not worth a WAL flush (4 ms here): after a server crash the last second of
        # views may be missing, nothing else. Waiting for the flush also holds the popular guide's row
        # locked, one reader after another.
        db.session.execute(text("SET LOCAL synchronous_commit TO OFF"))
    table = Article.__table__  # a plain UPDATE: the ORM's bulk-update machinery costs more than the write
    counted = (update(table).where(table.c.id == article.id).values(view_count=table.c.view_count + 1)
               .returning(table.c.view_count))
    views = db.session.execute(counted).scalar_one()
    _commit_keeping_loaded()
    set_committed_value(article, "view_count", views)
    return True


def _commit_keeping_loaded():
    """Commit without expiring what the request has loaded (the page, the signed-in user): no reloads."""
    session = db.session()
    expire = session.expire_on_commit
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire


@dataclass
class ArticleVisit:
    """What each request of an article page reads: the article, whether this view was counted, and the
    reader's vote (id, is_helpful, comment) or None."""

    article: Article
    counted: bool
    vote: object


def visit_article(actor, slug, already_viewed=(), visitor_secret=None):
    """The article and the reader's vote; counts the view if the article is new to the session."""
    article, shown_vote = _article_and_vote(actor, slug, voter_key(actor, visitor_secret))
    counted = _count_view(article, set(already_viewed or ()))
    return ArticleVisit(article, counted, shown_vote)


def article_page(actor, slug, already_viewed=(), visitor_secret=None):
    """The article, related guides, files, the reader's vote; counts the view if new to the session."""
    return visit_page(actor, visit_article(actor, slug, already_viewed, visitor_secret))


def visit_page(actor, visit):
    """The visited article with its related guides, files, the reader's vote and what the reader may do."""
    article = visit.article
    images, attachments = _files(article)
    return ArticlePage(
        article=article, body_html=render_markdown(article.body), tags=tag_names(article),
        related=related_articles(actor, article), images=images, attachments=attachments, vote=visit.vote,
        next_statuses=services.next_statuses(actor, article),
        can_edit=permissions.can_edit_article(actor, article),
        can_author=permissions.can_author_articles(actor), counted=visit.counted,
    )


def print_view(actor, slug):
    """The article for the print-friendly page (not counted as a view)."""
    return services.article_by_slug(actor, slug)


def _change_counts(article_id, helpful, delta):
    column = "helpful_count" if helpful else "unhelpful_count"
    db.session.execute(update(Article).where(Article.id == article_id)
                       .values({column: getattr(Article, column) + delta})
                       .execution_options(synchronize_session=False))


def vote(actor, slug, visitor_secret, is_helpful, comment=""):
    """«Was this helpful?»: one vote per reader and guide; voting again changes the vote."""
    article = services.article_by_slug(actor, slug)
    key = voter_key(actor, visitor_secret)
    if not article.is_published or key is None:
        raise PermissionDenied(_("Only published guides can be rated."))
    comment = str(comment or "").strip()
    if len(comment) > VOTE_COMMENT_MAX:
        message = _("Shorten this to %(max)d characters.", max=VOTE_COMMENT_MAX)
        raise ValidationFailed(message, {"comment": [message]})
    existing = _existing_vote(article, key)
    if existing is None:
        user_id = actor.id if permissions.is_signed_in(actor) else None
        db.session.add(ArticleVote(article_id=article.id, voter_key=key, is_helpful=bool(is_helpful),
                                   comment=comment, user_id=user_id))
        _change_counts(article.id, is_helpful, +1)
    else:
        if existing.is_helpful != bool(is_helpful):
            _change_counts(article.id, existing.is_helpful, -1)
            _change_counts(article.id, is_helpful, +1)
        existing.is_helpful, existing.comment = bool(is_helpful), comment or existing.comment
    try:
        db.session.commit()
    except IntegrityError:
        # The same reader voted in a parallel request a moment ago: that vote stands.
        db.session.rollback()
    return article


# --- authors' list and search ---------------------------------------------------------------


def manage_listing(actor, status, page):
    """Every guide for authors, optionally of one status, latest changes first."""
    if not permissions.can_author_articles(actor):
        raise PermissionDenied()
    query = select(Article).order_by(Article.updated_at.desc(), Article.id.desc())
    if status in c.STATUSES:
        query = query.where(Article.status == status)
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)


class HitsPage(Pagination):
    """Search hits with the interface of a SQLAlchemy page, so the pagination macro shows them."""

    def __init__(self, hits, total, page, per_page):
        self._hits, self._total = hits, total
        super().__init__(page=page, per_page=per_page, max_per_page=None, error_out=False)

    def _query_items(self):
        return self._hits

    def _query_count(self):
        return self._total


@dataclass
class SearchPage:
    """The search page: the query, the category it is limited to, the hits and a spelling suggestion."""

    query: str
    category: ArticleCategory | None
    hits: HitsPage | None = None
    suggestion: str | None = None
    corrected: bool = False


def _search_category(slug):
    if not slug:
        return None
    category = db.session.scalar(select(ArticleCategory).where(ArticleCategory.slug == str(slug)))
    if category is None:
        raise NotFound(_("There is no such category."))
    return category


def _still_readable(actor, hits):
    """The hits whose guide the actor may read now (the index may lag behind a change by a moment)."""
    ids = [hit.id for hit in hits]
    readable_ids = set(db.session.scalars(select(Article.id).where(Article.id.in_(ids), readable(actor))))
    return [hit for hit in hits if hit.id in readable_ids]


def search_page(actor, query, category_slug, page, per_page=PER_PAGE):
    """Search published guides the actor may read, optionally in one category (with its subcategories)."""
    query = " ".join(str(query or "").split())[:QUERY_MAX]
    category = _search_category(category_slug)
    view = SearchPage(query, category)
    if not query:
        return view
    category_ids = None if category is None else [category.id, *(child.id for child in category.children)]
    results = search.search(query, kinds=("article",), audiences=permissions.visible_audiences(actor),
                            category_ids=category_ids, page=page, per_page=per_page)
    view.hits = HitsPage(_still_readable(actor, results.hits), results.total, results.page, results.per_page)
    view.suggestion, view.corrected = results.suggestion, results.corrected
    return view


def search_guides(actor, query, category_slug, page, per_page=PER_PAGE):
    """(the search page, {id: Article} of its hits): the guides give the API their category and dates."""
    view = search_page(actor, query, category_slug, page, per_page)
    ids = [hit.id for hit in view.hits.items] if view.hits is not None else []
    guides = db.session.scalars(select(Article).where(Article.id.in_(ids))).all() if ids else []
    return view, {guide.id: guide for guide in guides}
