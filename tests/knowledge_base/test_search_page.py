"""The search page: Russian word forms, typos, audience scope, category filter, escaped snippets.

Runs against the configured search backend (whoosh by default; postgres with OPORA_SEARCH_BACKEND).
"""

from pathlib import Path

import pytest
import yaml
from flask_login import AnonymousUserMixin

from app.errors import NotFound
from knowledge_base import constants as c
from knowledge_base import reading, services

GUEST = AnonymousUserMixin()
CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpora" / "progit-ru"
AUDIENCE_CYCLE = (c.PUBLIC, c.STAFF, c.INTERNAL)


def _slugs(view):
    return [hit.slug for hit in view.hits.items]


@pytest.fixture
def quarter(kb):
    """A guide about quarter marks, one about passwords for operators only, and a draft."""
    top = kb.category("Электронный журнал")
    sub = kb.category("Отметки", parent=top)
    return {
        "top": top, "sub": sub,
        "marks": kb.article("Как выставить четвертную отметку", category=sub, tags=["отметки"],
                            body="Откройте журнал, выберите четверть и поставьте <b>отметку</b>."),
        "internal": kb.article("Сброс пароля учителя", audience=c.INTERNAL, category=top,
                               body="Оператор сбрасывает пароль учителю и выставляет отметку доступа."),
        "draft": kb.article("Черновик про четвертные отметки", status=c.DRAFT),
    }


def test_another_grammatical_form_finds_the_guide(quarter):
    view = reading.search_page(GUEST, "четвертные отметки", "", 1)
    assert _slugs(view) == [quarter["marks"].slug]


def test_a_typo_is_corrected_or_suggested(quarter):
    view = reading.search_page(GUEST, "четвертные атметки", "", 1)
    assert _slugs(view) == [quarter["marks"].slug]
    assert view.corrected and "отметк" in view.suggestion and "атметк" not in view.suggestion


def test_internal_guides_and_drafts_never_show_up_for_a_teacher_or_a_guest(quarter, make):
    for reader in (make.user("teacher"), GUEST):
        assert _slugs(reading.search_page(reader, "пароль учителя", "", 1)) == []
        assert quarter["internal"].slug not in _slugs(reading.search_page(reader, "отметка", "", 1))
        assert quarter["draft"].slug not in _slugs(reading.search_page(reader, "черновик", "", 1))
    operator_view = reading.search_page(make.user("operator"), "пароль учителя", "", 1)
    assert _slugs(operator_view) == [quarter["internal"].slug]


def test_a_withdrawn_guide_leaves_the_results(quarter, kb):
    services.change_status(kb.author, quarter["marks"].id, c.ARCHIVED)
    assert _slugs(reading.search_page(GUEST, "четвертная отметка", "", 1)) == []


def test_category_filter_includes_subcategories(quarter, make, kb):
    other = kb.category("Дневник")
    kb.article("Отметки в дневнике", category=other, body="Родители видят отметки в дневнике.")
    operator = make.user("operator")
    assert len(_slugs(reading.search_page(operator, "отметки", "", 1))) == 3
    in_top = reading.search_page(operator, "отметки", quarter["top"].slug, 1)
    assert sorted(_slugs(in_top)) == sorted([quarter["marks"].slug, quarter["internal"].slug])
    assert _slugs(reading.search_page(operator, "отметки", quarter["sub"].slug, 1)) == [quarter["marks"].slug]
    with pytest.raises(NotFound):
        reading.search_page(operator, "отметки", "no-such-category", 1)


def test_snippets_are_escaped_before_matches_are_marked(quarter):
    view = reading.search_page(GUEST, "отметку", "", 1)
    snippet = str(view.hits.items[0].snippet_html)
    assert "<mark>" in snippet and "<b>" not in snippet


def test_an_empty_query_searches_nothing(quarter):
    assert reading.search_page(GUEST, "   ", "", 1).hits is None


def _corpus_guides(kb, count):
    """The first guides of the shared Russian corpus, audiences in turn public, staff, internal."""
    guides = []
    for number, path in enumerate(sorted(CORPUS.glob("*.md"))[:count]):
        _, front, body = path.read_text(encoding="utf-8").split("---", 2)
        meta = yaml.safe_load(front)
        article = kb.article(meta["title"], slug=meta["slug"], body=body.strip(),
                             audience=AUDIENCE_CYCLE[number % 3])
        guides.append(article)
    return guides


def test_corpus_search_respects_the_audiences(kb, make):
    guides = _corpus_guides(kb, 30)
    audience_of = {article.slug: article.audience for article in guides}
    readers = {"guest": GUEST, "teacher": make.user("teacher"), "operator": make.user("operator")}
    found = {name: set() for name in readers}
    for query in ("учётная запись", "ветки", "репозиторий", "запрос на слияние"):
        for name, reader in readers.items():
            found[name] |= set(_slugs(reading.search_page(reader, query, "", 1)))
    assert found["operator"] > found["teacher"] > found["guest"] != set()
    assert {audience_of[slug] for slug in found["guest"]} == {c.PUBLIC}
    assert {audience_of[slug] for slug in found["teacher"]} == {c.PUBLIC, c.STAFF}
    assert c.INTERNAL in {audience_of[slug] for slug in found["operator"]}


def test_the_search_page(client, quarter):
    response = client.get("/kb/search?q=четвертные+атметки")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'href="/kb/{quarter["marks"].slug}"' in html and 'data-testid="suggestion-link"' in html
    assert "Сброс пароля учителя" not in html and "<b>отметку</b>" not in html
    assert client.get("/kb/search?q=отметки&category=none").status_code == 404
    assert client.get("/kb/search").status_code == 200
    assert client.get(f"/kb/search?q=отметки&category={quarter['sub'].slug}&page=x").status_code == 200
