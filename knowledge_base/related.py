"""An article's related guides (sharing its tags first, then of its category; the most read first) and
its tags.

Both are kept per process for as long as the search index does not change (every change of a guide's
text, status, audience, category or tags re-indexes it, in whichever worker made it, right after the
commit) and at most KB_RELATED_TTL seconds (default 300; 0 keeps nothing): only the order of related
guides by number of views may lag by that much. On the PostgreSQL search backend, whose state has no
cheap identity, nothing is kept.
"""

import threading
import time
from collections import OrderedDict

from flask import current_app
from sqlalchemy import func, select

from app.auth import permissions
from app.extensions import db
from app.search import services as search
from knowledge_base import constants as c
from knowledge_base.models import Article, article_tags

RELATED_LIMIT = 5
TTL = 300.0  # seconds
ENTRIES = 4096  # a few KB each
EXTENSION = "kb_related_cache"
# What a list of related guides shows: plain rows, not whole articles with their bodies.
LINK_COLUMNS = (Article.id, Article.slug, Article.title, Article.summary)


class TimedLRU:
    """At most `size` entries, the least recently used out first, each kept `ttl` seconds; thread-safe."""

    def __init__(self, size, ttl, clock=time.monotonic):
        self.size, self.ttl, self.clock = size, ttl, clock
        self._entries = OrderedDict()  # key: (stored at, value)
        self._lock = threading.Lock()

    def get(self, key, compute):
        """The value kept under the key, or compute() kept and returned when missing or expired."""
        now = self.clock()
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and now - entry[0] < self.ttl:
                self._entries.move_to_end(key)
                return entry[1]
        value = compute()
        with self._lock:
            self._entries[key] = (now, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value


def _cache():
    cache = current_app.extensions.get(EXTENSION)
    if cache is None:
        ttl = float(current_app.config.get("KB_RELATED_TTL", TTL))
        cache = current_app.extensions[EXTENSION] = TimedLRU(ENTRIES, ttl)
    return cache


def _kept(key, compute):
    """compute()'s value kept under the key and the index state (computed each time when it cannot be)."""
    state = search.index_state()
    if state is None or not current_app.config.get("KB_RELATED_TTL", TTL):
        return compute()
    return _cache().get((state, *key), compute)


def related_articles(actor, article, limit=RELATED_LIMIT):
    """Rows (LINK_COLUMNS) of readable guides related to the article; see the module docstring."""
    # Authors may read every published guide; other readers the audiences they see.
    readers = "authors" if permissions.can_author_articles(actor) else permissions.visible_audiences(actor)
    return _kept(("related", article.id, readers, limit), lambda: find_related(actor, article, limit))


def tag_names(article):
    """The article's tags, by name."""
    return _kept(("tags", article.id), lambda: [tag.name for tag in article.tags])


def find_related(actor, article, limit=RELATED_LIMIT):
    """Readable guides sharing tags (more shared tags first), then of the same category; most read first.

    Two narrow queries, each served by an index (article_tags by tag, articles by category and views),
    instead of one that ranks the whole table.
    """
    others = (Article.status == c.PUBLISHED) & permissions.article_scope(actor) & (Article.id != article.id)
    tagged = _sharing_tags(others, [tag.id for tag in article.tags], limit)
    if len(tagged) >= limit or article.category_id is None:
        return tagged
    seen = {row.id for row in tagged}
    # Guides of the category that share tags are already in `tagged`: ask for as many more.
    same_category = (select(*LINK_COLUMNS).where(others, Article.category_id == article.category_id)
                     .order_by(Article.view_count.desc(), Article.id).limit(limit + len(seen)))
    rest = [row for row in db.session.execute(same_category) if row.id not in seen]
    return [*tagged, *rest][:limit]


def _sharing_tags(criterion, tag_ids, limit):
    if not tag_ids:
        return []
    # Counted in article_tags first (its tag index covers it), whatever statistics the planner has.
    shared = (select(article_tags.c.article_id, func.count().label("n"))
              .where(article_tags.c.tag_id.in_(tag_ids)).group_by(article_tags.c.article_id).subquery())
    query = (select(*LINK_COLUMNS).join(shared, shared.c.article_id == Article.id).where(criterion)
             .order_by(shared.c.n.desc(), Article.view_count.desc(), Article.id).limit(limit))
    return db.session.execute(query).all()
