"""Reading guides: audience scope everywhere, related guides, one vote per reader, one view per session."""

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import select

from app.errors import NotFound, PermissionDenied
from knowledge_base import constants as c
from knowledge_base import reading, services
from knowledge_base.models import Article, ArticleVote

GUEST = AnonymousUserMixin()


@pytest.fixture
def shelf(kb):
    """One guide per audience in one category, plus a draft, an archived guide and a subcategory."""
    top = kb.category("Электронный журнал")
    sub = kb.category("Отметки", parent=top)
    return {
        "top": top, "sub": sub,
        "public": kb.article("Вход в журнал", audience=c.PUBLIC, category=top, tags=["вход"]),
        "staff": kb.article("Отметки за четверть", audience=c.STAFF, category=sub, tags=["вход"]),
        "internal": kb.article("Сброс пароля оператором", audience=c.INTERNAL, category=top, tags=["вход"]),
        "draft": kb.article("Черновик о журнале", status=c.DRAFT, audience=c.PUBLIC, category=top),
        "archived": kb.article("Старый порядок", status=c.ARCHIVED, audience=c.PUBLIC, category=top),
    }


def _titles(articles):
    return sorted(article.title for article in articles)


def test_home_lists_only_what_the_reader_may_read(shelf, make):
    teacher_home = reading.home(make.user("teacher"))
    expected = ["Вход в журнал", "Отметки за четверть"]
    assert _titles(teacher_home.popular) == expected and _titles(teacher_home.recent) == expected
    top = teacher_home.categories
    assert [(item.category.name, item.count) for item in top] == [("Электронный журнал", 2)]
    assert [(child.category.name, child.count) for child in top[0].children] == [("Отметки", 1)]
    guest_home = reading.home(GUEST)
    assert _titles(guest_home.popular) == ["Вход в журнал"] and guest_home.categories[0].count == 1
    operator_home = reading.home(make.user("operator"))
    assert _titles(operator_home.recent) == [*expected, "Сброс пароля оператором"]
    assert operator_home.can_author and not teacher_home.can_author


def test_category_page_holds_its_subcategories_guides_within_scope(shelf, make):
    page = reading.category_page(make.user("teacher"), shelf["top"].slug, 1)
    assert _titles(page.articles.items) == ["Вход в журнал", "Отметки за четверть"]
    assert [(child.category.slug, child.count) for child in page.children] == [(shelf["sub"].slug, 1)]
    assert _titles(reading.category_page(GUEST, shelf["sub"].slug, 1).articles.items) == []
    with pytest.raises(NotFound):
        reading.category_page(GUEST, "no-such-category", 1)


def test_an_internal_guide_is_not_found_for_a_teacher_and_a_guest(shelf, make):
    for reader in (make.user("teacher"), make.user("school"), GUEST):
        with pytest.raises(NotFound):
            reading.article_page(reader, shelf["internal"].slug)
    operator_page = reading.article_page(make.user("operator"), shelf["internal"].slug)
    assert operator_page.article.id == shelf["internal"].id


def test_drafts_and_archived_guides_are_for_authors_only(shelf, make):
    for slug in (shelf["draft"].slug, shelf["archived"].slug):
        with pytest.raises(NotFound):
            reading.article_page(make.user("teacher"), slug)
        with pytest.raises(NotFound):
            reading.article_page(GUEST, slug)
        assert reading.article_page(make.user("methodologist"), slug).can_edit


def test_a_guest_is_asked_to_sign_in_for_a_staff_guide(shelf):
    with pytest.raises(services.SignInRequired):
        reading.article_page(GUEST, shelf["staff"].slug)
    with pytest.raises(NotFound):
        reading.article_page(GUEST, "no-such-guide")


def test_related_guides_share_the_category_or_tags_and_respect_the_scope(shelf, make, kb):
    unrelated = kb.article("Про дневник", audience=c.PUBLIC)
    assert unrelated.category_id is None
    teacher = make.user("teacher")
    related = reading.article_page(teacher, shelf["public"].slug).related
    assert _titles(related) == ["Отметки за четверть"]
    operator_related = reading.related_articles(make.user("operator"), shelf["public"])
    assert _titles(operator_related) == ["Отметки за четверть", "Сброс пароля оператором"]
    assert reading.related_articles(GUEST, shelf["public"]) == []
    assert reading.related_articles(teacher, unrelated) == []


