"""Guide operations: writing (every save is a revision), the workflow, restoring an old revision.

Categories and tags live in knowledge_base/categories.py, comparing revisions in knowledge_base/diff.py,
the reading pages in knowledge_base/reading.py, images and attachments in knowledge_base/files.py.
"""

import re
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.audit import services as audit
from app.auth import permissions
from app.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from app.extensions import db
from app.markup import render_markdown
from app.search import services as search
from app.timeutil import utcnow
from knowledge_base import constants as c
from knowledge_base import files as kb_files
from knowledge_base.models import Article, ArticleCategory, ArticleRevision, Tag

MAX_LENGTHS = {"title": 200, "slug": 120, "summary": 1000, "body": 200_000, "comment": 300}
TAG_MAX_LENGTH = 60
TAGS_MAX = 20
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Addresses under /kb/ that an article's slug must not shadow.
RESERVED_SLUGS = frozenset({"new", "search", "suggest", "manage", "categories", "category", "files",
                            "preview", "tags"})
_TRANSLIT_PAIRS = (
    "а a б b в v г g д d е e ё e ж zh з z и i й y к k л l м m н n о o п p р r с s т t у u ф f х kh "
    "ц ts ч ch ш sh щ shch ъ - ы y ь - э e ю yu я ya"
)
TRANSLIT = dict(zip(_TRANSLIT_PAIRS.split()[::2], (v.strip("-") for v in _TRANSLIT_PAIRS.split()[1::2]),
                    strict=True))
SNAPSHOT_FIELDS = ("title", "summary", "body", "category_id", "audience")


class SignInRequired(PermissionDenied):
    """An anonymous visitor asked for a guide that signed-in users read."""


@dataclass
class ArticleText:
    """Validated values of an article form."""

    title: str
    slug: str
    summary: str
    body: str
    category_id: int | None
    audience: str
    tags: list
    comment: str


# --- slugs and tags -----------------------------------------------------------------------


def slugify(text):
    """A URL slug from a Russian title: «Как выставить отметку» → «kak-vystavit-otmetku»."""
    latin = "".join(TRANSLIT.get(char, char) for char in (text or "").lower())
    slug = re.sub(r"[^a-z0-9]+", "-", latin).strip("-")
    return slug[: MAX_LENGTHS["slug"]].rstrip("-")


def _slug_taken(slug, article_id=None):
    query = select(Article.id).where(Article.slug == slug)
    if article_id is not None:
        query = query.where(Article.id != article_id)
    return slug in RESERVED_SLUGS or db.session.scalar(query) is not None


def _free_slug(base, article_id=None):
    """The base slug, or base-2, base-3… for a slug generated from a title that is already used."""
    slug, number = base, 1
    while _slug_taken(slug, article_id):
        number += 1
        suffix = f"-{number}"
        slug = base[: MAX_LENGTHS["slug"] - len(suffix)] + suffix
    return slug


def parse_tags(value):
    """Tag names from a list or a comma-separated string: trimmed, without repeats (case-insensitive)."""
    items = value.split(",") if isinstance(value, str) else list(value or [])
    names, seen = [], set()
    for item in items:
        name = " ".join(str(item).split())
        if name and name.lower() not in seen:
            seen.add(name.lower())
            names.append(name)
    return names


def tags_named(names):
    """Tag rows for the names, creating the missing ones (matched case-insensitively)."""
    tags = []
    for name in names:
        tag = db.session.scalar(select(Tag).where(func.lower(Tag.name) == name.lower()))
        if tag is None:
            tag = Tag(name=name)
            db.session.add(tag)
        tags.append(tag)
    return tags


# --- validation ---------------------------------------------------------------------------


def _int_or_none(value):
    try:
        return int(value) or None
    except (TypeError, ValueError):
        return None


def _text_errors(values):
    errors = {}
    if not values["title"]:
        errors["title"] = [_("Write the title of the guide.")]
    if not values["body"]:
        errors["body"] = [_("Write the text of the guide.")]
    for name, limit in MAX_LENGTHS.items():
        if len(values.get(name, "")) > limit:
            errors[name] = [_("Shorten this to %(max)d characters.", max=limit)]
    return errors


def _field_errors(audience, category_id, tags):
    errors = {}
    if audience not in c.AUDIENCES:
        errors["audience"] = [_("Choose who may read the guide from the list.")]
    if category_id is not None and db.session.get(ArticleCategory, category_id) is None:
        errors["category_id"] = [_("Choose a category from the list.")]
    if len(tags) > TAGS_MAX:
        errors["tags"] = [_("Use at most %(n)d tags.", n=TAGS_MAX)]
    elif any(len(tag) > TAG_MAX_LENGTH for tag in tags):
        errors["tags"] = [_("A tag may have at most %(n)d characters.", n=TAG_MAX_LENGTH)]
    return errors


