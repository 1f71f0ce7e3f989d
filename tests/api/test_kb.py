"""Knowledge-base endpoints: search and a guide, within the reader's audiences; bad input."""

import pytest

from app.api import constants as ac
from knowledge_base import constants as c
from tests.knowledge_base.conftest import KbFactory

SEARCH, ARTICLE = "/api/v1/kb/search", "/api/v1/kb/articles/"


@pytest.fixture
def guides(make):
    """A public guide about quarter marks (in a subcategory), an internal one, a staff one and a draft."""
    kb = KbFactory(make)
    top = kb.category("Электронный журнал")
    sub = kb.category("Отметки", parent=top)
    return {
        "top": top, "sub": sub,
        "marks": kb.article("Как выставить четвертную отметку", category=sub, tags=["отметки"],
                            summary="Четверть за пять шагов",
                            body="Откройте журнал, выберите четверть и поставьте <b>отметку</b>.\n\n"
                                 "<script>alert(1)</script>"),
        "internal": kb.article("Сброс пароля учителя", audience=c.INTERNAL, category=top,
                               body="Оператор сбрасывает пароль учителю и выставляет отметку доступа."),
        "staff": kb.article("Пароль учителя: памятка", audience=c.STAFF, body="Как сменить пароль учителя."),
        "draft": kb.article("Черновик про четвертные отметки", status=c.DRAFT),
    }


def slugs(response):
    assert response.status_code == 200, response.get_json()
    return [item["slug"] for item in response.get_json()["items"]]


def test_search_finds_word_forms_with_escaped_marked_snippets(guides, make, tokens):
    response = tokens.client_for(make.user("teacher"), ac.READ).get(SEARCH + "?q=четвертные отметки")
    assert slugs(response) == [guides["marks"].slug]
    hit = response.get_json()["items"][0]
    assert "<mark>" in hit["snippet"] and "<b>" not in hit["snippet"] and "&lt;b&gt;" in hit["snippet"]
    assert hit["category"] == {"slug": guides["sub"].slug, "name": "Отметки"}
    assert hit["url"].endswith(f"/kb/{guides['marks'].slug}") and hit["updated_at"]
    assert response.get_json()["page"]["total"] == 1


def test_an_internal_guide_never_reaches_a_teacher(guides, make, tokens):
    for role in ("teacher", "school", "municipal", "coordinator"):
        api = tokens.client_for(make.user(role), ac.READ)
        assert guides["internal"].slug not in slugs(api.get(SEARCH + "?q=пароль учителя")), role
        assert api.get(ARTICLE + guides["internal"].slug).status_code == 404, role
        assert api.get(ARTICLE + guides["draft"].slug).status_code == 404, role
        assert api.get(ARTICLE + guides["staff"].slug).status_code == 200, role
    for role in ("operator", "methodologist", "admin"):
        api = tokens.client_for(make.user(role), ac.READ)
        assert guides["internal"].slug in slugs(api.get(SEARCH + "?q=пароль учителя")), role
        assert api.get(ARTICLE + guides["internal"].slug).get_json()["audience"] == "internal"
        assert api.get(ARTICLE + guides["draft"].slug).get_json()["status"] == "draft"  # authors read drafts


def test_a_typo_is_corrected_and_suggested(guides, make, tokens):
    body = tokens.client_for(make.user("teacher")).get(SEARCH + "?q=четвертные атметки").get_json()
    assert [item["slug"] for item in body["items"]] == [guides["marks"].slug]
    assert body["corrected"] and "отметк" in body["suggestion"] and "атметк" not in body["suggestion"]


def test_the_category_filter_includes_subcategories(guides, make, tokens):
    api = tokens.client_for(make.user("operator"))
    found = slugs(api.get(SEARCH + f"?q=отметка&category={guides['top'].slug}"))
    assert set(found) == {guides["marks"].slug, guides["internal"].slug}
    assert slugs(api.get(SEARCH + f"?q=отметка&category={guides['sub'].slug}")) == [guides["marks"].slug]
    assert api.get(SEARCH + "?q=отметка&category=nothing").status_code == 404


def test_the_article_with_sanitized_html(guides, make, tokens):
    response = tokens.client_for(make.user("teacher"), ac.READ).get(ARTICLE + guides["marks"].slug)
    assert response.status_code == 200
    body = response.get_json()
    assert body["title"] == "Как выставить четвертную отметку" and body["tags"] == ["отметки"]
    assert body["category"]["slug"] == guides["sub"].slug and body["audience"] == "public"
    assert "<script>" in body["body_markdown"] and "<script>" not in body["body_html"]
    assert body["url"].endswith("/kb/" + guides["marks"].slug) and body["summary"] == "Четверть за пять шагов"


def test_tokens_are_required(guides, client):
    assert client.get(SEARCH + "?q=отметка").status_code == 401
    assert client.get(ARTICLE + guides["marks"].slug).status_code == 401


@pytest.mark.parametrize("query", ["", "?q=", "?q=" + "я" * 201, "?q=x&page=0", "?q=x&page=1001",
                                   "?q=x&per_page=1000", "?q=x&category=" + "c" * 81])
def test_bad_search_parameters_are_422(guides, make, tokens, query):
    response = tokens.client_for(make.user("teacher")).get(SEARCH + query)
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "validation_failed"


def test_odd_searches_answer_empty_pages(guides, make, tokens):
    api = tokens.client_for(make.user("teacher"))
    for query in ("   ", "*", '"', "AND OR NOT", "(", "ё" * 200, "%_\\"):
        response = api.get(SEARCH, query_string={"q": query})
        assert response.status_code == 200, query
    assert api.get(SEARCH, query_string={"q": "   "}).get_json()["items"] == []
    assert api.get(SEARCH + "?q=отметка&page=50").get_json()["items"] == []


@pytest.mark.parametrize("slug", ["nothing", "x" * 500, "%D0%B6", "..", "a%20b"])
def test_unknown_articles_are_404(guides, make, tokens, slug):
    response = tokens.client_for(make.user("admin")).get(ARTICLE + slug)
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
