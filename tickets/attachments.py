"""Ticket attachments: checked by app.uploads, stored under generated names in the instance folder."""

from app import uploads
from tickets.models import Attachment

FOLDER = "attachments"


def storage_dir():
    """Where attachment files live (outside the static folder)."""
    return uploads.folder_path(FOLDER)


def store(ticket, message, uploader, checked):
    """Write checked uploads under generated names and return Attachment rows (not yet committed)."""
    return [
        Attachment(ticket=ticket, message=message, content_type=content_type,
                   uploaded_by_id=uploader.id if uploader else None, **uploads.save(FOLDER, upload))
        for upload, content_type in checked
    ]


def path_of(attachment):
    """The file of a stored attachment."""
    return uploads.stored_path(FOLDER, attachment.stored_name)
