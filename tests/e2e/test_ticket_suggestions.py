"""While a teacher types a ticket's subject, a published guide is suggested; the ticket records it as seen."""

import re

import pytest
from sqlalchemy import select

from knowledge_base import services as kb
from knowledge_base.models import SEEN, TicketArticle
from tests.fixtures.browser import sign_in
from tickets import services
from tickets.models import Ticket

pytestmark = pytest.mark.e2e


def published(author, title, audience):
    data = {"title": title, "body": f"## {title}\n\nШаги.", "audience": audience}
    article = kb.create_article(author, data, "первая версия")
    return kb.change_status(author, article.id, "published")


def test_a_suggested_guide_is_shown_while_typing_and_recorded_as_seen(live_server, page, make, db,
                                                                     artifacts_dir):
    services.ensure_queues()
    methodologist = make.user("methodologist")
    guide = published(methodologist, "Как сменить пароль ученика", "public")
    hidden = published(methodologist, "Сброс пароля через консоль", "internal")
    teacher = make.user("teacher", last_name="Смирнова")
    sign_in(page, live_server, teacher)

    page.goto(f"{live_server}/tickets/new")
    page.locator("#subject").press_sequentially("Забыла пароль", delay=30)
    link = page.locator(f"[data-testid=kb-suggestions] a[data-slug='{guide.slug}']")
    link.wait_for()
    assert link.inner_text() == "Как сменить пароль ученика"
    assert link.get_attribute("href") == f"/kb/{guide.slug}" and link.get_attribute("target") == "_blank"
    assert page.locator(f"[data-testid=kb-suggestions] a[data-slug='{hidden.slug}']").count() == 0
    assert page.locator("#seen_articles").input_value() == guide.slug
    page.screenshot(path=str(artifacts_dir / "ticket-suggestions.png"), full_page=True)

    page.locator("#body").fill("Не могу войти: пишет «неверный пароль».")
    page.get_by_test_id("submit-ticket").click()
    page.wait_for_url(re.compile(r".*/tickets/\d+$"))
    assert page.locator(f"[data-testid=related-guides] a[data-slug='{guide.slug}']").count() == 1

    db.session.expire_all()
    ticket = db.session.scalars(select(Ticket)).one()
    rows = db.session.scalars(select(TicketArticle).where(TicketArticle.ticket_id == ticket.id)).all()
    assert [(row.article_id, row.relation) for row in rows] == [(guide.id, SEEN)]
