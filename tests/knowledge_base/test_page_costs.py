"""What the guide pages cost (SQL statements whatever the number of guides) and how their caches follow
changes: a change of a guide shows on the next request; only the order of related guides by views lags."""

import re

import pytest
from sqlalchemy import update

from knowledge_base import constants as c
from knowledge_base import reading, related, services
from knowledge_base.models import Article

SEARCH = "/kb/search?q=отметка"


@pytest.fixture
def teacher(auth):
    """The client signed in as a teacher."""
    auth.login("teacher")
    return auth


def _floor(client, count_statements):
    """Statements of a page that reads nothing but the signed-in user (the search page without a query)."""
    return count_statements(lambda: client.get("/kb/search?q="))


def _related_titles(html):
    return re.findall(r'data-testid="related-link">([^<]+)</a>', html)


def _tags(html):
    return re.findall(r'badge text-bg-secondary me-1">([^<]+)<', html)


def _views(html):
    return int(re.search(r"(?:Просмотров|Views): (\d+)", html).group(1))


def _guides(kb, count, category, prefix="Отметка", **fields):
    return [kb.article(f"{prefix} номер {number}", category=category, body="Как поставить отметку.", **fields)
            for number in range(count)]


@pytest.mark.parametrize(("tags", "related_queries"), [((), 1), (("отметки", "четверть"), 2)])
def test_an_article_page_costs_the_same_for_2_and_15_guides(client, teacher, kb, db, count_statements, tags,
                                                            related_queries):
    top = kb.category("Отметки")
    small = f"/kb/{_guides(kb, 2, top, tags=tags)[0].slug}"
    floor = _floor(client, count_statements)
    # The guide with the reader's vote (one statement), the view counted (UPDATE), its tags, the related
    # guides (those sharing tags, when it has tags, then the category's), its files; seen again in the
    # session: the guide with the vote, the rest is the kept content (knowledge_base/page_cache.py).
    first_small = count_statements(lambda: client.get(small))
    again_small = count_statements(lambda: client.get(small))
    _guides(kb, 12, top, prefix="Четвертная отметка")
    large = f"/kb/{kb.article('Годовая отметка', category=top, tags=tags).slug}"
    first_large = count_statements(lambda: client.get(large))
    again_large = count_statements(lambda: client.get(large))
    on_postgres = int(db.engine.dialect.name == "postgresql")  # the count's commit is not flushed: SET LOCAL
    assert (first_small - floor, again_small - floor) == (4 + related_queries + on_postgres, 1)
    assert (first_large, again_large) == (first_small, again_small)


def test_a_search_page_takes_the_same_statements_for_2_and_25_hits(client, teacher, kb, count_statements):
    top = kb.category("Отметки")
    _guides(kb, 2, top)
    floor = _floor(client, count_statements)
    small = count_statements(lambda: client.get(SEARCH))
    _guides(kb, 23, top, prefix="Четвертная отметка")
    large = count_statements(lambda: client.get(SEARCH))
    page = client.get(SEARCH).get_data(as_text=True)
    assert page.count('data-testid="hit"') == reading.PER_PAGE and "Найдено: 25" in page
    # Only the check that the hits are still readable (the index may lag behind a change by a moment).
    assert small - floor == large - floor == 1


def test_the_counted_view_shows_on_the_page_without_reloading_the_reader(client, teacher, kb, db):
    guide = kb.article()
    db.session.execute(update(Article).where(Article.id == guide.id).values(view_count=41))
    db.session.commit()
    assert _views(client.get(f"/kb/{guide.slug}").get_data(as_text=True)) == 42
    assert _views(client.get(f"/kb/{guide.slug}").get_data(as_text=True)) == 42  # once per session


def test_an_edited_body_shows_at_once(client, kb):
    guide = kb.article(body="Первый **вариант**.")
    assert "<strong>вариант</strong>" in client.get(f"/kb/{guide.slug}").get_data(as_text=True)
    data = {"title": guide.title, "slug": guide.slug, "summary": "", "body": "Второй *вариант*.",
            "audience": guide.audience, "tags": "", "category_id": None}
    services.save_article(kb.author, guide.id, data, "правка", expected_revision=guide.revision_count)
    html = client.get(f"/kb/{guide.slug}").get_data(as_text=True)
    assert "<em>вариант</em>" in html and "<strong>" not in html


def test_related_guides_follow_every_change_of_a_guide(client, teacher, kb):
    top = kb.category("Отметки")
    page = f"/kb/{kb.article('Итоговые отметки', category=top).slug}"
    sibling = kb.article("Отметки за четверть", category=top)
    assert _related_titles(client.get(page).get_data(as_text=True)) == [sibling.title]
    newcomer = kb.article("Отметки за год", category=top)  # published in another request: a new index state
    assert sorted(_related_titles(client.get(page).get_data(as_text=True))) == sorted(
        [sibling.title, newcomer.title])
    services.change_status(kb.author, sibling.id, c.ARCHIVED)
    data = {"title": newcomer.title, "slug": newcomer.slug, "summary": "", "body": "Текст.",
            "audience": c.INTERNAL, "tags": "", "category_id": top.id}
    services.save_article(kb.author, newcomer.id, data, "только для операторов",
                          expected_revision=newcomer.revision_count)
    assert _related_titles(client.get(page).get_data(as_text=True)) == []


def test_only_the_order_of_related_guides_by_views_lags_for_the_ttl(app, client, teacher, kb, db):
    now = [0.0]
    app.extensions[related.EXTENSION] = related.TimedLRU(16, related.TTL, clock=lambda: now[0])
    app.config["KB_PAGE_TTL"] = 0  # the kept page content has its own minute, on the real clock
    top = kb.category("Отметки")
    page = f"/kb/{kb.article('Итоговые отметки', category=top).slug}"
    first, second = kb.article("Отметки А", category=top), kb.article("Отметки Б", category=top)
    in_order = [first.title, second.title]
    assert _related_titles(client.get(page).get_data(as_text=True)) == in_order
    db.session.execute(update(Article).where(Article.id == second.id).values(view_count=100))
    db.session.commit()
    now[0] = related.TTL - 1
    assert _related_titles(client.get(page).get_data(as_text=True)) == in_order
    now[0] = related.TTL + 1
    assert _related_titles(client.get(page).get_data(as_text=True)) == in_order[::-1]


def test_tags_follow_an_edit_even_of_a_draft(client, auth, kb):
    draft = kb.article("Черновик", status=c.DRAFT, tags=["старый"])
    auth.login(kb.author)
    page = f"/kb/{draft.slug}"
    assert _tags(client.get(page).get_data(as_text=True)) == ["старый"]
    data = {"title": draft.title, "slug": draft.slug, "summary": "", "body": "Текст.", "audience": c.PUBLIC,
            "tags": "новый, второй", "category_id": None}
    services.save_article(kb.author, draft.id, data, "теги", expected_revision=draft.revision_count)
    assert _tags(client.get(page).get_data(as_text=True)) == ["второй", "новый"]
