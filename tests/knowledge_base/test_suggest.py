"""`/kb/suggest?q=`: guides offered while a ticket's subject is typed, within the user's audiences."""

import pytest

from knowledge_base import constants as c


@pytest.fixture
def password_guides(kb):
    """The same topic for every audience, plus a draft and an archived guide nobody is offered."""
    return {
        "public": kb.article("Как сменить пароль ученика", audience=c.PUBLIC,
                             summary="Новый пароль за две минуты."),
        "staff": kb.article("Пароль учителя в журнале", audience=c.STAFF),
        "internal": kb.article("Сброс пароля через консоль", audience=c.INTERNAL),
        "draft": kb.article("Пароли: черновик", status=c.DRAFT),
        "archived": kb.article("Пароли до 2011 года", status=c.ARCHIVED),
    }


def suggested(client, q):
    response = client.get("/kb/suggest", query_string={"q": q})
    assert response.status_code == 200 and response.is_json
    return response.get_json()["articles"]


def slugs(client, q):
    return {article["slug"] for article in suggested(client, q)}


def test_anonymous_visitors_are_offered_public_guides_only(client, password_guides):
    assert slugs(client, "забыл пароль") == {password_guides["public"].slug}


def test_a_teacher_is_never_offered_an_internal_guide(auth, client, password_guides):
    auth.login("teacher")
    assert slugs(client, "пароли") == {password_guides["public"].slug, password_guides["staff"].slug}
    assert password_guides["internal"].slug not in slugs(client, "сброс пароля через консоль")


def test_operators_are_offered_internal_guides_too(auth, client, password_guides):
    auth.login("operator")
    assert slugs(client, "пароль") == {password_guides[a].slug for a in ("public", "staff", "internal")}


def test_the_answer_has_slug_title_url_and_summary(client, password_guides):
    guide = password_guides["public"]
    assert suggested(client, "парол") == [{  # the last word may be unfinished while typing
        "slug": guide.slug, "title": "Как сменить пароль ученика", "url": f"/kb/{guide.slug}",
        "summary": "Новый пароль за две минуты.",
    }]


def test_at_most_five_guides_are_offered(client, kb):
    for number in range(7):
        kb.article(f"Отметка за контрольную работу {number + 1}")
    assert len(suggested(client, "отметки за контрольную")) == 5


@pytest.mark.parametrize("q", ["", "па", " п  а ", "!!!???", "1", "ёж"])
def test_short_queries_get_an_empty_list(client, password_guides, q):
    assert suggested(client, q) == []


@pytest.mark.parametrize("q", ["пароль" * 500, 'пароль AND (OR "', "title:пароль*",
                               "<script>alert(1)</script>", "пароль; DROP TABLE articles", "%%%пароль%%%"])
def test_odd_queries_never_fail(client, password_guides, q):
    for article in suggested(client, q):
        assert article["slug"] == password_guides["public"].slug


def test_a_nul_character_is_refused_at_the_door(client, password_guides):
    assert client.get("/kb/suggest", query_string={"q": "\x00пароль"}).status_code == 400


def test_a_query_without_q_gets_an_empty_list(client):
    response = client.get("/kb/suggest")
    assert response.status_code == 200 and response.get_json() == {"articles": []}


class TestRateLimit:
    """The endpoint answers every keystroke pause: an address gets a limited number per minute."""

    @pytest.fixture
    def app_settings(self):
        """A small limit, so that the test reaches it quickly."""
        return {"KB_SUGGEST_LIMIT": "3 per minute"}

    def test_suggestions_are_rate_limited_per_address(self, client, password_guides):
        for _ in range(3):
            assert client.get("/kb/suggest?q=пароль").status_code == 200
        assert client.get("/kb/suggest?q=пароль").status_code == 429
        other = client.get("/kb/suggest?q=пароль", environ_base={"REMOTE_ADDR": "10.0.0.2"})
        assert other.status_code == 200
