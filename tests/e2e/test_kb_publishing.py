"""A methodologist writes, reviews and publishes a guide in Chromium; a guest finds it with a typo."""

import re

import pytest

from knowledge_base import constants as c
from knowledge_base.models import Article
from tests.fixtures.browser import sign_in

pytestmark = pytest.mark.e2e

TITLE = "Как выставить четвертную отметку"
BODY = """Четвертная отметка ставится в конце учебной четверти.

## Порядок действий

1. Откройте **электронный журнал** своего класса.
2. Перейдите на вкладку «Итоговые отметки».
3. Выберите четверть и выставьте отметку каждому ученику.

> Отметку можно исправить до закрытия периода.
"""


def _write_guide(page, base_url, artifacts_dir):
    """Fill the editor, check the script's preview, save the draft."""
    page.goto(f"{base_url}/kb/")
    page.get_by_test_id("new-article").click()
    page.wait_for_url(f"{base_url}/kb/new")
    page.locator("#title").fill(TITLE)
    page.locator("#summary").fill("Где в журнале выставить итоговую отметку за четверть.")
    page.locator("#body").fill(BODY)
    page.locator("#tags").fill("отметки, четверть")
    page.locator("#audience").select_option(c.PUBLIC)
    page.locator("#comment").fill("первая версия")
    page.get_by_test_id("preview-button").click()
    preview = page.get_by_test_id("preview")
    preview.locator("strong").wait_for()
    assert preview.locator("strong").inner_text() == "электронный журнал"
    assert page.url == f"{base_url}/kb/new"  # the preview came from the script, the form is still open
    page.screenshot(path=str(artifacts_dir / "kb-editor-preview.png"), full_page=True)
    page.get_by_test_id("save-article").click()
    page.wait_for_url(re.compile(r".*/kb/kak-vystavit-chetvertnuyu-otmetku$"))


def _review_and_publish(page, db, artifacts_dir):
    """Submit the draft for review, then publish it."""
    assert page.get_by_test_id("article-title").inner_text() == TITLE
    assert page.locator("[data-testid=article-body] li").count() == 3
    with page.expect_navigation():
        page.get_by_test_id("to-review").click()
    db.session.expire_all()
    assert db.session.query(Article).one().status == c.REVIEW
    with page.expect_navigation():
        page.get_by_test_id("to-published").click()
    page.get_by_test_id("to-archived").wait_for()
    page.screenshot(path=str(artifacts_dir / "kb-published.png"), full_page=True)


def _guest_finds_it(guest, base_url, slug, artifacts_dir):
    """A visitor without an account searches with another word form and a typo, and opens the guide."""
    guest.goto(f"{base_url}/kb/")
    guest.get_by_test_id("kb-search-input").fill("четвертные атметки")
    guest.get_by_test_id("kb-search-submit").click()
    guest.wait_for_url(re.compile(r".*/kb/search\?q=.*"))
    hits = guest.get_by_test_id("hit-link")
    assert hits.all_inner_texts() == [TITLE]
    assert guest.get_by_test_id("suggestion-link").count() == 1
    assert guest.locator("[data-testid=snippet] mark").count() >= 1
    guest.screenshot(path=str(artifacts_dir / "kb-guest-search.png"), full_page=True)
    hits.first.click()
    guest.wait_for_url(f"{base_url}/kb/{slug}")
    assert guest.get_by_test_id("article-title").inner_text() == TITLE
    assert guest.get_by_test_id("author-panel").count() == 0
    guest.screenshot(path=str(artifacts_dir / "kb-guest-article.png"), full_page=True)


def test_a_guide_is_written_reviewed_published_and_found_by_a_guest(live_server, page, chromium, make, db,
                                                                   artifacts_dir):
    sign_in(page, live_server, make.user("methodologist", last_name="Смирнова"))
    _write_guide(page, live_server, artifacts_dir)
    _review_and_publish(page, db, artifacts_dir)
    db.session.expire_all()
    article = db.session.query(Article).one()
    assert (article.status, article.revision_count, article.audience) == (c.PUBLISHED, 1, c.PUBLIC)

    guest_context = chromium.new_context(locale="ru-RU", viewport={"width": 1280, "height": 900})
    try:
        guest = guest_context.new_page()
        guest.set_default_timeout(15000)
        _guest_finds_it(guest, live_server, article.slug, artifacts_dir)
    finally:
        guest_context.close()
