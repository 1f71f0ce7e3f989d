"""Tickets and guides: guides seen while filing, «Ask the hotline» from a guide, drafts from answers."""

import re

import pytest
from sqlalchemy import event, select

from app.errors import ValidationFailed
from app.search import services as search
from knowledge_base import constants as kc
from knowledge_base import services as kb
from knowledge_base.models import DRAFTED, LINKED, SEEN, Article, TicketArticle
from tickets import constants as c
from tickets import kb_links, services
from tickets.models import Ticket


@pytest.fixture
def guide(make):
    """guide(title, audience=…, status=…): a guide written and moved along by a methodologist."""
    author = make.user("methodologist")

    def build(title, audience=kc.PUBLIC, status=kc.PUBLISHED, summary=""):
        data = {"title": title, "summary": summary, "body": f"Текст руководства «{title}».",
                "audience": audience}
        article = kb.create_article(author, data, "первая версия")
        if status != kc.DRAFT:
            kb.change_status(author, article.id, status)
        return article

    return build


def links(db, ticket_id):
    """{(slug, relation)} of a ticket's guide links."""
    rows = db.session.execute(select(Article.slug, TicketArticle.relation).join(TicketArticle.article)
                              .where(TicketArticle.ticket_id == ticket_id))
    return set(rows)


def file_form(**fields):
    data = {"queue": c.TECHNICAL, "category_id": "0", "priority": c.NORMAL,
            "subject": "Не могу войти в журнал", "body": "Пишет «неверный пароль»."}
    data.update(fields)
    return data


def only_ticket(db):
    db.session.expire_all()
    return db.session.scalars(select(Ticket)).one()


# --- seen while filing --------------------------------------------------------------------


def test_filing_records_the_guides_seen_that_the_requester_may_read(auth, client, db, queues, guide):
    public = guide("Как сменить пароль")
    staff = guide("Пароль учителя", audience=kc.STAFF)
    internal = guide("Сброс пароля в консоли", audience=kc.INTERNAL)
    draft = guide("Черновик о пароле", status=kc.DRAFT)
    archived = guide("Старый порядок входа", status=kc.ARCHIVED)
    auth.login("teacher")
    seen = ",".join([public.slug, " ", internal.slug, "no-such-guide", staff.slug, draft.slug,
                     archived.slug, public.slug, "x" * 500])
    response = auth.post("/tickets/new", file_form(seen_articles=seen))
    assert response.status_code == 302
    ticket = only_ticket(db)
    assert links(db, ticket.id) == {(public.slug, SEEN), (staff.slug, SEEN)}


def test_seen_guides_are_stored_in_the_tickets_own_commit(db, make, queues, guide, monkeypatch):
    public = guide("Как сменить пароль")
    teacher = make.user("teacher")
    commits = []

    def counted(session):
        commits.append(session)

    # The search index is brought up to date after the commit, in a transaction of its own.
    monkeypatch.setattr(search, "apply_pending", lambda limit=None: commits.append("index"))
    event.listen(db.session(), "after_commit", counted)
    ticket = kb_links.file_ticket_with_guides(teacher, c.TECHNICAL, "Пароль", "Не подходит пароль.",
                                              seen=public.slug)
    event.remove(db.session(), "after_commit", counted)
    assert commits == [db.session(), "index"]
    assert links(db, ticket.id) == {(public.slug, SEEN)}


def test_a_refused_ticket_stores_no_guide_links(db, make, queues, guide):
    public = guide("Как сменить пароль")
    teacher = make.user("teacher")
    with pytest.raises(ValidationFailed) as refused:
        kb_links.file_ticket_with_guides(teacher, c.TECHNICAL, "", "", seen=public.slug)
    assert refused.value.field_errors.keys() == {"subject", "body"}
    db.session.rollback()
    assert db.session.scalars(select(TicketArticle)).all() == []


def test_the_form_carries_a_hidden_seen_articles_field_and_the_suggestion_script(auth, client, queues):
    auth.login("teacher")
    html = client.get("/tickets/new").get_data(as_text=True)
    assert re.search(r'<input id="seen_articles" name="seen_articles" type="hidden" value="">', html)
    assert 'data-url="/kb/suggest"' in html
    assert 'src="/static/js/ticket-suggestions.js"' in html


# --- «Ask the hotline» from a guide -------------------------------------------------------


