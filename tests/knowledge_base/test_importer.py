"""`kb import`: Markdown files with front matter into articles, all or nothing, idempotent by slug."""

import re
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.errors import PermissionDenied
from app.search import services as search
from knowledge_base import constants as c
from knowledge_base import importer
from knowledge_base.models import Article, ArticleCategory, ArticleRevision, Tag

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpora" / "progit-ru"
TREE = [
    {"slug": "daily-work", "name": "Ежедневная работа",
     "children": [{"slug": "marks", "name": "Отметки"}, {"slug": "attendance", "name": "Посещаемость"}]},
    {"slug": "hotline", "name": "Горячая линия"},
]
BODY = "## Шаги\n\n1. Откройте журнал.\n2. Поставьте отметку.\n"


def write_guide(directory, filename, body=BODY, **fields):
    """A guide file: front matter from the fields (title and slug made from the file name if absent)."""
    stem = filename.removesuffix(".md")
    meta = {"title": f"Статья {stem}", "slug": stem, "category": "marks", "tags": ["отметки"],
            "audience": c.PUBLIC, "status": c.PUBLISHED, "summary": "Кратко о статье."}
    meta.update(fields)
    meta = {key: value for key, value in meta.items() if value is not None}
    text = "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n\n" + body
    path = Path(directory) / filename
    path.write_text(text, encoding="utf-8")
    return path


def write_tree(directory, tree=TREE):
    text = yaml.safe_dump(tree, allow_unicode=True)
    (Path(directory) / "categories.yml").write_text(text, encoding="utf-8")


@pytest.fixture
def guides(tmp_path):
    """A directory with a category tree and two good guides."""
    write_tree(tmp_path)
    write_guide(tmp_path, "vystavit-otmetku.md", title="Как выставить отметку", tags=["отметки", "ЭЖ"])
    write_guide(tmp_path, "obrashchenie.md", category="hotline", audience=c.STAFF, status=c.DRAFT)
    return tmp_path


def table_counts(db):
    with db.engine.connect() as connection:
        return {table.name: connection.scalar(select(func.count()).select_from(table))
                for table in db.metadata.sorted_tables}


def article(db, slug):
    db.session.expire_all()
    return db.session.scalar(select(Article).where(Article.slug == slug))


def assert_revisions_consistent(db):
    for item in db.session.scalars(select(Article)):
        numbers = [revision.number for revision in item.revisions]
        assert numbers == list(range(1, item.revision_count + 1)), item.slug


def test_import_creates_the_tree_and_articles_with_a_first_revision(guides, db):
    report = importer.import_directory(None, guides)

    assert report.ok and (report.created, report.updated, report.unchanged) == (2, 0, 0)
    assert report.categories_created == 4
    marks = db.session.scalar(select(ArticleCategory).where(ArticleCategory.slug == "marks"))
    assert (marks.name, marks.parent.slug, marks.position) == ("Отметки", "daily-work", 0)
    guide = article(db, "vystavit-otmetku")
    assert (guide.title, guide.category.slug, guide.audience, guide.status) == (
        "Как выставить отметку", "marks", c.PUBLIC, c.PUBLISHED)
    assert guide.published_at is not None and guide.body == BODY.strip()
    assert sorted(tag.name for tag in guide.tags) == ["ЭЖ", "отметки"]
    assert guide.revision_count == 1
    revision = guide.revisions[0]
    assert (revision.number, revision.comment, revision.body, revision.category_id, revision.audience) == (
        1, "импорт из файла vystavit-otmetku.md", guide.body, marks.id, c.PUBLIC)
    assert revision.tags == ["отметки", "ЭЖ"]
    draft = article(db, "obrashchenie")
    assert (draft.status, draft.published_at, draft.audience) == (c.DRAFT, None, c.STAFF)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "kb.imported"))
    assert event.details["created"] == 2


def test_imported_articles_are_in_the_search_index(guides, db):
    importer.import_directory(None, guides)

    assert search.pending_count() == 0
    hits = search.search("выставить отметку", audiences=c.AUDIENCES).hits
    assert [hit.slug for hit in hits][:1] == ["vystavit-otmetku"]


def test_a_second_import_changes_nothing(guides, db):
    importer.import_directory(None, guides)
    before = table_counts(db)
    updated_at = article(db, "vystavit-otmetku").updated_at

    report = importer.import_directory(None, guides)

    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    after = table_counts(db)
    assert after.pop("audit_events") == before.pop("audit_events") + 1  # the import itself is audited
    assert after == before
    assert article(db, "vystavit-otmetku").updated_at == updated_at


