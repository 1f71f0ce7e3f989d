"""Upload checks shared by every feature: size and type limits, content matched to the extension."""

import hashlib
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from app.errors import ValidationFailed

MAX_FILES = 10

# Allowed extensions → (content type served, signatures the content must start with; None = text).
ALLOWED_TYPES = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    "txt": ("text/plain; charset=utf-8", None),
    "csv": ("text/csv; charset=utf-8", None),
    "log": ("text/plain; charset=utf-8", None),
    "doc": ("application/msword", (b"\xd0\xcf\x11\xe0",)),
    "xls": ("application/vnd.ms-excel", (b"\xd0\xcf\x11\xe0",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    "odt": ("application/vnd.oasis.opendocument.text", (b"PK\x03\x04",)),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", (b"PK\x03\x04",)),
    "zip": ("application/zip", (b"PK\x03\x04",)),
}


@dataclass
class UploadedFile:
    """A file as services take it: its original name and its bytes."""

    filename: str
    data: bytes


def max_size():
    """Largest accepted attachment in bytes."""
    return current_app.config.get("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)


def _extension(filename):
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


def _looks_like_text(data):
    if b"\x00" in data[:8192]:
        return False
    for encoding in ("utf-8", "cp1251"):
        try:
            data[:8192].decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False


def check_file(upload):
    """Return the content type to serve, or raise ValidationFailed saying what is wrong."""
    name = os.path.basename(upload.filename or "").strip()
    extension = _extension(name)
    if extension not in ALLOWED_TYPES:
        allowed = ", ".join(sorted(ALLOWED_TYPES))
        raise ValidationFailed(_("The file “%(name)s” has a type that is not accepted. Accepted: %(types)s.",
                                 name=name or "?", types=allowed), {"files": []})
    if not upload.data:
        raise ValidationFailed(_("The file “%(name)s” is empty.", name=name), {"files": []})
    if len(upload.data) > max_size():
        raise ValidationFailed(_("The file “%(name)s” is larger than %(mb)d MB.",
                                 name=name, mb=max_size() // (1024 * 1024)), {"files": []})
    content_type, signatures = ALLOWED_TYPES[extension]
    matches = _looks_like_text(upload.data) if signatures is None else upload.data.startswith(signatures)
    if not matches:
        raise ValidationFailed(_("The content of “%(name)s” does not match its extension .%(ext)s.",
                                 name=name, ext=extension), {"files": []})
    return content_type


def check_files(uploads):
    """Check every upload before anything is stored; return their content types."""
    uploads = [u for u in uploads if u.filename or u.data]
    if len(uploads) > MAX_FILES:
        raise ValidationFailed(_("Attach at most %(n)d files at once.", n=MAX_FILES), {"files": []})
    return [(upload, check_file(upload)) for upload in uploads]


def folder_path(folder):
    """A folder of stored uploads in the instance folder (never under static/)."""
    return Path(current_app.instance_path) / folder


def stored_path(folder, stored_name):
    """Where a stored upload lives: instance/<folder>/<first two letters>/<name>."""
    return folder_path(folder) / stored_name[:2] / stored_name


def save(folder, upload):
    """Write a checked upload under a generated name; return the columns every file row keeps."""
    stored_name = uuid.uuid4().hex
    path = stored_path(folder, stored_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(upload.data)
    return {
        "filename": os.path.basename(upload.filename)[:255],
        "stored_name": stored_name,
        "size": len(upload.data),
        "sha256": hashlib.sha256(upload.data).hexdigest(),
    }