def test_asking_about_a_guide_prefills_the_subject_and_links_the_ticket(auth, client, db, queues, guide):
    article = guide("Как перенести отметку", summary="Исправление ошибочной отметки.")
    auth.login("teacher")
    response = client.get(f"/tickets/new?article={article.slug}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    subject = re.search(r'<input[^>]*id="subject"[^>]*value="([^"]*)"', html).group(1)
    assert "Как перенести отметку" in subject
    assert f'href="/kb/{article.slug}"' in html and "Исправление ошибочной отметки." in html
    assert f'name="article" type="hidden" value="{article.slug}"' in html

    response = auth.post(f"/tickets/new?article={article.slug}",
                         file_form(article=article.slug, subject=subject, queue=c.METHODOLOGICAL))
    assert response.status_code == 302
    ticket = only_ticket(db)
    assert links(db, ticket.id) == {(article.slug, LINKED)}
    page = client.get(f"/tickets/{ticket.id}").get_data(as_text=True)
    related = re.search(r'data-testid="related-guides">(.*?)</section>', page, re.S).group(1)
    assert f'href="/kb/{article.slug}"' in related


def test_a_guide_the_user_may_not_read_is_neither_shown_nor_linked(auth, client, db, queues, guide):
    internal = guide("Внутренний регламент", audience=kc.INTERNAL)
    auth.login("teacher")
    html = client.get(f"/tickets/new?article={internal.slug}").get_data(as_text=True)
    assert "Внутренний регламент" not in html and 'data-testid="asked-guide"' not in html
    assert auth.post("/tickets/new", file_form(article=internal.slug)).status_code == 302
    assert links(db, only_ticket(db).id) == set()
    # An unknown or odd slug is ignored as well.
    for slug in ("no-such-guide", "%00", "<b>", "x" * 300):
        assert client.get("/tickets/new", query_string={"article": slug}).status_code == 200
    # A NUL character is refused for every request (app/request_guards.py).
    assert client.get("/tickets/new", query_string={"article": "a\x00b"}).status_code == 400


def test_the_ticket_page_lists_only_the_related_guides_the_viewer_may_read(auth, client, db, make, queues,
                                                                         guide):
    public, internal = guide("Как сменить пароль"), guide("Сброс в консоли", audience=kc.INTERNAL)
    teacher = make.user("teacher")
    ticket = services.open_ticket(teacher, c.TECHNICAL, "Пароль", "Не подходит пароль.")
    db.session.add_all([TicketArticle(ticket_id=ticket.id, article_id=public.id, relation=SEEN),
                        TicketArticle(ticket_id=ticket.id, article_id=internal.id, relation=LINKED)])
    db.session.commit()
    auth.login(teacher)
    page = client.get(f"/tickets/{ticket.id}").get_data(as_text=True)
    assert f'data-slug="{public.slug}"' in page and f'data-slug="{internal.slug}"' not in page
    auth.logout()
    auth.login("operator")
    page = client.get(f"/tickets/{ticket.id}").get_data(as_text=True)
    assert f'data-slug="{public.slug}"' in page and f'data-slug="{internal.slug}"' in page


# --- a draft guide from an answer ---------------------------------------------------------


@pytest.fixture
def answered(make, queues):
    """A methodological ticket of a teacher who signs with her name and address, and an answer."""
    school = make.school()
    teacher = make.user("teacher", organization=school, last_name="Кузнецова", first_name="Анна",
                        middle_name="Петровна", email="kuznetsova@school.test")
    methodologist = make.user("methodologist")
    body = ("Как исправить отметку, поставленную по ошибке?\n\n"
            "С уважением, Анна Петровна Кузнецова, kuznetsova@school.test, тел. +7 (4752) 55-12-34")
    ticket = services.open_ticket(teacher, c.METHODOLOGICAL, "Исправление отметки", body)
    answer = services.add_message(methodologist, ticket,
                                  "Анна Петровна, откройте урок и выберите «Изменить отметку». "
                                  "Кузнецовой ответ продублирован на kuznetsova@school.test.")
    note = services.add_message(methodologist, ticket, "Учительница звонила дважды", is_internal=True)
    own = services.add_message(teacher, ticket, "Спасибо, получилось!")
    return {"ticket": ticket, "teacher": teacher, "methodologist": methodologist, "school": school,
            "answer": answer, "note": note, "own": own}


def draft_url(ticket, message):
    return f"/tickets/{ticket.id}/messages/{message.id}/guide"


def test_a_methodologist_makes_a_draft_of_an_answer_without_the_requesters_personal_data(auth, db,
                                                                                        answered):
    ticket, answer = answered["ticket"], answered["answer"]
    auth.login(answered["methodologist"])
    response = auth.post(draft_url(ticket, answer))
    article = db.session.scalars(select(Article)).one()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/kb/{article.slug}/edit")
    assert (article.title, article.status, article.audience, article.summary) == (
        "Исправление отметки", kc.DRAFT, kc.STAFF, "")
    assert article.category_id is None
    assert article.body.startswith("## Вопрос\n\nКак исправить отметку, поставленную по ошибке?")
    assert "## Ответ\n\n" in article.body and "выберите «Изменить отметку»" in article.body
    for personal in ("kuznetsova", "Кузнецов", "Анна", "Петровн", "55-12-34"):
        assert personal not in article.body, personal
    assert "Учительница звонила" not in article.body and "Спасибо" not in article.body
    assert [r.comment for r in article.revisions] == [f"черновик из обращения {ticket.reference}"]
    assert links(db, ticket.id) == {(article.slug, DRAFTED)}


def test_the_draft_button_is_shown_next_to_public_agent_answers_only(auth, client, answered):
    ticket = answered["ticket"]
    auth.login(answered["methodologist"])
    page = client.get(f"/tickets/{ticket.id}").get_data(as_text=True)
    assert re.findall(r'action="/tickets/\d+/messages/(\d+)/guide"', page) == [str(answered["answer"].id)]
    auth.logout()
    auth.login(answered["teacher"])
    assert "/guide" not in client.get(f"/tickets/{ticket.id}").get_data(as_text=True)


def test_drafts_are_refused_to_those_the_rule_does_not_allow(auth, client, db, make, answered):
    ticket, answer = answered["ticket"], answered["answer"]
    refusals = [
        (answered["teacher"], 403),  # the requester sees the ticket but does not write guides
        (make.user("teacher", organization=answered["school"]), 403),  # a colleague who sees it
        (make.user("teacher"), 404),  # another school: the ticket does not exist for them
        (make.user("operator"), 404),  # the technical hotline does not see a methodological ticket
    ]
    for user, status in refusals:
        auth.login(user)
        assert auth.post(draft_url(ticket, answer)).status_code == status, user.role
        auth.logout()
    technical = services.open_ticket(answered["teacher"], c.TECHNICAL, "Вход", "Не пускает.")
    operator = make.user("operator")
    reply = services.add_message(operator, technical, "Сбросили пароль.")
    auth.login(operator)
    assert auth.post(draft_url(technical, reply)).status_code == 403  # sees it, but does not publish
    auth.logout()
    auth.login(answered["methodologist"])
    assert auth.post(draft_url(technical, reply)).status_code == 404  # not their hotline
    assert db.session.scalars(select(Article)).all() == []


def test_internal_notes_requesters_messages_and_foreign_messages_do_not_become_drafts(auth, db, make,
                                                                                      answered):
    ticket = answered["ticket"]
    other = services.open_ticket(answered["teacher"], c.METHODOLOGICAL, "Другое", "Текст.")
    elsewhere = services.add_message(answered["methodologist"], other, "Ответ в другом обращении.")
    auth.login(answered["methodologist"])
    assert auth.post(draft_url(ticket, answered["note"])).status_code == 422
    assert auth.post(draft_url(ticket, answered["own"])).status_code == 422
    assert auth.post(draft_url(ticket, elsewhere)).status_code == 404
    assert auth.post(f"/tickets/{ticket.id}/messages/999999/guide").status_code == 404
    assert db.session.scalars(select(Article)).all() == []
    assert db.session.scalars(select(TicketArticle)).all() == []


def test_personal_data_is_stripped_in_any_grammatical_case():
    class Person:
        last_name, first_name, middle_name = "Кузнецова", "Анна", "Петровна"

    text = ("Анне Петровне Кузнецовой: пишите на a.kuz@mail.ru или звоните 8-910-123-45-67. "
            "Журнал открывается, отметки видны.")
    cleaned = kb_links.strip_personal_data(text, [Person()])
    assert cleaned == "[имя] [имя] [имя]: пишите на [e-mail] или звоните [телефон]. " \
                      "Журнал открывается, отметки видны."
