"""`kb import`: a directory of guides (Markdown files with YAML front matter) and its categories.yml.

All or nothing: every file is read and checked first; when any is wrong nothing is written and the
report names each bad file and why. Articles are matched by slug, so importing the same directory
again changes nothing; a changed file becomes a new revision of its article.
"""

from dataclasses import dataclass, field
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.audit import services as audit
from app.auth import permissions
from app.errors import PermissionDenied
from app.extensions import db
from app.search import services as search
from app.timeutil import utcnow
from knowledge_base import constants as c
from knowledge_base.guide_files import CategorySpec, FileProblem, read_categories, read_guide
from knowledge_base.models import Article, ArticleCategory, ArticleRevision, Tag

CATEGORIES_FILE = "categories.yml"
REVISION_COMMENT = "импорт из файла {name}"


@dataclass
class ImportReport:
    """What an import did, or the (file name, message) errors that stopped it."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    categories_created: int = 0
    categories_updated: int = 0
    errors: list = field(default_factory=list)
    unknown_categories: list = field(default_factory=list)
    created_slugs: list = field(default_factory=list)

    @property
    def ok(self):
        """Whether the directory was imported."""
        return not self.errors

    def counts(self):
        """The counters as a dict (for the audit event)."""
        names = ("created", "updated", "unchanged", "categories_created", "categories_updated")
        return {name: getattr(self, name) for name in names}


@dataclass
class Plan:
    """Everything a checked directory will write."""

    categories: list = field(default_factory=list)
    guides: list = field(default_factory=list)


# --- checking a directory ------------------------------------------------------------------------

def check_directory(path, create_missing_categories=False, progress=None):
    """Read and check every file of a directory without writing anything; return (Plan, ImportReport)."""
    path, plan, report = Path(path), Plan(), ImportReport()
    files = sorted(path.glob("*.md")) if path.is_dir() else []
    if not path.is_dir():
        report.errors.append((str(path), _("There is no such directory.")))
    elif not files:
        report.errors.append((str(path), _("The directory holds no Markdown files (*.md).")))
    if report.errors:
        return plan, report
    tree_ok = True
    if (path / CATEGORIES_FILE).is_file():
        plan.categories = _collect(report, CATEGORIES_FILE, read_categories, path / CATEGORIES_FILE) or []
        tree_ok = report.ok and _check_tree(plan.categories, report)
    for number, file in enumerate(files, 1):
        guide = _collect(report, file.name, read_guide, file)
        if guide is not None:
            plan.guides.append(guide)
        _tick(progress, number, 2 * len(files))
    _check_slugs(plan.guides, report)
    if tree_ok:  # with a broken categories.yml every category would look unknown: say it once
        _resolve_categories(plan, report, create_missing_categories)
    return plan, report


def _collect(report, name, reader, path):
    try:
        return reader(path)
    except FileProblem as problem:
        report.errors.extend((name, message) for message in problem.messages)
    except OSError as error:
        report.errors.append((name, _("The file cannot be read: %(error)s.", error=error.strerror or error)))
    return None


def _tick(progress, done, total):
    if progress is not None:
        progress(done, total)


def _check_slugs(guides, report):
    first = {}
    for guide in guides:
        if guide.slug in first:
            report.errors.append((guide.filename, _("The slug “%(slug)s” is already used by %(other)s; each "
                                                    "article needs its own.", slug=guide.slug,
                                                    other=first[guide.slug])))
        else:
            first[guide.slug] = guide.filename


def _check_tree(specs, report):
    """Whether the tree stays two levels deep once categories.yml has moved categories around."""
    columns = (ArticleCategory.id, ArticleCategory.slug, ArticleCategory.parent_id)
    rows = db.session.execute(select(*columns)).all()
    slugs = {row.id: row.slug for row in rows}
    parents = {row.slug: slugs.get(row.parent_id) for row in rows}
    parents.update({spec.slug: spec.parent for spec in specs})
    nested = sorted(slug for slug, parent in parents.items() if parent and parents.get(parent))
    for slug in nested:
        message = _("The category “%(slug)s” would end up under “%(parent)s”, itself a subcategory: the "
                    "tree has two levels. Move “%(slug)s” in %(file)s too.", slug=slug, parent=parents[slug],
                    file=CATEGORIES_FILE)
        report.errors.append((CATEGORIES_FILE, message))
    return not nested


def _resolve_categories(plan, report, create_missing):
    known = set(db.session.scalars(select(ArticleCategory.slug))) | {spec.slug for spec in plan.categories}
    missing = sorted({guide.category for guide in plan.guides if guide.category} - known)
    if create_missing:
        # A category only a file names becomes a top-level one called by its slug; rename it later.
        plan.categories.extend(CategorySpec(slug=slug, name=slug, position=position)
                               for position, slug in enumerate(missing))
        return
    report.unknown_categories = missing
    for guide in plan.guides:
        if guide.category in missing:
            report.errors.append((guide.filename, _("Unknown category “%(slug)s”: add it to %(file)s in this "
                                                    "directory or create it in the knowledge base first.",
                                                    slug=guide.category, file=CATEGORIES_FILE)))


# --- writing -------------------------------------------------------------------------------------

def write_plan(plan, actor, report, progress=None):
    """Write a checked Plan into the session (no commit) and tell search about every changed article."""
    categories = _save_categories(plan.categories, report)
    writer = _ArticleWriter(actor, categories, [guide.slug for guide in plan.guides])
    changed = []
    total = 2 * len(plan.guides)
    for number, guide in enumerate(plan.guides, len(plan.guides) + 1):
        outcome, article = writer.save(guide)
        setattr(report, outcome, getattr(report, outcome) + 1)
        if outcome == "created":
            report.created_slugs.append(guide.slug)
        if outcome != "unchanged":
            changed.append(article)
        _tick(progress, number, total)
    db.session.flush()
    for article in changed:
        search.document_changed("article", article.id)


def _save_categories(specs, report):
    existing = {category.slug: category for category in db.session.scalars(select(ArticleCategory))}
    for spec in specs:  # parents come before their children
        parent = existing[spec.parent] if spec.parent else None
        category = existing.get(spec.slug)
        if category is None:
            existing[spec.slug] = ArticleCategory(slug=spec.slug, name=spec.name, parent=parent,
                                                  position=spec.position)
            db.session.add(existing[spec.slug])
            report.categories_created += 1
        elif (category.name, category.parent, category.position) != (spec.name, parent, spec.position):
            category.name, category.parent, category.position = spec.name, parent, spec.position
            report.categories_updated += 1
    db.session.flush()
    return existing


class _ArticleWriter:
    """Creates or revises articles by slug; tags are found case-insensitively or created."""

    def __init__(self, actor, categories, slugs):
        self.actor, self.categories, self.now = actor, categories, utcnow()
        self.tags = {tag.name.casefold(): tag for tag in db.session.scalars(select(Tag))}
        query = select(Article).where(Article.slug.in_(slugs)).options(selectinload(Article.tags))
        self.articles = {article.slug: article for article in db.session.scalars(query)}

    def save(self, guide):
        """("created" | "updated" | "unchanged", the article) for one guide."""
        article = self.articles.get(guide.slug)
        if article is None:
            article = Article(slug=guide.slug, author=self.actor, created_at=self.now, revision_count=0)
            db.session.add(article)
            self._revise(article, guide)
            self._set_status(article, guide.status)
            return "created", article
        revised = self._content(guide) != _current_content(article)
        if revised:
            self._revise(article, guide)
        status_changed = self._set_status(article, guide.status)
        return ("updated" if revised or status_changed else "unchanged"), article

    def _content(self, guide):
        category = self.categories.get(guide.category) if guide.category else None
        return (guide.title, guide.summary, guide.body, category.id if category else None, guide.audience,
                frozenset(tag.casefold() for tag in guide.tags))

    def _revise(self, article, guide):
        tags = [self._tag(name) for name in guide.tags]
        article.title, article.summary, article.body = guide.title, guide.summary, guide.body
        article.category = self.categories.get(guide.category) if guide.category else None
        article.audience, article.tags, article.updated_at = guide.audience, tags, self.now
        article.revision_count = (article.revision_count or 0) + 1
        article.revisions.append(ArticleRevision(
            number=article.revision_count, title=guide.title, summary=guide.summary, body=guide.body,
            category_id=article.category.id if article.category else None, tags=[tag.name for tag in tags],
            audience=guide.audience,
            author=self.actor, comment=REVISION_COMMENT.format(name=guide.filename)[:300],
            created_at=self.now,
        ))

    def _set_status(self, article, status):
        if article.status == status:
            return False
        article.status = status
        if status == c.PUBLISHED and article.published_at is None:
            article.published_at = self.now
        return True

    def _tag(self, name):
        if name.casefold() not in self.tags:
            self.tags[name.casefold()] = Tag(name=name)
            db.session.add(self.tags[name.casefold()])
        return self.tags[name.casefold()]


def _current_content(article):
    return (article.title, article.summary, article.body, article.category_id, article.audience,
            frozenset(tag.name.casefold() for tag in article.tags))


# --- the service ---------------------------------------------------------------------------------

def stage_directory(actor, path, progress=None, create_missing_categories=False):
    """Check a directory and, when every file is good, write it into the session without committing."""
    if actor is not None and not permissions.can_publish_articles(actor):
        raise PermissionDenied(_("Only methodologists and administrators import guides."))
    plan, report = check_directory(path, create_missing_categories, progress)
    if report.ok:
        write_plan(plan, actor, report, progress)
    return report


def import_directory(actor, path, progress=None, create_missing_categories=False):
    """Import a directory of guides (and its categories.yml), all or nothing; return an ImportReport.

    `actor` is None for the command line. Every *.md file holds front matter (title, slug, category,
    tags, audience, status, summary) and a Markdown body. Articles are matched by slug: an unchanged
    file changes nothing, a changed one adds a revision. A category must exist in the knowledge base
    or in the directory's categories.yml unless `create_missing_categories` is set.
    `progress(done, total)` is called as files are checked and written.
    """
    try:
        report = stage_directory(actor, path, progress, create_missing_categories)
        if not report.ok:
            return report
        audit.record("kb.imported", actor=actor, directory=str(path), **report.counts())
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    search.apply_pending()
    return report
