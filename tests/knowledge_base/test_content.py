"""The starter guides in knowledge_base/content/: well-formed, practical, covering the plan, importable."""

import re
from pathlib import Path

import pytest
from markupsafe import escape
from sqlalchemy import select

from app.markup import render_markdown
from knowledge_base import constants as c
from knowledge_base import importer
from knowledge_base.guide_files import read_categories, read_guide
from knowledge_base.models import Article

CONTENT = Path(importer.__file__).resolve().parent / "content"
FILES = sorted(CONTENT.glob("*.md"))
MIN_WORDS, MAX_WORDS = 300, 900
# What the guides must tell, by plan item or topic: (what, a phrase some guide contains).
COVERAGE = (
    ("order deadline for appointing the responsible person", "до 11.11.2010"),
    ("a sample text of the order", "Образец текста приказа"),
    ("school activation deadline", "до 15.11.2010"),
    ("information space deadline", "до 20.11.2010"),
    ("marks entered on the day of the lesson", "в день урока"),
    ("attendance code н", "отсутствовал"),
    ("attendance code б", "болел"),
    ("attendance code п", "по уважительной причине"),
    ("attendance code о", "опоздал"),
    ("kinds of work and weights", "| Контрольная работа | 3 |"),
    ("a worked weighted average", "32 ÷ 8"),
    ("rounding at 4,6", "4,6"),
    ("too few marks", "Если отметок мало"),
    ("parents' login and password", "логин и пароль"),
    ("keyboard layout", "раскладк"),
    ("Caps Lock", "Caps Lock"),
    ("blocked account", "заблокирован"),
    ("quarterly reports (plan item 2.6)", "2.6"),
    ("ticket numbers", "Т-000123"),
    ("replying by e-mail", "Ответить"),
    ("seminars in April and September", "в апреле и в сентябре"),
    ("the course", "Ведение электронных дневников и электронных журналов успеваемости"),
    ("personal data", "персональные данные"),
    ("glossary", "ИПКРО"),
    ("escalation", "Эскалация"),
)


def body_of(path):
    return path.read_text(encoding="utf-8").split("---\n", 2)[2]


@pytest.fixture(scope="module")
def guides():
    return [read_guide(path) for path in FILES]


def test_there_are_at_least_twenty_published_guides_for_every_audience(guides):
    published = [guide for guide in guides if guide.status == c.PUBLISHED]
    assert len(published) >= 20
    assert {guide.audience for guide in published} == set(c.AUDIENCES)
    assert sum(guide.audience == c.INTERNAL for guide in published) >= 2
    assert len({guide.slug for guide in guides}) == len(guides)
    assert all(guide.summary and guide.tags for guide in guides)


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_each_guide_is_practical_and_of_a_readable_length(path):
    guide = read_guide(path)
    words = len(re.findall(r"\w+", guide.body))
    assert MIN_WORDS <= words <= MAX_WORDS, words
    assert guide.slug == path.stem
    html = str(render_markdown(guide.body))
    headings = re.findall(r"^## (.+)$", guide.body, re.M)
    assert len(headings) >= 3
    assert re.findall(r"<h2>(.+?)</h2>", html) == [str(escape(heading)) for heading in headings]
    assert "<ol>" in html or "<table>" in html
    assert "<ul>" in html or "<table>" in html


def test_the_category_tree_has_two_levels_and_every_guide_names_one_of_it(guides):
    specs = read_categories(CONTENT / "categories.yml")
    slugs = {spec.slug for spec in specs}
    top_level = {spec.slug for spec in specs if spec.parent is None}
    assert all(spec.parent in top_level for spec in specs if spec.parent)
    assert any(spec.parent for spec in specs)
    assert {guide.category for guide in guides} <= slugs


@pytest.mark.parametrize("what, phrase", COVERAGE, ids=[what for what, _phrase in COVERAGE])
def test_the_guides_cover_the_plan(what, phrase):
    assert any(phrase.casefold() in body_of(path).casefold() for path in FILES), what


def test_the_guides_use_the_words_people_search_with():
    text = " ".join(body_of(path) for path in FILES)
    for word in ("ЭЖ", "электронный журнал", "ЭД", "электронный дневник", "логин", "пароль", "МОУО", "ОУ"):
        assert word in text, word


def test_the_content_imports_with_every_category_resolved(db):
    report = importer.import_directory(None, CONTENT)

    assert report.ok, report.errors
    assert report.created == len(FILES) >= 20
    articles = db.session.scalars(select(Article)).all()
    by_slug = {article.slug: article for article in articles}
    for path in FILES:
        guide = read_guide(path)
        article = by_slug[guide.slug]
        assert article.category is not None and article.category.slug == guide.category
        rendered = str(render_markdown(article.body))
        assert rendered.count("<h2>") == len(re.findall(r"^## ", guide.body, re.M))
    assert {article.audience for article in articles} == set(c.AUDIENCES)
