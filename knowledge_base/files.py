"""Images and attachments of guides: checked by app.uploads, stored under instance/kb-files/.

Only PNG, JPEG and GIF are ever shown inline, with their exact content type; everything else is
downloaded as a file. SVG and HTML are not accepted by app.uploads at all (they can carry script).
"""

from app import uploads
from app.auth import permissions
from app.errors import NotFound, PermissionDenied
from app.extensions import db
from app.timeutil import utcnow
from app.uploads import check_files
from knowledge_base.models import ArticleFile

INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif"})


FOLDER = "kb-files"


def path_of(row):
    """The file of a stored ArticleFile."""
    return uploads.stored_path(FOLDER, row.stored_name)


def check(files):
    """Check every upload before anything is stored: [(upload, content type)] or ValidationFailed."""
    return check_files(list(files or ()))


def store(article, uploader, checked):
    """Write checked uploads under generated names; add ArticleFile rows to the session (no commit)."""
    rows = [
        ArticleFile(content_type=content_type, is_image=content_type in INLINE_TYPES,
                    uploaded_by_id=uploader.id if uploader else None, **uploads.save(FOLDER, upload))
        for upload, content_type in checked
    ]
    article.files.extend(rows)
    return rows


def _readable_file(actor, file_id):
    row = db.session.get(ArticleFile, file_id)
    if row is None or not permissions.can_read_article(actor, row.article):
        raise NotFound()
    return row


def file_for_download(actor, file_id):
    """(row, path, inline) of a file whose article the actor may read; inline only for safe images."""
    row = _readable_file(actor, file_id)
    path = path_of(row)
    if not path.is_file():
        raise NotFound()
    return row, path, row.is_image and row.content_type in INLINE_TYPES


def remove_file(actor, file_id):
    """Delete a file of an article the actor may edit; return the article's slug."""
    row = _readable_file(actor, file_id)
    if not permissions.can_edit_article(actor, row.article):
        raise PermissionDenied()
    slug, path = row.article.slug, path_of(row)
    row.article.updated_at = utcnow()  # the guide's page changed: kept copies of it are rendered again
    db.session.delete(row)
    db.session.commit()
    # The row is gone for good: only now the bytes may go (a failed commit keeps both).
    path.unlink(missing_ok=True)
    return slug
