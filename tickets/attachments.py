"""Ticket attachments: checked by app.uploads, stored under generated names in the instance folder."""

import hashlib
import os
import uuid
from pathlib import Path

from flask import current_app

from app.uploads import ALLOWED_TYPES, MAX_FILES, UploadedFile, check_file, check_files, max_size  # noqa: F401
from tickets.models import Attachment


def storage_dir():
    """Where attachment files live (outside the static folder)."""
    return Path(current_app.instance_path) / "attachments"


def store(ticket, message, uploader, checked):
    """Write checked uploads under generated names and return Attachment rows (not yet committed)."""
    rows = []
    for upload, content_type in checked:
        stored_name = uuid.uuid4().hex
        path = storage_dir() / stored_name[:2] / stored_name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(upload.data)
        rows.append(Attachment(
            ticket=ticket, message=message, filename=os.path.basename(upload.filename)[:255],
            stored_name=stored_name, content_type=content_type, size=len(upload.data),
            sha256=hashlib.sha256(upload.data).hexdigest(), uploaded_by_id=uploader.id if uploader else None,
        ))
    return rows


def path_of(attachment):
    """The file of a stored attachment."""
    return storage_dir() / attachment.stored_name[:2] / attachment.stored_name