def _slug_for(values, article_id, errors):
    slug = values["slug"].lower()
    if not slug:
        generated = slugify(values["title"])
        if generated:
            return _free_slug(generated, article_id)
        if values["title"]:
            errors["slug"] = [_("Write the address: Latin letters, digits and hyphens.")]
        return ""
    if not SLUG_PATTERN.match(slug):
        errors["slug"] = [_("The address may contain only lowercase Latin letters, digits and single "
                            "hyphens, like kak-vystavit-otmetku.")]
    elif _slug_taken(slug, article_id):
        errors["slug"] = [_("The address “%(slug)s” is already used by another guide. Choose another one.",
                            slug=slug)]
    return slug


def validate(data, comment="", article_id=None):
    """Check an article's form data; return ArticleText or raise ValidationFailed with field errors."""
    values = {name: str(data.get(name) or "").strip() for name in ("title", "slug", "summary", "body")}
    values["comment"] = str(comment or "").strip()
    audience = str(data.get("audience") or c.STAFF)
    category_id = _int_or_none(data.get("category_id"))
    tags = parse_tags(data.get("tags"))
    errors = _text_errors(values)
    errors.update(_field_errors(audience, category_id, tags))
    slug = _slug_for(values, article_id, errors)
    if errors:
        raise ValidationFailed(_("Please correct the fields marked below."), errors)
    return ArticleText(title=values["title"], slug=slug, summary=values["summary"], body=values["body"],
                       category_id=category_id, audience=audience, tags=tags, comment=values["comment"])


def preview(actor, body):
    """The body as readers will see it: sanitized HTML (authors only)."""
    require_author(actor)
    return render_markdown(body or "")


# --- lookups ------------------------------------------------------------------------------


def require_author(actor):
    """Refuse users who do not write guides."""
    if not permissions.can_author_articles(actor):
        raise PermissionDenied()


def article_by_slug(actor, slug):
    """The article if the actor may read it; SignInRequired for a staff guide and a guest; else NotFound."""
    return readable_article(actor, db.session.scalar(select(Article).where(Article.slug == str(slug or ""))))


def readable_article(actor, article):
    """The article (or None, not found) if the actor may read it; else SignInRequired or NotFound."""
    if article is None:
        raise NotFound()
    if permissions.can_read_article(actor, article):
        return article
    if permissions.article_needs_sign_in(actor, article):
        raise SignInRequired(_("Sign in to read this guide."))
    raise NotFound()


def editable_article(actor, slug):
    """The article if the actor may edit it (readers who may not get 403, others 404)."""
    article = article_by_slug(actor, slug)
    if not permissions.can_edit_article(actor, article):
        message = _("Only methodologists may change a published or archived guide.")
        raise PermissionDenied(message if permissions.can_author_articles(actor) else "")
    return article


def _article_by_id(article_id):
    article = db.session.get(Article, article_id)
    if article is None:
        raise NotFound()
    return article


def check_revision(article, expected_revision):
    """Refuse a change made on an outdated page (someone saved the article meanwhile)."""
    if expected_revision is not None and int(expected_revision) != article.revision_count:
        raise Conflict(_("Someone else saved this guide while you were editing it. Your text is kept "
                         "below: open the history in another tab, compare and save again."))


# --- writing ------------------------------------------------------------------------------


def _snapshot(article):
    values = {name: getattr(article, name) for name in SNAPSHOT_FIELDS}
    values["tags"] = sorted((tag.name for tag in article.tags), key=str.lower)
    return values


def _apply(article, text):
    article.title, article.slug = text.title, text.slug
    article.summary, article.body = text.summary, text.body
    article.category_id, article.audience = text.category_id, text.audience
    article.tags = tags_named(text.tags)
    article.updated_at = utcnow()


def _add_revision(article, actor, comment):
    article.revision_count = (article.revision_count or 0) + 1
    snapshot = _snapshot(article)
    revision = ArticleRevision(number=article.revision_count, author_id=actor.id if actor else None,
                               comment=comment[: MAX_LENGTHS["comment"]], **snapshot)
    article.revisions.append(revision)
    return revision


def queue_for_index(article):
    """Flush the article and queue it for the search index in the current transaction."""
    db.session.flush()
    search.document_changed("article", article.id)


def commit(article):
    """Queue the article for the search index, commit the request's one transaction, update the index."""
    queue_for_index(article)
    db.session.commit()
    search.apply_pending()


def build_article(actor, data, comment="", files=()):
    """Add a new draft guide with its first revision to the session, queued for the index; no commit.

    For callers that add their own rows to the same transaction (a draft from a ticket's answer).
    """
    require_author(actor)
    text = validate(data, comment)
    checked = kb_files.check(files)
    article = Article(author_id=actor.id, status=c.DRAFT, revision_count=0)
    db.session.add(article)
    _apply(article, text)
    _add_revision(article, actor, text.comment)
    kb_files.store(article, actor, checked)
    queue_for_index(article)
    return article


