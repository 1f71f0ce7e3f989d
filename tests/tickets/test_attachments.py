"""Attachment checks and storage: types, sizes, content matched to the extension, all or nothing."""

import hashlib

import pytest
from sqlalchemy import func, select

from app import uploads
from app.errors import ValidationFailed
from app.uploads import UploadedFile
from tickets import attachments, services
from tickets.models import Attachment, Ticket

pytestmark = pytest.mark.usefixtures("queues")

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"


@pytest.fixture
def app_settings():
    return {"ATTACHMENT_MAX_BYTES": 1024}


def stored_files():
    root = attachments.storage_dir()
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.mark.parametrize("upload", [
    UploadedFile("скриншот.txt", PNG),
    UploadedFile("page.html", b"<html><script>alert(1)</script></html>"),
    UploadedFile("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
    UploadedFile("report.pdf", b"<html>not a pdf</html>"),
    UploadedFile("photo.png", b"GIF89a...."),
    UploadedFile("noextension", b"text"),
    UploadedFile("empty.txt", b""),
    UploadedFile("big.txt", b"a" * 1025),
])
def test_refused_uploads_say_which_file(upload):
    with pytest.raises(ValidationFailed) as error:
        uploads.check_file(upload)
    assert upload.filename in error.value.message
    assert "files" in error.value.field_errors


def test_accepted_uploads_get_the_served_content_type():
    assert uploads.check_file(UploadedFile("Акт.PDF", PDF)) == "application/pdf"
    assert uploads.check_file(UploadedFile("шаг1.png", PNG)) == "image/png"
    assert uploads.check_file(UploadedFile("лог.txt", "Ошибка входа".encode("cp1251"))).startswith(
        "text/plain")


def test_too_many_files_are_refused():
    with pytest.raises(ValidationFailed):
        uploads.check_files([UploadedFile(f"{n}.txt", b"x") for n in range(uploads.MAX_FILES + 1)])


def test_ticket_with_one_bad_file_stores_nothing(db, make):
    teacher = make.user("teacher")
    before = stored_files()
    with pytest.raises(ValidationFailed):
        services.open_ticket(teacher, "technical", "Ошибка", "Текст", files=[
            UploadedFile("ok.pdf", PDF), UploadedFile("evil.txt", PNG)])
    assert db.session.scalar(select(func.count()).select_from(Ticket)) == 0
    assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0
    assert stored_files() == before


def test_stored_file_keeps_name_size_and_hash_under_a_generated_name(db, make):
    teacher = make.user("teacher")
    ticket = services.open_ticket(teacher, "technical", "Ошибка", "Текст",
                                  files=[UploadedFile("../../etc/Акт сверки.pdf", PDF)])
    (attachment,) = ticket.attachments
    assert attachment.filename == "Акт сверки.pdf"
    assert (attachment.size, attachment.sha256) == (len(PDF), hashlib.sha256(PDF).hexdigest())
    path = attachments.path_of(attachment)
    assert path.read_bytes() == PDF and attachment.stored_name in path.name and "Акт" not in str(path)
    assert attachments.storage_dir() in path.parents
