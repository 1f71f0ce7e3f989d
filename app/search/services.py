"""The search API: providers, change notifications, search, suggestions and rebuilding.

Usage by a feature (see app/search/__init__.py):
    register_provider("article", load, all_ids)         # at import time
    document_changed("article", article.id)             # inside the transaction, before the commit
    db.session.commit(); apply_pending()                # after the commit
    search("журналы", kinds=("article",), audiences=visible_audiences(user))
"""

from dataclasses import replace

from flask import current_app
from markupsafe import Markup

from app.extensions import db
from app.search import spelling
from app.search.documents import Filters, Hit, SearchDocument, SearchResults
from app.search.models import SearchPending
from app.search.query import build_plan
from app.search.registry import register_provider, unregister_provider
from app.search.snippets import make_snippet

__all__ = [
    "Hit", "SearchDocument", "SearchResults", "apply_pending", "backend", "document_changed",
    "document_removed", "index_state", "pending_count", "register_provider", "reindex", "search", "suggest",
    "unregister_provider", "warm_up",
]

MAX_PER_PAGE = 500  # the ticket list asks for a few hundred ids at once
KEPT_PER_PAGE = 100  # answers of at most this many hits per page may be kept by the backend
MAX_PAGE = 1000


def backend():
    """The configured backend (SEARCH_BACKEND: "whoosh" or "postgres")."""
    name = (current_app.config.get("SEARCH_BACKEND") or "whoosh").strip().lower()
    if name == "whoosh":
        from app.search.whoosh_backend import WhooshBackend

        return WhooshBackend()
    if name == "postgres":
        if db.engine.dialect.name != "postgresql":
            raise RuntimeError(
                "OPORA_SEARCH_BACKEND=postgres needs a PostgreSQL database "
                f"(OPORA_DATABASE_URL=postgresql+psycopg://…), but the database is {db.engine.dialect.name}"
            )
        from app.search.postgres_backend import PostgresBackend

        return PostgresBackend()
    raise RuntimeError(f"OPORA_SEARCH_BACKEND must be 'whoosh' or 'postgres', got {name!r}")


def document_changed(kind, object_id):
    """Record, inside the caller's transaction and before its commit, that an object changed."""
    backend().document_changed(kind, int(object_id))


def document_removed(kind, object_id):
    """Record, inside the caller's transaction and before its commit, that an object is gone."""
    backend().document_removed(kind, int(object_id))


def apply_pending(limit=None):
    """After the caller's commit: bring the index up to date; never raises. Returns how many applied."""
    return backend().apply_pending(limit)


def pending_count():
    """How many changes wait to be written to the index."""
    return db.session.query(SearchPending).count()


def reindex(progress=None):
    """Rebuild the whole index from the providers; progress(done, total) is called along the way."""
    count = backend().reindex(progress)
    spelling.forget()
    return count


def warm_up():
    """Load what a process's first query would wait for (some 0.2 s): the morphology dictionaries, the
    open index and the «did you mean» vocabulary. For a server worker, before it takes requests."""
    build_plan("электронные журналы")
    spelling.prepare(backend())


def index_state():
    """An identity of the index's state that changes whenever a document does, or None when the backend
    cannot tell it cheaply (PostgreSQL). Callers key caches of what the indexed objects show with it."""
    return backend().state()


def _page_numbers(page, per_page):
    try:
        page, per_page = int(page), int(per_page)
    except (TypeError, ValueError):
        page, per_page = 1, 10
    return min(MAX_PAGE, max(1, page)), min(MAX_PER_PAGE, max(1, per_page))


def _filters(kinds, audiences, category_ids, scope_keys):
    return Filters(
        kinds=tuple(kinds or ()),
        audiences=tuple(audiences or ()),
        category_ids=None if category_ids is None else tuple(int(value) for value in category_ids),
        scope_keys=None if scope_keys is None else tuple(str(value) for value in scope_keys),
    )


def search(text, kinds=("article",), audiences=("public",), category_ids=None, scope_keys=None,
           page=1, per_page=10, snippets=True):
    """Ranked hits for a query, filtered by kind, audience, category and scope inside the query.

    When the query finds nothing but its spelling correction does, the hits are for the correction
    (corrected=True); when both find something, the original's hits come with the suggestion.
    snippets=False skips the snippets (snippet_html is empty) for callers that only need the ids.
    The backend may keep an answer of up to KEPT_PER_PAGE hits for as long as its index does not change
    (whoosh does).
    """
    page, per_page = _page_numbers(page, per_page)
    filters = _filters(kinds, audiences, category_ids, scope_keys)
    engine = backend()
    if per_page > KEPT_PER_PAGE:  # long lists of ids (the ticket list's) would fill the memory
        return _search(engine, text, filters, page, per_page, snippets)
    key = ("search", (text or "").strip(), filters, page, per_page, bool(snippets))
    results = engine.remembered(key, lambda: _search(engine, text, filters, page, per_page, snippets))
    return replace(results, hits=list(results.hits))  # callers may change their list, not the kept one


def _search(engine, text, filters, page, per_page, snippets):
    plan = build_plan(text)
    if not plan or filters.empty():
        return SearchResults([], 0, page, per_page)
    raw, total = engine.search(plan, filters, page, per_page)
    suggestion, corrected = None, False
    fixed = spelling.correct(plan, engine)
    if fixed is not None:
        if total == 0:
            fixed_raw, fixed_total = engine.search(fixed, filters, page, per_page)
            if fixed_total:
                raw, total, plan, suggestion, corrected = fixed_raw, fixed_total, fixed, fixed.text, True
        elif engine.count(fixed, filters):
            suggestion = fixed.text
    terms = plan.terms()
    hits = [_hit(item, make_snippet(item.text, item.summary, terms) if snippets else Markup(""))
            for item in raw]
    return SearchResults(hits, total, page, per_page, suggestion, corrected)


def suggest(text, kinds=("article",), audiences=("public",), limit=5):
    """A few hits for text being typed (the last word may be unfinished); light and fast.

    Titles and tags matching any of the words come first; when they are too few, documents matching
    every word anywhere fill the list.
    """
    plan = build_plan(text, prefix_last=True)
    filters = _filters(kinds, audiences, None, None)
    limit = max(1, min(int(limit), MAX_PER_PAGE))
    if not plan or filters.empty():
        return []
    engine = backend()
    raw, _total = engine.search(plan, filters, 1, limit, mode="head")
    if len(raw) < limit:
        seen = {(item.kind, item.id) for item in raw}
        more, _total = engine.search(plan, filters, 1, limit, mode="and")
        raw += [item for item in more if (item.kind, item.id) not in seen][:limit - len(raw)]
    return [_hit(item, Markup("")) for item in raw]


def _hit(item, snippet_html):
    return Hit(kind=item.kind, id=item.id, slug=item.slug, title=item.title, url=item.url,
               score=round(item.score, 4), snippet_html=snippet_html, summary=item.summary)