def test_a_changed_file_becomes_a_new_revision(guides, db):
    importer.import_directory(None, guides)
    write_guide(guides, "vystavit-otmetku.md", body=BODY + "3. Сохраните урок.\n",
                title="Как выставить отметку", tags=["ЭЖ", "отметки", "урок"])

    report = importer.import_directory(None, guides)

    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    guide = article(db, "vystavit-otmetku")
    assert guide.revision_count == 2
    assert [r.number for r in guide.revisions] == [1, 2]
    assert "Сохраните урок" in guide.body and "Сохраните урок" in guide.revisions[1].body
    assert "Сохраните урок" not in guide.revisions[0].body
    assert guide.revisions[1].comment == "импорт из файла vystavit-otmetku.md"
    assert sorted(tag.name for tag in guide.tags) == ["ЭЖ", "отметки", "урок"]
    assert_revisions_consistent(db)


def test_reordered_tags_are_no_change_and_a_status_change_adds_no_revision(guides, db):
    importer.import_directory(None, guides)
    write_guide(guides, "vystavit-otmetku.md", title="Как выставить отметку", tags=["ЭЖ", "отметки"])
    write_guide(guides, "obrashchenie.md", category="hotline", audience=c.STAFF, status=c.PUBLISHED)

    report = importer.import_directory(None, guides)

    assert (report.updated, report.unchanged) == (1, 1)
    draft = article(db, "obrashchenie")
    assert (draft.status, draft.revision_count) == (c.PUBLISHED, 1)
    assert draft.published_at is not None


def test_existing_tags_are_reused_case_insensitively(guides, db):
    db.session.add(Tag(name="Отметки"))
    db.session.commit()

    importer.import_directory(None, guides)

    assert db.session.scalar(select(func.count(Tag.id)).where(func.lower(Tag.name) == "отметки")) == 1


def test_a_renamed_category_in_the_tree_is_updated(guides, db):
    importer.import_directory(None, guides)
    tree = [dict(TREE[0], name="Каждый день"), TREE[1]]
    write_tree(guides, tree)

    report = importer.import_directory(None, guides)

    assert (report.categories_created, report.categories_updated, report.unchanged) == (0, 1, 2)
    names = {category.slug: category.name for category in db.session.scalars(select(ArticleCategory))}
    assert names["daily-work"] == "Каждый день"


def test_a_methodologist_imports_and_signs_the_revisions(guides, make, db):
    methodologist = make.user("methodologist")

    importer.import_directory(methodologist, guides)

    guide = article(db, "vystavit-otmetku")
    assert guide.author_id == methodologist.id
    assert guide.revisions[0].author_id == methodologist.id


def test_a_teacher_may_not_import(guides, make, db):
    with pytest.raises(PermissionDenied):
        importer.import_directory(make.user("teacher"), guides)
    assert db.session.scalar(select(func.count(Article.id))) == 0


# --- bad directories ---------------------------------------------------------------------------

def bad_files(directory):
    """One file per kind of mistake; returns {file name: what the message must show}."""
    write_guide(directory, "broken-yaml.md")
    path = Path(directory) / "broken-yaml.md"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines.insert(3, "audience: public: staff")  # line 4 of the file
    path.write_text("\n".join(lines), encoding="utf-8")
    write_guide(directory, "unknown-category.md", category="no-such-category")
    write_guide(directory, "first.md", slug="same-slug")
    write_guide(directory, "second.md", slug="same-slug")
    write_guide(directory, "no-title.md", title=None)
    write_guide(directory, "bad-audience.md", audience="everybody")
    write_guide(directory, "bad-status.md", status="secret")
    write_guide(directory, "tags-not-a-list.md", tags="отметки, журнал")
    write_guide(directory, "bad-slug.md", slug="Как выставить")
    write_guide(directory, "no-body.md", body="   \n")
    write_guide(directory, "unknown-field.md", categroy="marks")
    (Path(directory) / "no-front-matter.md").write_text("# Заголовок\n\nТекст\n", encoding="utf-8")
    cp1251 = "---\ntitle: Отметки\nslug: cp\n---\nТекст\n".encode("cp1251")
    (Path(directory) / "cp1251.md").write_bytes(cp1251)
    return {"broken-yaml.md": r"\b4\b", "unknown-category.md": "no-such-category", "second.md": "first.md",
            "no-title.md": "title", "bad-audience.md": "everybody", "bad-status.md": "secret",
            "tags-not-a-list.md": "tags", "bad-slug.md": "Как выставить", "no-body.md": "",
            "unknown-field.md": "categroy", "no-front-matter.md": "", "cp1251.md": "UTF-8"}


def test_a_directory_with_bad_files_writes_nothing_and_names_each_file(guides, db):
    expected = bad_files(guides)
    before = table_counts(db)

    report = importer.import_directory(None, guides)

    assert not report.ok
    by_file = {}
    for filename, message in report.errors:
        by_file.setdefault(filename, []).append(message)
    assert sorted(by_file) == sorted(expected)
    for filename, pattern in expected.items():
        messages = by_file[filename]
        assert any(re.search(pattern, message) for message in messages), (filename, messages)
    assert table_counts(db) == before