def test_a_view_is_counted_once_per_session(shelf, db):
    article = shelf["public"]
    first = reading.article_page(GUEST, article.slug, already_viewed=[])
    again = reading.article_page(GUEST, article.slug, already_viewed=[article.id])
    other_session = reading.article_page(GUEST, article.slug, already_viewed=[999])
    assert (first.counted, again.counted, other_session.counted) == (True, False, True)
    db.session.expire_all()
    assert db.session.get(Article, article.id).view_count == 2


def test_an_unpublished_guide_is_not_counted(shelf, make, db):
    page = reading.article_page(make.user("methodologist"), shelf["draft"].slug, already_viewed=[])
    assert not page.counted
    assert db.session.get(Article, shelf["draft"].id).view_count == 0


def test_popular_follows_the_view_count(shelf, make):
    teacher = make.user("teacher")
    reading.article_page(teacher, shelf["public"].slug)
    reading.article_page(teacher, shelf["staff"].slug)
    reading.article_page(make.user("teacher"), shelf["staff"].slug)
    assert [a.title for a in reading.home(teacher).popular] == ["Отметки за четверть", "Вход в журнал"]


def _votes(db, article):
    db.session.expire_all()
    row = db.session.get(Article, article.id)
    count = db.session.query(ArticleVote).filter_by(article_id=article.id).count()
    return row.helpful_count, row.unhelpful_count, count


def test_a_user_votes_once_and_may_change_the_answer(shelf, make, db):
    teacher, article = make.user("teacher"), shelf["staff"]
    reading.vote(teacher, article.slug, None, True, "Спасибо")
    reading.vote(teacher, article.slug, "another-session", True, "")
    assert _votes(db, article) == (1, 0, 1)
    reading.vote(teacher, article.slug, None, False, "Не нашла про итоговые")
    assert _votes(db, article) == (0, 1, 1)
    vote = db.session.scalar(select(ArticleVote))
    assert (vote.user_id, vote.voter_key) == (teacher.id, f"user-{teacher.id}")
    assert vote.comment == "Не нашла про итоговые"
    assert reading.article_page(teacher, article.slug).vote.id == vote.id


def test_a_guest_votes_once_per_session_key(shelf, db):
    article = shelf["public"]
    reading.vote(GUEST, article.slug, "secret-1", True)
    reading.vote(GUEST, article.slug, "secret-1", True)
    reading.vote(GUEST, article.slug, "secret-2", False)
    assert _votes(db, article) == (1, 1, 2)
    keys = db.session.scalars(select(ArticleVote.voter_key)).all()
    assert all(len(key) == 64 and "secret" not in key for key in keys)
    assert reading.article_page(GUEST, article.slug, visitor_secret="secret-2").vote.is_helpful is False
    assert reading.article_page(GUEST, article.slug, visitor_secret="secret-3").vote is None


def test_votes_are_refused_where_the_guide_cannot_be_read_or_is_not_published(shelf, make, db):
    with pytest.raises(NotFound):
        reading.vote(make.user("teacher"), shelf["internal"].slug, None, True)
    with pytest.raises(PermissionDenied):
        reading.vote(make.user("methodologist"), shelf["draft"].slug, None, True)
    with pytest.raises(PermissionDenied):
        reading.vote(GUEST, shelf["public"].slug, None, True)
    assert db.session.query(ArticleVote).count() == 0


def test_manage_listing_is_for_authors_and_filters_by_status(shelf, make):
    operator = make.user("operator")
    assert reading.manage_listing(operator, "", 1).total == 5
    assert _titles(reading.manage_listing(operator, c.DRAFT, 1).items) == ["Черновик о журнале"]
    with pytest.raises(PermissionDenied):
        reading.manage_listing(make.user("teacher"), "", 1)
