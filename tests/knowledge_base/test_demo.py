"""The demo step of the knowledge base: the starter guides, a few with a longer history; idempotent."""

from sqlalchemy import func, select

from app.auth.models import User
from knowledge_base import demo
from knowledge_base.models import Article, ArticleCategory, ArticleRevision

PASSWORD = "demo-pass-123"


def build(runner):
    result = runner.invoke(args=["demo", "--password", PASSWORD])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def counts(db):
    return tuple(db.session.scalar(select(func.count(model.id)))
                 for model in (Article, ArticleRevision, ArticleCategory))


def test_the_demo_imports_every_starter_guide(runner, db):
    output = build(runner)

    files = sorted(demo.CONTENT_DIR.glob("*.md"))
    slugs = set(db.session.scalars(select(Article.slug)))
    assert slugs == {path.stem for path in files}
    assert f"База знаний: статей создано {len(files)}" in output
    methodologist = db.session.scalar(select(User).where(User.email == demo.IMPORTER))
    imported = db.session.scalar(select(Article).where(Article.slug == "slovar-terminov"))
    assert imported.author_id == methodologist.id and imported.revision_count == 1


def test_a_few_guides_have_an_earlier_shorter_draft(runner, db):
    build(runner)

    for slug, email, days in demo.HISTORY:
        article = db.session.scalar(select(Article).where(Article.slug == slug))
        first, second = article.revisions
        assert (article.revision_count, first.number, second.number) == (2, 1, 2)
        assert first.author.email == email and article.author_id == first.author_id
        assert first.created_at < second.created_at <= article.updated_at
        assert (second.created_at - first.created_at).days == days // 2
        assert (article.created_at, article.published_at) == (first.created_at, second.created_at)
        assert second.body == article.body and article.body.startswith(first.body)
        assert len(first.body) < len(second.body)
        _body, heading = demo.without_last_section(article.body)
        assert heading and heading in second.comment and heading not in first.body


def test_building_twice_changes_no_guide(runner, db):
    build(runner)
    before = counts(db)
    updated = dict(db.session.execute(select(Article.slug, Article.updated_at)).all())

    output = build(runner)

    db.session.expire_all()
    assert counts(db) == before
    assert dict(db.session.execute(select(Article.slug, Article.updated_at)).all()) == updated
    assert f"без изменений {before[0]}" in output


def test_without_last_section_keeps_bodies_without_sections():
    assert demo.without_last_section("Текст без разделов") == ("Текст без разделов", "")
    assert demo.without_last_section("## Один\n\nТекст") == ("## Один\n\nТекст", "")
    assert demo.without_last_section("Вступление\n\n## Первый\n\nА\n\n## Второй\n\nБ") == (
        "Вступление\n\n## Первый\n\nА", "Второй")