def create_article(actor, data, comment="", files=()):
    """A new draft guide with its first revision.

    data: title, slug (made from the title when empty), summary, body, category_id, tags, audience.
    """
    article = build_article(actor, data, comment, files)
    db.session.commit()
    search.apply_pending()
    return article


def save_article(actor, article_id, data, comment="", files=(), expected_revision=None):
    """Save the edited text as a new revision (an unchanged text adds no revision); add uploaded files."""
    article = _article_by_id(article_id)
    if not permissions.can_edit_article(actor, article):
        raise PermissionDenied()
    check_revision(article, expected_revision)
    text = validate(data, comment, article.id)
    checked = kb_files.check(files)
    before = (_snapshot(article), article.slug)
    _apply(article, text)
    if (_snapshot(article), article.slug) != before:
        _add_revision(article, actor, text.comment)
    kb_files.store(article, actor, checked)
    commit(article)
    return article


# --- workflow -----------------------------------------------------------------------------


def next_statuses(actor, article):
    """The statuses the actor may move the article to."""
    return [status for status in c.ALLOWED_TRANSITIONS.get(article.status, ())
            if permissions.can_change_article_status(actor, article, status)]


def _audit_transition(actor, article, old, new):
    if new == c.PUBLISHED:
        audit.record("kb.article_published", actor, article, slug=article.slug, old=old)
    elif new == c.ARCHIVED:
        audit.record("kb.article_archived", actor, article, slug=article.slug, old=old)
    elif old == c.PUBLISHED:
        audit.record("kb.article_withdrawn", actor, article, slug=article.slug, new=new)


def change_status(actor, article_id, new_status):
    """Move the article along the workflow: authors submit to review, publishers publish and archive."""
    article = _article_by_id(article_id)
    if not permissions.can_read_article(actor, article):
        raise NotFound()
    old = article.status
    if new_status == old:
        return article
    if new_status not in c.STATUSES or not c.can_transition(old, new_status):
        raise ValidationFailed(_("A guide cannot go from «%(old)s» to «%(new)s».", old=article.status_label,
                                 new=c.STATUS_LABELS.get(new_status, new_status)))
    if not permissions.can_change_article_status(actor, article, new_status):
        raise PermissionDenied(_("Only methodologists may publish, archive or withdraw guides."))
    article.status = new_status
    if new_status == c.PUBLISHED:
        article.published_at = article.updated_at = utcnow()
    _audit_transition(actor, article, old, new_status)
    commit(article)
    return article


# --- history ------------------------------------------------------------------------------


def revision_of(article, number):
    """The article's revision with this number, or NotFound."""
    if not 0 < number < 2**31:
        raise NotFound()
    revision = db.session.scalar(select(ArticleRevision).where(
        ArticleRevision.article_id == article.id, ArticleRevision.number == number))
    if revision is None:
        raise NotFound(_("The guide has no revision %(n)s.", n=number))
    return revision


def history_article(actor, slug):
    """The article whose history the actor may see (authors only)."""
    article = article_by_slug(actor, slug)
    if not permissions.can_author_articles(actor):
        raise NotFound()
    return article


def history(actor, slug, page, per_page=30):
    """(article, a page of its revisions, newest first)."""
    article = history_article(actor, slug)
    query = (select(ArticleRevision).where(ArticleRevision.article_id == article.id)
             .order_by(ArticleRevision.number.desc()))
    return article, db.paginate(query, page=page, per_page=per_page, error_out=False)


def old_revision(actor, slug, number):
    """(article, one of its revisions) for an author."""
    article = history_article(actor, slug)
    return article, revision_of(article, number)


def restore_revision(actor, article_id, number):
    """Make a new revision equal to revision `number` (history is never rewritten)."""
    article = _article_by_id(article_id)
    if not permissions.can_read_article(actor, article):
        raise NotFound()
    if not permissions.can_publish_articles(actor):
        raise PermissionDenied(_("Only methodologists may restore old revisions."))
    revision = revision_of(article, number)
    category_id = revision.category_id if db.session.get(ArticleCategory, revision.category_id or 0) else None
    text = ArticleText(title=revision.title, slug=article.slug, summary=revision.summary, body=revision.body,
                       category_id=category_id, audience=revision.audience, tags=list(revision.tags or []),
                       comment="")
    _apply(article, text)
    _add_revision(article, actor, _("restored revision %(n)d", n=number))
    audit.record("kb.article_restored", actor, article, slug=article.slug, revision=number)
    commit(article)
    return article
