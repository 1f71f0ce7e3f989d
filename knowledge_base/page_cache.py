"""The rendered content of article and search pages, kept until what they show changes.

An article page's content is kept per guide, reader session and language, and served only while these
are what it was rendered with: the guide's last change (an edit, a file added or removed, a status
change), its status and counts (views, «helpful» answers, revisions), the reader's own vote, and the
search index's state (related guides are read through it). A renamed category, and on PostgreSQL (whose
index has no state to compare) the related guides, may lag by at most PAGE_TTL seconds.

A search page's content is kept per query, category, page, the audiences the reader may read and the
language, while the index state and the hits still readable are those it was rendered with; it is not
kept on PostgreSQL. Per process, at most PAGE_ENTRIES contents of each kind.
"""

from app.auth import permissions
from app.caching import app_cache, cache_enabled, page_key, shared_page_key
from app.search import services as search

PAGE_ENTRIES = 256
PAGE_TTL = 60.0  # seconds; setting KB_PAGE_TTL, 0 turns the cache off


def article_content(reader, visit, render):
    """The content of the article page for this reader: kept, or render() kept and returned."""
    if not cache_enabled("KB_PAGE_TTL", PAGE_TTL):
        return render()
    article = visit.article
    key = page_key(article.id, getattr(reader, "id", None), getattr(reader, "role", None))
    version = (article.updated_at, article.status, article.revision_count, article.view_count,
               article.helpful_count, article.unhelpful_count, visit.vote, search.index_state())
    return app_cache("kb_page_cache", PAGE_ENTRIES, "KB_PAGE_TTL", PAGE_TTL).get(key, render, version)


def search_content(reader, results, render):
    """The content of a search page: kept, or render() kept and returned."""
    state = search.index_state()
    if results.hits is None or state is None or not cache_enabled("KB_PAGE_TTL", PAGE_TTL):
        return render()
    hits = results.hits
    key = shared_page_key(results.query, results.category.id if results.category else None, hits.page,
                          tuple(permissions.visible_audiences(reader)))
    version = (state, tuple(hit.id for hit in hits.items), hits.total, results.suggestion, results.corrected)
    return app_cache("kb_search_cache", PAGE_ENTRIES, "KB_PAGE_TTL", PAGE_TTL).get(key, render, version)
