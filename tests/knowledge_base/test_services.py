"""Writing guides: revisions, slugs, the workflow by role, diff, restore, categories and tags."""

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from knowledge_base import categories, diff, services
from knowledge_base import constants as c
from knowledge_base.models import Article, ArticleRevision, Tag


def _data(**fields):
    data = {"title": "Как выставить отметку", "slug": "", "summary": "Кратко", "body": "Текст",
            "category_id": None, "tags": [], "audience": c.PUBLIC}
    data.update(fields)
    return data


def _actions(db):
    return [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


@pytest.mark.parametrize("title, slug", [
    ("Как выставить отметку", "kak-vystavit-otmetku"),
    ("Ёлка, щука и объявление!", "elka-shchuka-i-obyavlenie"),
    ("Журнал 5 «А» класса — итоги", "zhurnal-5-a-klassa-itogi"),
    ("Вход в ЭЖ (e-journal)", "vkhod-v-ezh-e-journal"),
])
def test_slug_is_transliterated_from_the_title(title, slug):
    assert services.slugify(title) == slug


def test_create_makes_a_draft_with_its_first_revision(make, db):
    author = make.user("methodologist")
    data = _data(tags=["отметки", "Журнал", "журнал "])
    article = services.create_article(author, data, "первая версия")
    db.session.expire_all()
    article = db.session.get(Article, article.id)
    assert (article.slug, article.status, article.revision_count) == ("kak-vystavit-otmetku", c.DRAFT, 1)
    assert [t.name for t in article.tags] == ["Журнал", "отметки"]
    revision = article.revisions[0]
    assert (revision.number, revision.author_id, revision.comment) == (1, author.id, "первая версия")
    assert (revision.title, revision.body) == ("Как выставить отметку", "Текст")
    assert revision.tags == ["Журнал", "отметки"]


def test_every_save_is_a_new_revision_and_the_article_holds_the_latest(make, db):
    author = make.user("operator")
    article = services.create_article(author, _data(), "")
    services.save_article(author, article.id, _data(body="Текст 2", tags="пароль, вход"), "дополнил")
    services.save_article(author, article.id, _data(body="Текст 3", tags="пароль"), "сократил",
                          expected_revision=2)
    db.session.expire_all()
    article = db.session.get(Article, article.id)
    assert (article.body, article.revision_count) == ("Текст 3", 3)
    assert [t.name for t in article.tags] == ["пароль"]
    rows = db.session.scalars(select(ArticleRevision).order_by(ArticleRevision.number)).all()
    assert [(r.number, r.body, r.comment, r.tags) for r in rows] == [
        (1, "Текст", "", []),
        (2, "Текст 2", "дополнил", ["вход", "пароль"]),
        (3, "Текст 3", "сократил", ["пароль"]),
    ]


def test_saving_an_unchanged_text_adds_no_revision(make, db):
    author = make.user("methodologist")
    article = services.create_article(author, _data(), "")
    services.save_article(author, article.id, _data(), "ничего")
    assert db.session.get(Article, article.id).revision_count == 1


def test_a_save_on_an_outdated_page_is_a_conflict(make, db):
    author = make.user("methodologist")
    article = services.create_article(author, _data(), "")
    services.save_article(author, article.id, _data(body="другой"), "", expected_revision=1)
    with pytest.raises(Conflict):
        services.save_article(author, article.id, _data(body="мой"), "", expected_revision=1)
    assert db.session.get(Article, article.id).body == "другой"


def test_duplicate_slug_is_refused_with_a_clear_message(make, db):
    author = make.user("methodologist")
    services.create_article(author, _data(slug="vhod"), "")
    with pytest.raises(ValidationFailed) as refused:
        services.create_article(author, _data(title="Другой", slug="vhod"), "")
    assert "vhod" in refused.value.field_errors["slug"][0]
    assert db.session.query(Article).count() == 1


def test_a_generated_slug_that_is_taken_gets_a_number(make):
    author = make.user("methodologist")
    first = services.create_article(author, _data(), "")
    second = services.create_article(author, _data(), "")
    assert (first.slug, second.slug) == ("kak-vystavit-otmetku", "kak-vystavit-otmetku-2")


@pytest.mark.parametrize("slug", ["С кириллицей", "two--hyphens", "-edge", "search", "new", "suggest"])
def test_bad_or_reserved_slugs_are_refused(make, slug):
    with pytest.raises(ValidationFailed) as refused:
        services.create_article(make.user("methodologist"), _data(slug=slug), "")
    assert list(refused.value.field_errors) == ["slug"]


def test_missing_title_and_body_and_unknown_choices_are_field_errors(make):
    with pytest.raises(ValidationFailed) as refused:
        services.create_article(make.user("methodologist"),
                                _data(title=" ", body="", audience="everyone", category_id=999), "")
    assert set(refused.value.field_errors) == {"title", "body", "audience", "category_id"}


@pytest.mark.parametrize("role", ["teacher", "school", "municipal", "coordinator"])
def test_only_authors_write_guides(make, role):
    with pytest.raises(PermissionDenied):
        services.create_article(make.user(role), _data(), "")


def test_workflow_an_operator_submits_a_methodologist_publishes(make, db):
    operator, methodologist = make.user("operator"), make.user("methodologist")
    article = services.create_article(operator, _data(), "")
    services.change_status(operator, article.id, c.REVIEW)
    with pytest.raises(PermissionDenied):
        services.change_status(operator, article.id, c.PUBLISHED)
    assert services.next_statuses(operator, article) == [c.DRAFT]
    services.change_status(methodologist, article.id, c.PUBLISHED)
    article = db.session.get(Article, article.id)
    assert article.status == c.PUBLISHED and article.published_at is not None
    with pytest.raises(PermissionDenied):
        services.save_article(operator, article.id, _data(body="правка"), "")
    for refused in (c.ARCHIVED, c.DRAFT):
        with pytest.raises(PermissionDenied):
            services.change_status(operator, article.id, refused)
    services.change_status(make.user("admin"), article.id, c.ARCHIVED)
    assert db.session.get(Article, article.id).status == c.ARCHIVED
    assert _actions(db) == ["kb.article_published", "kb.article_archived"]


def test_a_transition_outside_the_workflow_is_refused(kb, db):
    article = kb.article(status=c.PUBLISHED)
    with pytest.raises(ValidationFailed):
        services.change_status(kb.author, article.id, c.REVIEW)
    with pytest.raises(ValidationFailed):
        services.change_status(kb.author, article.id, "deleted")
    assert db.session.get(Article, article.id).status == c.PUBLISHED


def test_a_reader_cannot_touch_the_workflow_of_a_draft_they_cannot_see(kb, make):
    article = kb.article(status=c.DRAFT)
    with pytest.raises(NotFound):
        services.change_status(make.user("teacher"), article.id, c.REVIEW)
    published = kb.article(title="Опубликовано")
    with pytest.raises(PermissionDenied):
        services.change_status(make.user("teacher"), published.id, c.ARCHIVED)


def test_diff_marks_insertions_and_deletions_and_escapes_text(make):
    author = make.user("methodologist")
    article = services.create_article(author, _data(body="строка один\nстрока два\nстрока три"), "")
    services.save_article(author, article.id, _data(
        body="строка один\n<script>alert(1)</script>\nстрока три", tags=["новый"], audience=c.STAFF), "")
    changes = diff.compare(author, article.slug, 1, 2)
    table = str(next(iter(changes.texts.values())))
    assert len(changes.texts) == 1
    assert '<tr class="table-danger" data-change="delete">' in table and "<del>строка два</del>" in table
    assert "<ins>&lt;script&gt;alert(1)&lt;/script&gt;</ins>" in table
    assert "<script>" not in table
    assert table.count('data-change="equal"') == 2
    assert {(f.old, f.new) for f in changes.fields} >= {("—", "новый")}
    assert len(changes.fields) == 2


def test_diff_table_of_equal_texts_is_none_and_long_texts_are_cut_to_context():
    assert diff.diff_table("а\nб", "а\nб") is None
    old = "\n".join(f"строка {n}" for n in range(40))
    new = old.replace("строка 20", "строка двадцать")
    table = str(diff.diff_table(old, new))
    assert table.count("<tr") == 2 * diff.CONTEXT_LINES + 2
    assert "строка 10" not in table


def test_restore_makes_a_new_revision_equal_to_the_old_one(make, db):
    author = make.user("methodologist")
    article = services.create_article(author, _data(body="первый", tags=["а"]), "")
    services.save_article(author, article.id, _data(title="Новый заголовок", body="второй", tags=["б"]), "")
    services.restore_revision(author, article.id, 1)
    db.session.expire_all()
    article = db.session.get(Article, article.id)
    assert (article.title, article.body) == ("Как выставить отметку", "первый")
    assert [t.name for t in article.tags] == ["а"]
    assert [r.number for r in article.revisions] == [1, 2, 3]
    assert "1" in article.revisions[2].comment and article.revisions[2].body == "первый"
    assert article.revisions[1].body == "второй"
    assert _actions(db) == ["kb.article_restored"]


def test_only_publishers_restore(make, kb):
    operator = make.user("operator")
    article = services.create_article(operator, _data(), "")
    services.save_article(operator, article.id, _data(body="правка"), "")
    with pytest.raises(PermissionDenied):
        services.restore_revision(operator, article.id, 1)
    with pytest.raises(NotFound):
        services.restore_revision(kb.author, article.id, 7)


def test_tags_are_reused_case_insensitively_and_can_be_merged(make, db):
    author = make.user("methodologist")
    first = services.create_article(author, _data(tags=["Пароль"]), "")
    second = services.create_article(author, _data(tags=["пароль", "вход"]), "")
    assert db.session.query(Tag).count() == 2
    vhod = db.session.scalar(select(Tag).where(Tag.name == "вход"))
    categories.rename_tag(author, vhod.id, "пароль")
    db.session.expire_all()
    assert [t.name for t in db.session.get(Article, second.id).tags] == ["Пароль"]
    assert [t.name for t in db.session.get(Article, first.id).tags] == ["Пароль"]
    assert db.session.query(Tag).count() == 1


def test_category_tree_has_two_levels(kb, db):
    top = kb.category("Электронный журнал")
    child = kb.category("Отметки", parent=top)
    assert (top.slug, child.parent_id) == ("elektronnyy-zhurnal", top.id)
    with pytest.raises(ValidationFailed) as refused:
        kb.category("Третий уровень", parent=child)
    assert list(refused.value.field_errors) == ["parent_id"]
    with pytest.raises(ValidationFailed):
        categories.update_category(kb.author, top.id, {"name": top.name, "slug": top.slug,
                                                       "parent_id": kb.category("Другая").id})
    kb.article(category=child)
    with pytest.raises(ValidationFailed):
        categories.delete_category(kb.author, child.id)
    assert _actions(db).count("kb.category_created") == 3


def test_only_publishers_manage_categories(make):
    with pytest.raises(PermissionDenied):
        categories.create_category(make.user("operator"), {"name": "Журнал"})
