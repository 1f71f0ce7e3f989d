"""Demo step for the knowledge base: the starter guides from content/, a few with a longer history.

The guides are imported as the demo methodologist through the importer (matched by slug, so a
second build finds them unchanged). A few guides the build has just created get an earlier, shorter
first revision by another methodologist, dated weeks back, so the history and diff pages have
something to show. Dates are relative to now; everything else is the same on every build.
"""

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from app.auth.models import User
from app.timeutil import utcnow
from knowledge_base import importer
from knowledge_base.models import Article, ArticleRevision

CONTENT_DIR = Path(__file__).resolve().parent / "content"
IMPORTER = "methodologist@opora.test"
# Guides whose history starts with a shorter draft: (slug, author of the draft, days since the draft).
HISTORY = (
    ("prikaz-o-naznachenii-otvetstvennogo", "methodologist2@opora.test", 45),
    ("itogovye-otmetki-za-chetvert-i-god", "methodologist3@opora.test", 30),
    ("kak-obratitsya-na-goryachuyu-liniyu", "methodologist2@opora.test", 21),
)
FIRST_DRAFT_COMMENT = "первая редакция"
ADDED_SECTION_COMMENT = "добавлен раздел «{heading}»"


def build_guides(ctx):
    """Import the starter guides; give a few of the newly created ones a two-revision history."""
    report = importer.stage_directory(ctx.users[IMPORTER], CONTENT_DIR)
    if not report.ok:  # the content ships with the code: a bad file is a bug, not a user error
        problems = "; ".join(f"{name}: {message}" for name, message in report.errors)
        raise RuntimeError(f"knowledge_base/content has errors: {problems}")
    for slug, email, days in HISTORY:
        if slug in report.created_slugs:
            _add_first_draft(ctx, slug, email, days)
    ctx.count("articles", report.created)
    ctx.progress(f"База знаний: статей создано {report.created}, обновлено {report.updated}, "
                 f"без изменений {report.unchanged}")


def without_last_section(body):
    """(the body without its last «## » section, that section's heading); the body itself if it has none."""
    lines = body.split("\n")
    starts = [number for number, line in enumerate(lines) if line.startswith("## ")]
    if len(starts) < 2:
        return body, ""
    last = starts[-1]
    return "\n".join(lines[:last]).rstrip(), lines[last][3:].strip()


def _add_first_draft(ctx, slug, email, days):
    article = ctx.session.scalar(select(Article).where(Article.slug == slug))
    draft_body, heading = without_last_section(article.body)
    if not heading:
        return
    final = article.revisions[0]  # the one revision the import has just added
    drafted = utcnow() - timedelta(days=days)
    revised = drafted + timedelta(days=days // 2, hours=3)
    final.number, final.created_at = 2, revised
    final.comment = ADDED_SECTION_COMMENT.format(heading=heading)
    ctx.session.flush()  # renumber first: (article, number) is unique
    author = ctx.session.scalar(select(User).where(User.email == email)) or final.author
    article.revisions.insert(0, ArticleRevision(
        number=1, title=final.title, summary=final.summary, body=draft_body, category_id=final.category_id,
        tags=list(final.tags), audience=final.audience, author=author, comment=FIRST_DRAFT_COMMENT,
        created_at=drafted,
    ))
    article.revision_count, article.author = 2, author
    article.created_at, article.updated_at, article.published_at = drafted, revised, revised
