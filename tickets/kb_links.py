"""The hotline and the knowledge base together: guides seen or linked when filing, drafts from answers.

A ticket records which guides its requester saw while filing (SEEN), the guide it was asked about
(LINKED) and the drafts a methodologist made from its answers (DRAFTED).
"""

import re
from dataclasses import dataclass, field

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.auth import permissions
from app.errors import NotFound, PermissionDenied, ValidationFailed
from app.extensions import db
from app.search import services as search
from knowledge_base import constants as kc
from knowledge_base import services as kb
from knowledge_base.models import DRAFTED, LINKED, SEEN, Article, TicketArticle
from tickets import services

SUGGEST_MIN_LETTERS = 3
SUGGEST_LIMIT = 5
QUERY_MAX = 200
SLUG_MAX = 120
SLUGS_MAX = 20  # more than the page ever shows; the rest of a tampered list is ignored
# What a guide's address may look like; anything else (NUL bytes, markup) never reaches the database.
SLUG_SHAPE = re.compile(rf"[\w-]{{1,{SLUG_MAX}}}")
RELATION_ORDER = (LINKED, SEEN, DRAFTED)
RELATION_LABELS = {
    LINKED: _l("asked about"),
    SEEN: _l("suggested while filing"),
    DRAFTED: _l("drafted from an answer"),
}


# --- suggestions while filing -------------------------------------------------------------


def suggest_articles(actor, text):
    """Up to five published guides the actor may read that may answer the text (for the filing form)."""
    text = " ".join(str(text or "").split())[:QUERY_MAX]
    if sum(ch.isalnum() for ch in text) < SUGGEST_MIN_LETTERS:
        return []
    # A few spare hits: the index may still hold a guide that is no longer published.
    hits = search.suggest(text, audiences=permissions.visible_audiences(actor), limit=2 * SUGGEST_LIMIT)
    articles = _published_by_slug(actor, [hit.slug for hit in hits])
    return [_suggestion(articles[hit.slug]) for hit in hits if hit.slug in articles][:SUGGEST_LIMIT]


def _suggestion(article):
    return {"slug": article.slug, "title": article.title, "summary": article.summary or "",
            "url": url_for("kb.article", slug=article.slug)}


def _published_by_slug(actor, slugs):
    """{slug: article}: the published guides among slugs that the actor may read (checked in SQL)."""
    if not slugs:
        return {}
    rows = db.session.scalars(select(Article).where(
        Article.slug.in_(slugs), Article.status == kc.PUBLISHED,
        Article.audience.in_(permissions.visible_audiences(actor)))).all()
    return {article.slug: article for article in rows}


# --- filing with guides -------------------------------------------------------------------


def parse_slugs(raw):
    """Distinct slugs from a comma-separated list, as the suggestion script fills it; junk dropped."""
    slugs = []
    for part in str(raw or "")[:SLUGS_MAX * (SLUG_MAX + 1)].split(","):
        slug = part.strip()
        if SLUG_SHAPE.fullmatch(slug) and slug not in slugs:
            slugs.append(slug)
    return slugs[:SLUGS_MAX]


def article_for_question(actor, slug):
    """The guide a question is asked about, if the actor may read it; None otherwise."""
    slug = str(slug or "").strip()
    if not SLUG_SHAPE.fullmatch(slug):
        return None
    return _published_by_slug(actor, [slug]).get(slug)


def question_subject(article):
    """The subject offered for a question about a guide."""
    subject = _("Question about the guide «%(title)s»", title=article.title)
    return subject[:services.SUBJECT_MAX]


def file_ticket_with_guides(requester, queue_key, subject, body, seen="", article="", **options):
    """File a ticket recording the guides the requester saw and the one asked about; one commit."""
    ticket, outgoing = services.file_ticket(requester, queue_key, subject, body, **options)
    seen_articles = _published_by_slug(requester, parse_slugs(seen)).values()
    rows = [TicketArticle(ticket_id=ticket.id, article_id=a.id, relation=SEEN) for a in seen_articles]
    asked = article_for_question(requester, article)
    if asked is not None:
        rows.append(TicketArticle(ticket_id=ticket.id, article_id=asked.id, relation=LINKED))
    db.session.add_all(rows)
    services.commit_and_send(outgoing)
    return ticket


# --- the ticket page ----------------------------------------------------------------------


@dataclass
class RelatedGuide:
    """A guide connected with the ticket, and how (linked, seen, drafted)."""

    article: Article
    relations: list = field(default_factory=list)

    @property
    def labels(self):
        """Translated reasons, in a stable order."""
        return [RELATION_LABELS[relation] for relation in self.relations]


