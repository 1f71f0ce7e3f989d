"""An article page's content is kept per guide, reader session and language until what it shows changes."""

from sqlalchemy import select

from app.uploads import UploadedFile
from knowledge_base import constants as c
from knowledge_base import files, page_cache, services
from knowledge_base.models import ArticleFile

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def page_of(client, article):
    response = client.get(f"/kb/{article.slug}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_repeated_page_is_served_kept_with_fewer_statements(app, auth, client, kb, count_statements):
    auth.login("teacher")
    article = kb.article("Как выставить отметку")
    page_of(client, article)  # the first view is counted, and its content kept
    kept = count_statements(lambda: page_of(client, article))
    assert page_of(client, article) == page_of(client, article)
    app.config["KB_PAGE_TTL"] = 0
    assert count_statements(lambda: page_of(client, article)) > kept


def test_a_changed_vote_comment_shows_at_once(auth, client, kb):
    auth.login("teacher")
    article = kb.article("Как выставить отметку")
    for comment in ("Помогло", "Помогло, спасибо"):  # the same answer: only the comment changes
        response = auth.post(f"/kb/{article.slug}/vote", {"helpful": "yes", "comment": comment})
        assert response.status_code == 302
        assert comment in page_of(client, article)


def test_a_removed_file_goes_from_the_page_at_once(auth, client, kb, db):
    article = kb.article("Как выставить отметку")
    data = {"title": article.title, "slug": article.slug, "summary": "", "body": article.body,
            "audience": "public", "tags": "", "category_id": None}
    services.save_article(kb.author, article.id, data, "файл", files=[UploadedFile("памятка.pdf", PDF)],
                          expected_revision=article.revision_count)
    auth.login("teacher")
    assert "памятка.pdf" in page_of(client, article)
    row = db.session.scalar(select(ArticleFile))
    files.remove_file(kb.author, row.id)
    assert "памятка.pdf" not in page_of(client, article)


def test_a_zero_ttl_turns_the_cache_off(app, auth, client, kb, count_statements):
    app.config["KB_PAGE_TTL"] = 0
    auth.login("teacher")
    article = kb.article("Как выставить отметку")
    page_of(client, article)
    costs = [count_statements(lambda: page_of(client, article)) for _ in range(2)]
    assert costs[0] == costs[1] > 2
    assert page_cache.PAGE_TTL > 0


def hits_of(client, query="четвертная отметка"):
    response = client.get("/kb/search", query_string={"q": query})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_search_page_is_kept_per_audience_and_follows_what_may_be_read(app, auth, client, kb):
    public = kb.article("Как выставить четвертную отметку")
    staff = kb.article("Четвертная отметка: проверка администратором", audience=c.STAFF)
    assert public.title in hits_of(client) and staff.title not in hits_of(client)  # a guest
    auth.login("teacher")
    page = hits_of(client)
    assert public.title in page and staff.title in page and hits_of(client) == page
    services.change_status(kb.author, staff.id, c.ARCHIVED)  # out of reach at once, index or not
    assert staff.title not in hits_of(client) and public.title in hits_of(client)
