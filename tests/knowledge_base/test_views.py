"""Knowledge base pages: reading without sign-in, scope by URL, the editor, workflow, history, categories."""

import re

import pytest
from sqlalchemy import select

from knowledge_base import constants as c
from knowledge_base.models import Article, ArticleCategory, ArticleVote

HOSTILE = """Обычный текст.

<script>alert("xss")</script>
<img src="x" onerror="alert(1)">
<a href="#" onclick="alert(2)">ссылка</a>

[Нажмите](javascript:alert(3)) и [ещё](data:text/html;base64,PHNjcmlwdD4=)

<iframe src="https://evil.example"></iframe><style>body{display:none}</style>
**жирный** и [сайт](https://example.org)
"""


def _article_body(html):
    match = re.search(r'data-testid="article-body">(.*?)</div>', html, re.S)
    assert match, "no article body on the page"
    return match.group(1)


def _form(**fields):
    data = {"title": "Как выставить четвертную отметку", "slug": "", "summary": "Итоги четверти",
            "body": "## Шаги\n\n1. Откройте **журнал**.", "category_id": "0", "tags": "отметки, четверть",
            "audience": c.PUBLIC, "comment": "первая версия"}
    data.update(fields)
    return data


def test_a_guest_reads_the_home_page_and_a_public_guide(client, kb):
    article = kb.article("Вход в журнал", body="Нажмите **Войти**.", tags=["вход"])
    kb.article("Только для своих", audience=c.STAFF)
    kb.article("Для операторов", audience=c.INTERNAL)
    home = client.get("/kb/")
    assert home.status_code == 200
    html = home.get_data(as_text=True)
    assert "Вход в журнал" in html and "Только для своих" not in html and "Для операторов" not in html
    page = client.get(f"/kb/{article.slug}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<strong>Войти</strong>" in _article_body(html)
    assert f'href="/tickets/new?article={article.slug}"' in html
    assert f'href="/kb/{article.slug}/print"' in html
    assert 'data-testid="author-panel"' not in html


def test_scope_by_direct_url(client, auth, kb):
    staff = kb.article("Для сотрудников", audience=c.STAFF)
    internal = kb.article("Для операторов", audience=c.INTERNAL)
    draft = kb.article("Черновик", status=c.DRAFT, audience=c.PUBLIC)
    response = client.get(f"/kb/{staff.slug}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get(f"/kb/{internal.slug}").status_code == 404
    assert client.get(f"/kb/{draft.slug}").status_code == 404
    auth.login("teacher")
    assert client.get(f"/kb/{staff.slug}").status_code == 200
    for slug in (internal.slug, draft.slug, "no-such-guide"):
        response = client.get(f"/kb/{slug}")
        assert response.status_code == 404
        assert "Для операторов" not in response.get_data(as_text=True)
    assert client.get(f"/kb/{internal.slug}/print").status_code == 404


def test_hostile_markdown_renders_inert(client, kb):
    article = kb.article("Опасный текст", body=HOSTILE)
    html = client.get(f"/kb/{article.slug}").get_data(as_text=True)
    body = _article_body(html)
    assert "<strong>жирный</strong>" in body and 'href="https://example.org"' in body
    for bad in ("<script", "onerror", "onclick", "javascript:", "data:text", "<iframe", "<style", "<img"):
        assert bad not in body.lower(), bad
    assert '<script>alert("xss")' not in html
    print_html = client.get(f"/kb/{article.slug}/print").get_data(as_text=True)
    assert "<script" not in print_html and "onerror" not in print_html
    assert "<strong>жирный</strong>" in print_html


def test_print_view_has_no_navigation(client, kb):
    article = kb.article("Для печати", body="Текст для **печати**")
    html = client.get(f"/kb/{article.slug}/print").get_data(as_text=True)
    assert 'data-testid="print-view"' in html and "navbar" not in html and "<strong>печати</strong>" in html


def test_a_methodologist_writes_a_guide_in_the_editor(client, auth, db):
    auth.login("methodologist")
    assert client.get("/kb/new").status_code == 200
    response = auth.post("/kb/new", _form())
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/kb/kak-vystavit-chetvertnuyu-otmetku")
    article = db.session.scalar(select(Article))
    assert (article.status, article.audience, article.revision_count) == (c.DRAFT, c.PUBLIC, 1)
    assert [t.name for t in article.tags] == ["отметки", "четверть"]
    edit = client.get(f"/kb/{article.slug}/edit").get_data(as_text=True)
    assert 'value="отметки, четверть"' in edit and 'name="revision" type="hidden" value="1"' in edit


@pytest.mark.parametrize("fields, field", [
    ({"title": ""}, "title"),
    ({"body": "   "}, "body"),
    ({"slug": "Плохой адрес"}, "slug"),
    ({"audience": "everyone"}, "audience"),
    ({"category_id": "12345"}, "category_id"),
])
def test_editor_errors_are_400_with_a_message_and_the_text_kept(client, auth, db, fields, field):
    auth.login("methodologist")
    response = auth.post("/kb/new", _form(summary="Мой набранный текст", **fields))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'id="{field}"' in html and "is-invalid" in html and "invalid-feedback" in html
    assert "Мой набранный текст" in html
    assert db.session.query(Article).count() == 0


def test_a_duplicate_address_is_refused_with_a_message(client, auth, kb, db):
    kb.article("Первая", slug="vhod")
    auth.login("methodologist")
    response = auth.post("/kb/new", _form(slug="vhod"))
    assert response.status_code == 400
    assert "vhod" in re.search(r'<div class="invalid-feedback d-block">([^<]*)</div>',
                               response.get_data(as_text=True)).group(1)
    assert db.session.query(Article).count() == 1


def test_readers_cannot_open_the_editor(client, auth, kb):
    article = kb.article()
    response = client.get("/kb/new")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    auth.login("teacher")
    assert client.get("/kb/new").status_code == 403
    assert auth.post("/kb/new", _form()).status_code == 403
    assert client.get(f"/kb/{article.slug}/edit").status_code == 403
    assert client.get(f"/kb/{article.slug}/history").status_code == 404
    assert client.get("/kb/manage").status_code == 403
    assert client.get("/kb/categories").status_code == 403


def test_editing_saves_a_revision_and_an_outdated_page_is_a_conflict(client, auth, kb, db):
    article = kb.article(status=c.DRAFT)
    auth.login(kb.author)
    edited = _form(title=article.title, slug=article.slug, body="Новый текст", revision="1", comment="правка")
    response = auth.post(f"/kb/{article.slug}/edit", edited)
    assert response.status_code == 302
    stale = auth.post(f"/kb/{article.slug}/edit", _form(title=article.title, slug=article.slug,
                                                        body="Мой вариант", revision="1"))
    assert stale.status_code == 409 and "Мой вариант" in stale.get_data(as_text=True)
    db.session.expire_all()
    article = db.session.get(Article, article.id)
    assert (article.body, article.revision_count) == ("Новый текст", 2)


def test_preview_shows_sanitized_html(client, auth, db):
    auth.login("operator")
    response = auth.post("/kb/preview", {"body": HOSTILE})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<strong>жирный</strong>" in html and "<script" not in html and "javascript:" not in html
    fallback = auth.post("/kb/new", _form(body="**жирный**<script>x</script>", action="preview"))
    assert fallback.status_code == 200
    preview = re.search(r'data-testid="preview">(.*?)</div>', fallback.get_data(as_text=True), re.S).group(1)
    assert "<strong>жирный</strong>" in preview and "<script" not in preview
    assert db.session.query(Article).count() == 0
    auth.logout()
    auth.login("teacher")
    assert auth.post("/kb/preview", {"body": "x"}).status_code == 403


def test_workflow_buttons_submit_and_publish(client, auth, kb, make, db):
    operator = make.user("operator")
    article = kb.article(status=c.DRAFT, author=operator)
    auth.login(operator)
    html = client.get(f"/kb/{article.slug}").get_data(as_text=True)
    assert 'data-testid="to-review"' in html and 'data-testid="to-published"' not in html
    assert auth.post(f"/kb/{article.slug}/status", {"status": c.REVIEW}).status_code == 302
    assert auth.post(f"/kb/{article.slug}/status", {"status": c.PUBLISHED}).status_code == 403
    assert auth.post(f"/kb/{article.slug}/status", {"status": "gone"}).status_code == 400
    auth.logout()
    auth.login(kb.author)
    assert 'data-testid="to-published"' in client.get(f"/kb/{article.slug}").get_data(as_text=True)
    assert auth.post(f"/kb/{article.slug}/status", {"status": c.PUBLISHED}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Article, article.id).status == c.PUBLISHED


def test_history_diff_revision_and_restore_pages(client, auth, kb, db):
    article = kb.article(body="Старая строка <b>теги</b>")
    auth.login(kb.author)
    auth.post(f"/kb/{article.slug}/edit", _form(title=article.title, slug=article.slug, audience=c.PUBLIC,
                                                body="Новая строка", revision="1", comment="переписал"))
    history = client.get(f"/kb/{article.slug}/history").get_data(as_text=True)
    assert history.count('data-testid="revision-row"') == 2 and "переписал" in history
    diff = client.get(f"/kb/{article.slug}/diff?from=1&to=2")
    assert diff.status_code == 200
    html = diff.get_data(as_text=True)
    assert "<del>Старая строка &lt;b&gt;теги&lt;/b&gt;</del>" in html and "<ins>Новая строка</ins>" in html
    assert client.get(f"/kb/{article.slug}/diff?from=1&to=9").status_code == 404
    assert client.get(f"/kb/{article.slug}/diff?from=1&to=99999999999999999999").status_code == 404
    assert client.get(f"/kb/{article.slug}/revisions/99999999999999999999").status_code == 404
    assert client.get(f"/kb/{article.slug}/diff?from=x").status_code == 302
    old = client.get(f"/kb/{article.slug}/revisions/1").get_data(as_text=True)
    assert "Старая строка" in old and 'data-testid="restore"' in old
    assert auth.post(f"/kb/{article.slug}/revisions/1/restore").status_code == 302
    db.session.expire_all()
    article = db.session.get(Article, article.id)
    assert (article.revision_count, article.body) == (3, "Старая строка <b>теги</b>")


def test_votes_from_the_page_once_per_session(client, auth, kb, db):
    article = kb.article()
    client.get(f"/kb/{article.slug}")
    assert auth.post(f"/kb/{article.slug}/vote", {"helpful": "yes", "comment": "Помогло"}).status_code == 302
    assert auth.post(f"/kb/{article.slug}/vote", {"helpful": "yes"}).status_code == 302
    assert auth.post(f"/kb/{article.slug}/vote", {"helpful": "maybe"}).status_code == 400
    assert auth.post(f"/kb/{article.slug}/vote", {"helpful": "no", "comment": "x" * 2001}).status_code == 400
    vote = db.session.scalar(select(ArticleVote))
    assert db.session.query(ArticleVote).count() == 1 and (vote.is_helpful, vote.comment) == (True, "Помогло")
    assert 'data-testid="your-vote"' in client.get(f"/kb/{article.slug}").get_data(as_text=True)


def test_views_are_counted_once_per_browser_session(app, client, kb, db):
    article = kb.article()
    for _ in range(3):
        client.get(f"/kb/{article.slug}")
    app.test_client().get(f"/kb/{article.slug}")
    client.get(f"/kb/{article.slug}/print")
    db.session.expire_all()
    assert db.session.get(Article, article.id).view_count == 2


def test_category_page_and_category_management(client, auth, kb, db):
    top = kb.category("Электронный журнал")
    kb.article("Вход", category=top)
    assert "Вход" in client.get(f"/kb/category/{top.slug}").get_data(as_text=True)
    assert client.get("/kb/category/none").status_code == 404
    auth.login(kb.author)
    assert client.get("/kb/categories").status_code == 200
    response = auth.post("/kb/categories", {"name": "Отметки", "slug": "", "parent_id": str(top.id),
                                            "position": "1"})
    assert response.status_code == 302
    child = db.session.scalar(select(ArticleCategory).where(ArticleCategory.slug == "otmetki"))
    assert child.parent_id == top.id
    third = auth.post("/kb/categories", {"name": "Глубже", "parent_id": str(child.id), "position": "0"})
    assert third.status_code == 400
    assert auth.post(f"/kb/categories/{child.id}", {"name": "Оценки", "slug": "otsenki", "parent_id": "0",
                                                    "position": "0"}).status_code == 302
    assert auth.post(f"/kb/categories/{top.id}/delete").status_code == 400
    assert auth.post(f"/kb/categories/{child.id}/delete").status_code == 302
    assert [cat.name for cat in db.session.scalars(select(ArticleCategory))] == ["Электронный журнал"]


def test_manage_lists_every_status_for_authors(client, auth, kb):
    kb.article("Черновик", status=c.DRAFT)
    kb.article("Опубликовано")
    auth.login("operator")
    html = client.get("/kb/manage").get_data(as_text=True)
    assert html.count('data-testid="manage-row"') == 2
    drafts = client.get("/kb/manage?status=draft").get_data(as_text=True)
    assert "Черновик" in drafts and "Опубликовано" not in drafts
