"""The two-level category tree and the tags of guides, managed by methodologists."""

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.audit import services as audit
from app.auth import permissions
from app.errors import NotFound, PermissionDenied, ValidationFailed
from app.extensions import db
from app.search import services as search
from knowledge_base.models import Article, ArticleCategory, Tag, article_tags
from knowledge_base.services import SLUG_PATTERN, TAG_MAX_LENGTH, slugify

NAME_MAX = 120
SLUG_MAX = 80


def category_tree():
    """Top-level categories in display order; each has .children (subcategories)."""
    query = (select(ArticleCategory).where(ArticleCategory.parent_id.is_(None))
             .order_by(ArticleCategory.position, ArticleCategory.name))
    return db.session.scalars(query).all()


def category_choices(empty_label):
    """(id, label) pairs for a select: every top-level category followed by its subcategories."""
    choices = [(0, empty_label)]
    for top in category_tree():
        choices.append((top.id, top.name))
        choices.extend((child.id, f"{top.name} → {child.name}") for child in top.children)
    return choices


def require_publisher(actor):
    """Refuse users who may not manage categories and tags."""
    if not permissions.can_publish_articles(actor):
        raise PermissionDenied()


def category_for_edit(actor, category_id):
    """A category a publisher is about to change."""
    require_publisher(actor)
    return _category(category_id)


def _category(category_id):
    category = db.session.get(ArticleCategory, category_id)
    if category is None:
        raise NotFound()
    return category


def _parent_errors(category, parent_id):
    if not parent_id:
        return {}
    parent = db.session.get(ArticleCategory, parent_id)
    if parent is None or parent.parent_id is not None:
        return {"parent_id": [_("A subcategory's parent must be a top-level category.")]}
    if category is not None and (parent.id == category.id or category.children):
        return {"parent_id": [_("A category with subcategories cannot become a subcategory.")]}
    return {}


def _number(value):
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def _clean(data, category):
    name = " ".join(str(data.get("name") or "").split())
    slug = str(data.get("slug") or "").strip().lower() or slugify(name)[:SLUG_MAX]
    parent_id = _number(data.get("parent_id")) or None
    errors = {}
    if not name or len(name) > NAME_MAX:
        errors["name"] = [_("Write a name of at most %(n)d characters.", n=NAME_MAX)]
    if not SLUG_PATTERN.match(slug) or len(slug) > SLUG_MAX:
        errors["slug"] = [_("The address may contain only lowercase Latin letters, digits and single "
                            "hyphens, like kak-vystavit-otmetku.")]
    else:
        taken = db.session.scalar(select(ArticleCategory.id).where(ArticleCategory.slug == slug))
        if taken is not None and (category is None or taken != category.id):
            errors["slug"] = [_("The address “%(slug)s” is already used by another category.", slug=slug)]
    errors.update(_parent_errors(category, parent_id))
    if errors:
        raise ValidationFailed(_("Please correct the fields marked below."), errors)
    return {"name": name, "slug": slug, "parent_id": parent_id, "position": _number(data.get("position"))}


def _reindex(article_ids):
    for article_id in article_ids:
        search.document_changed("article", article_id)
    db.session.commit()
    search.apply_pending()


def create_category(actor, data):
    """Add a category (top-level, or a subcategory of a top-level one)."""
    require_publisher(actor)
    category = ArticleCategory(**_clean(data, None))
    db.session.add(category)
    db.session.flush()
    audit.record("kb.category_created", actor, category, name=category.name, slug=category.slug)
    db.session.commit()
    return category


def _articles_in(category_ids):
    return db.session.scalars(select(Article.id).where(Article.category_id.in_(category_ids))).all()


def update_category(actor, category_id, data):
    """Rename or move a category; its guides are re-indexed (their category is searchable)."""
    require_publisher(actor)
    category = _category(category_id)
    values = _clean(data, category)
    changed = {name: [getattr(category, name), value] for name, value in values.items()
               if getattr(category, name) != value}
    for name, value in values.items():
        setattr(category, name, value)
    audit.record("kb.category_updated", actor, category, changes=changed)
    _reindex(_articles_in([category.id]))
    return category


def delete_category(actor, category_id):
    """Delete an empty category (no subcategories, no guides)."""
    require_publisher(actor)
    category = _category(category_id)
    if category.children or _articles_in([category.id]):
        raise ValidationFailed(_("The category “%(name)s” still holds subcategories or guides: move them "
                                 "first.", name=category.name))
    audit.record("kb.category_deleted", actor, category, name=category.name, slug=category.slug)
    db.session.delete(category)
    db.session.commit()


def tags_with_counts():
    """[(tag, number of guides)] by name."""
    count = func.count(article_tags.c.article_id)
    query = (select(Tag, count).outerjoin(article_tags, article_tags.c.tag_id == Tag.id)
             .group_by(Tag.id).order_by(Tag.name))
    return db.session.execute(query).all()


def _tagged(tag):
    return db.session.scalars(select(Article).join(article_tags).where(article_tags.c.tag_id == tag.id)).all()


def _tag(tag_id):
    tag = db.session.get(Tag, tag_id)
    if tag is None:
        raise NotFound()
    return tag


def rename_tag(actor, tag_id, name):
    """Rename a tag; renaming to an existing tag's name merges the two."""
    require_publisher(actor)
    tag, name = _tag(tag_id), " ".join(str(name or "").split())
    if not name or len(name) > TAG_MAX_LENGTH:
        message = _("A tag may have at most %(n)d characters.", n=TAG_MAX_LENGTH)
        raise ValidationFailed(message, {"name": [message]})
    other = db.session.scalar(select(Tag).where(func.lower(Tag.name) == name.lower(), Tag.id != tag.id))
    articles = _tagged(tag)
    audit.record("kb.tag_renamed", actor, tag, old=tag.name, new=name, merged=other is not None)
    if other is None:
        tag.name = name
    else:
        for article in articles:
            kept = [t for t in article.tags if t.id not in (tag.id, other.id)]
            article.tags = [*kept, other]
        db.session.delete(tag)
    _reindex([article.id for article in articles])
    return other or tag


def delete_tag(actor, tag_id):
    """Remove a tag from every guide and delete it."""
    require_publisher(actor)
    tag = _tag(tag_id)
    article_ids = [article.id for article in _tagged(tag)]
    audit.record("kb.tag_deleted", actor, tag, name=tag.name, articles=len(article_ids))
    db.session.delete(tag)
    _reindex(article_ids)