@dataclass
class TicketGuides:
    """What the ticket page shows about guides: related ones, and answers that may become drafts."""

    related: list
    draftable: set


def ticket_guides(actor, ticket, messages):
    """Guides related to the ticket that the actor may read, and the shown answers they may draft from."""
    rows = db.session.scalars(
        select(TicketArticle).join(TicketArticle.article)
        .where(TicketArticle.ticket_id == ticket.id, permissions.article_scope(actor))
        .order_by(TicketArticle.created_at, TicketArticle.article_id)
    ).all()
    related = {}
    for row in rows:
        related.setdefault(row.article_id, RelatedGuide(row.article)).relations.append(row.relation)
    for guide in related.values():
        guide.relations.sort(key=RELATION_ORDER.index)
    draftable = set()
    if permissions.can_make_article_from_ticket(actor, ticket):
        draftable = {m.id for m in messages if is_agent_answer(m, ticket)}
    return TicketGuides(list(related.values()), draftable)


def is_agent_answer(message, ticket):
    """A public reply written by hotline staff (not the requester): the kind of text a guide grows from."""
    return (not message.is_internal and message.author_id != ticket.requester_id
            and permissions.is_agent(message.author))


# --- a draft guide from an answer ---------------------------------------------------------

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Digits with spaces, dashes and brackets between them; a phone if it has 10–12 digits («+7 (4752) 55-12-34»)
# or looks like a local number («55-12-34»).
DIGIT_RUN = re.compile(r"(?<![\w+])\+?\d[\d\s()-]{4,}\d(?!\w)")
LOCAL_PHONE = re.compile(r"\d{2,3}-\d{2}-\d{2}")
NAME_ENDINGS = "аяоеёийыьуюэ"


def _name_pattern(people):
    """A pattern for the people's name parts in any grammatical case («Анна» → Анна, Анне, Анной…)."""
    stems = set()
    for person in people:
        for part in (person.last_name, person.first_name, person.middle_name):
            stem = (part or "").strip().rstrip(NAME_ENDINGS)
            if len(stem) >= 3:
                stems.add("".join("[её]" if ch in "её" else re.escape(ch) for ch in stem.lower()))
    if not stems:
        return None
    names = "|".join(sorted(stems, key=len, reverse=True))
    return re.compile(rf"\b(?:{names})\w{{0,3}}\b", re.IGNORECASE)


def _phone_or_number(match):
    value = match.group(0)
    digits = sum(ch.isdigit() for ch in value)
    return "[телефон]" if 10 <= digits <= 12 or LOCAL_PHONE.fullmatch(value) else value


def strip_personal_data(text, people):
    """The text without e-mail addresses, phone numbers and the given people's names."""
    text = EMAIL.sub("[e-mail]", text)
    text = DIGIT_RUN.sub(_phone_or_number, text)
    pattern = _name_pattern(people)
    return pattern.sub("[имя]", text) if pattern is not None else text


def _people(ticket):
    """The requester's side of the ticket, whose names a guide must not carry."""
    return [ticket.requester.person, *(watcher.person for watcher in ticket.watchers)]


def draft_body(ticket, message):
    """The draft's text: the question and the answer, without the requester's personal data."""
    people = _people(ticket)
    question = strip_personal_data(ticket.body, people)
    answer = strip_personal_data(message.body, people)
    return f"## Вопрос\n\n{question}\n\n## Ответ\n\n{answer}\n"


def draft_from_answer(actor, ticket_id, message_id):
    """Make a draft guide (audience: staff) of a ticket's question and an agent's public answer."""
    ticket = services.get_ticket(actor, ticket_id)
    message = next((m for m in services.visible_messages(actor, ticket) if m.id == message_id), None)
    if message is None:
        raise NotFound()
    if not permissions.can_make_article_from_ticket(actor, ticket):
        raise PermissionDenied()
    if not is_agent_answer(message, ticket):
        raise ValidationFailed(_("Only a public answer of the hotline can become a guide."))
    title = strip_personal_data(ticket.subject, _people(ticket))[:kb.MAX_LENGTHS["title"]]
    # A subject without letters gives no address of its own: name the draft after the answer.
    slug = "" if kb.slugify(title) else f"answer-{message.id}"
    data = {"title": title, "slug": slug, "summary": "", "body": draft_body(ticket, message),
            "category_id": None, "tags": [], "audience": "staff"}
    article = kb.build_article(actor, data, comment=f"черновик из обращения {ticket.reference}")
    db.session.add(TicketArticle(ticket_id=ticket.id, article=article, relation=DRAFTED))
    services.commit_and_send()
    return article