def test_the_yaml_error_names_the_line_of_the_file(tmp_path, db):
    path = write_guide(tmp_path, "guide.md", category=None, summary="Кратко")
    lines = path.read_text(encoding="utf-8").split("\n")
    line = lines.index("summary: Кратко") + 1
    lines[line - 1] = "summary: Кратко: о статье"
    path.write_text("\n".join(lines), encoding="utf-8")

    report = importer.import_directory(None, tmp_path)

    [(filename, message)] = report.errors
    assert filename == "guide.md"
    assert re.findall(r"\d+", message) == [str(line)]


def test_unknown_categories_are_created_when_asked(tmp_path, db):
    write_guide(tmp_path, "one.md", category="Git-Basics")
    write_guide(tmp_path, "two.md", category="git-basics")

    refused = importer.import_directory(None, tmp_path)
    report = importer.import_directory(None, tmp_path, create_missing_categories=True)

    assert refused.unknown_categories == ["git-basics"] and len(refused.errors) == 2
    assert (report.created, report.categories_created) == (2, 1)
    category = db.session.scalar(select(ArticleCategory).where(ArticleCategory.slug == "git-basics"))
    assert (category.name, category.parent_id) == ("git-basics", None)


@pytest.mark.parametrize("tree, pattern", [
    ([{"slug": "a", "name": "A", "children": [{"slug": "b", "name": "B", "children": [
        {"slug": "c", "name": "C"}]}]}], "только два уровня"),
    ([{"slug": "a", "name": "A"}, {"slug": "a", "name": "A again"}], "указана дважды"),
    ([{"slug": "a"}], "name"),
    ({"slug": "a", "name": "A"}, "списком YAML"),
])
def test_a_bad_category_tree_is_refused(tmp_path, db, tree, pattern):
    write_tree(tmp_path, tree)
    write_guide(tmp_path, "guide.md", category="a")

    report = importer.import_directory(None, tmp_path)

    assert report.errors and {name for name, _message in report.errors} == {"categories.yml"}
    assert any(re.search(pattern, message) for _name, message in report.errors)
    assert db.session.scalar(select(func.count(ArticleCategory.id))) == 0


def test_moving_a_category_keeps_the_tree_two_levels_deep(guides, db):
    importer.import_directory(None, guides)
    write_tree(guides, [{"slug": "hotline", "name": "Горячая линия",
                         "children": [{"slug": "daily-work", "name": "Ежедневная работа"}]}])

    refused = importer.import_directory(None, guides)
    write_tree(guides, [{"slug": "hotline", "name": "Горячая линия",
                         "children": [{"slug": "daily-work", "name": "Ежедневная работа"}]},
                        {"slug": "marks", "name": "Отметки"}, {"slug": "attendance", "name": "Посещаемость"}])
    moved = importer.import_directory(None, guides)

    assert {name for name, _message in refused.errors} == {"categories.yml"}
    named = [slug for slug in ("attendance", "marks") if any(slug in text for _n, text in refused.errors)]
    assert named == ["attendance", "marks"]
    assert moved.ok and moved.categories_updated == 4  # hotline moved up to the first place too
    parents = {category.slug: category.parent_id for category in db.session.scalars(select(ArticleCategory))}
    assert parents["marks"] is None and parents["daily-work"] is not None


def test_an_empty_or_missing_directory_is_an_error(tmp_path, db):
    assert importer.import_directory(None, tmp_path).errors
    assert importer.import_directory(None, tmp_path / "missing").errors


# --- the shared corpus -------------------------------------------------------------------------

def test_the_shared_corpus_imports_with_its_categories_created(db):
    files = sorted(CORPUS.glob("*.md"))
    assert len(files) >= 280, f"the corpus at {CORPUS} is missing"
    refused = importer.import_directory(None, CORPUS)
    assert refused.unknown_categories and db.session.scalar(select(func.count(Article.id))) == 0

    report = importer.import_directory(None, CORPUS, create_missing_categories=True)

    assert report.ok, report.errors[:5]
    assert (report.created, report.categories_created) == (len(files), 12)
    assert db.session.scalar(select(func.count(ArticleRevision.id))) == len(files)
    assert db.session.scalar(select(func.count(Article.id)).where(Article.category_id.is_(None))) == 0
    assert search.pending_count() == 0


# --- the command -------------------------------------------------------------------------------

def test_the_command_prints_the_counts(guides, runner, db):
    result = runner.invoke(args=["kb", "import", str(guides)])

    assert result.exit_code == 0, result.output
    assert "Создано статей: 2, обновлено: 0, без изменений: 0" in result.output
    again = runner.invoke(args=["kb", "import", str(guides)])
    assert "Создано статей: 0, обновлено: 0, без изменений: 2" in again.output


def test_the_command_lists_bad_files_and_exits_with_1(guides, runner, db):
    write_guide(guides, "unknown-category.md", category="no-such-category")

    result = runner.invoke(args=["kb", "import", str(guides)])

    assert result.exit_code == 1
    assert "unknown-category.md: " in result.output
    assert "Ничего не импортировано." in result.output
    assert "--create-categories" in result.output
    assert db.session.scalar(select(func.count(Article.id))) == 0
