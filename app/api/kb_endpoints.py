"""The knowledge base: search the guides and read one, within the audiences the user may read."""

from app.api.blueprint import api
from app.api.kb_schemas import KbArticle, KbCategoryRef, KbHit, KbSearchQuery, KbSearchResults
from app.api.schemas import PageInfo, page_info
from app.markup import render_markdown
from app.urls import absolute_url
from knowledge_base import reading, services

TAG = "knowledge base"


def _category(category):
    return KbCategoryRef(slug=category.slug, name=category.name) if category is not None else None


def _hit(hit, guide):
    return KbHit(slug=hit.slug, title=hit.title, summary=hit.summary, snippet=str(hit.snippet_html),
                 category=_category(guide.category), updated_at=guide.updated_at,
                 url=absolute_url("kb.article", slug=hit.slug))


@api.operation("/kb/search", summary="Search the guides", tag=TAG, query=KbSearchQuery,
               response=KbSearchResults, errors=(404,),
               description="Only published guides of the audiences you may read: an internal guide never "
                           "reaches a teacher.")
def search_guides(user, query):
    """A page of the guides the user may read that match the query, with a «did you mean» suggestion."""
    view, guides = reading.search_guides(user, query.q, query.category or "", query.page, query.per_page)
    if view.hits is None:  # nothing to search for (the query was only spaces)
        page = PageInfo(page=query.page, per_page=query.per_page, total=0, pages=0)
        return KbSearchResults(query=view.query, items=[], page=page, suggestion=None, corrected=False)
    items = [_hit(hit, guides[hit.id]) for hit in view.hits.items if hit.id in guides]
    return KbSearchResults(query=view.query, items=items, page=page_info(view.hits),
                           suggestion=view.suggestion, corrected=view.corrected)


@api.operation("/kb/articles/<slug>", summary="A guide", tag=TAG, response=KbArticle)
def show_guide(user, slug):
    """The guide, if the user may read it (404 otherwise)."""
    article = services.article_by_slug(user, slug)
    return KbArticle(slug=article.slug, title=article.title, summary=article.summary or "",
                     status=article.status, category=_category(article.category),
                     tags=[tag.name for tag in article.tags], audience=article.audience,
                     body_markdown=article.body or "", body_html=str(render_markdown(article.body)),
                     updated_at=article.updated_at, url=absolute_url("kb.article", slug=article.slug))
