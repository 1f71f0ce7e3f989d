"""Guide files: images inline with their exact type, the rest as downloads, disguised files refused."""

import io
from pathlib import Path

import pytest
from sqlalchemy import select

from app.errors import NotFound, ValidationFailed
from app.uploads import UploadedFile
from knowledge_base import constants as c
from knowledge_base import files, services
from knowledge_base.models import Article, ArticleFile

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
GIF = b"GIF89a" + b"\x00" * 30
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 30
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HTML_AS_PNG = b"<html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def _data(**fields):
    data = {"title": "Скриншоты журнала", "body": "Смотрите рисунки.", "audience": c.PUBLIC}
    data.update(fields)
    return data


def _publish(kb, uploads, **fields):
    article = services.create_article(kb.author, _data(**fields), "", files=uploads)
    services.change_status(kb.author, article.id, c.PUBLISHED)
    return article


def _file(db, name):
    return db.session.scalar(select(ArticleFile).where(ArticleFile.filename == name))


def test_images_are_served_inline_with_their_exact_type(client, kb, db):
    _publish(kb, [UploadedFile("журнал.png", PNG), UploadedFile("a.gif", GIF), UploadedFile("b.jpg", JPG)])
    for name, content_type, data in (("журнал.png", "image/png", PNG), ("a.gif", "image/gif", GIF),
                                     ("b.jpg", "image/jpeg", JPG)):
        row = _file(db, name)
        assert row.is_image
        response = client.get(f"/kb/files/{row.id}")
        assert response.status_code == 200 and response.data == data
        assert response.headers["Content-Type"] == content_type
        assert "attachment" not in response.headers.get("Content-Disposition", "")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("name, data, content_type", [
    ("инструкция.pdf", PDF, "application/pdf"),
    ("шаги.txt", "1. Войти\n".encode(), "text/plain; charset=utf-8"),
])
def test_other_files_are_downloaded_as_attachments(client, kb, db, name, data, content_type):
    article = _publish(kb, [UploadedFile(name, data)])
    row = _file(db, name)
    assert not row.is_image and row.size == len(data)
    response = client.get(f"/kb/files/{row.id}")
    assert response.status_code == 200 and response.data == data
    assert response.headers["Content-Type"] == content_type
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert files.path_of(row).parent.parent == Path(client.application.instance_path) / "kb-files"
    assert 'data-testid="attachment"' in client.get(f"/kb/{article.slug}").get_data(as_text=True)


@pytest.mark.parametrize("name, data", [("картинка.png", HTML_AS_PNG), ("logo.svg", SVG),
                                        ("page.html", b"<html></html>"), ("photo.jpg", PNG)])
def test_disguised_and_unsafe_files_are_refused_and_nothing_is_stored(kb, db, name, data):
    with pytest.raises(ValidationFailed):
        uploads = [UploadedFile("ok.pdf", PDF), UploadedFile(name, data)]
        services.create_article(kb.author, _data(), "", files=uploads)
    assert db.session.query(Article).count() == 0 and db.session.query(ArticleFile).count() == 0


def test_a_png_that_is_html_is_refused_by_the_editor(client, auth, db):
    auth.login("methodologist")
    response = auth.post("/kb/new", {"title": "С картинкой", "body": "Текст", "audience": c.PUBLIC,
                                     "category_id": "0", "files": (io.BytesIO(HTML_AS_PNG), "shot.png")},
                         content_type="multipart/form-data")
    assert response.status_code == 400
    assert 'data-testid="files-error"' in response.get_data(as_text=True)
    assert db.session.query(Article).count() == 0


def test_the_editor_uploads_files(client, auth, db):
    auth.login("methodologist")
    response = auth.post("/kb/new", {"title": "С картинкой", "body": "Текст", "audience": c.PUBLIC,
                                     "category_id": "0", "files": [(io.BytesIO(PNG), "shot.png"),
                                                                   (io.BytesIO(PDF), "doc.pdf")]},
                         content_type="multipart/form-data")
    assert response.status_code == 302
    assert sorted((f.filename, f.is_image) for f in db.session.scalars(select(ArticleFile))) == [
        ("doc.pdf", False), ("shot.png", True)]


def test_files_follow_the_article_scope(client, auth, kb, db):
    _publish(kb, [UploadedFile("internal.pdf", PDF)], title="Для операторов", audience=c.INTERNAL)
    _publish(kb, [UploadedFile("staff.png", PNG)], title="Для сотрудников", audience=c.STAFF)
    draft = services.create_article(kb.author, _data(title="Черновик"), "",
                                    files=[UploadedFile("d.pdf", PDF)])
    internal, staff, drafted = _file(db, "internal.pdf"), _file(db, "staff.png"), _file(db, "d.pdf")
    assert drafted.article_id == draft.id
    for row in (internal, staff, drafted):
        assert client.get(f"/kb/files/{row.id}").status_code == 404
    auth.login("teacher")
    assert client.get(f"/kb/files/{staff.id}").status_code == 200
    assert client.get(f"/kb/files/{internal.id}").status_code == 404
    assert client.get(f"/kb/files/{drafted.id}").status_code == 404
    assert client.get("/kb/files/99999").status_code == 404
    assert client.get("/kb/files/99999999999999999999").status_code == 404


def test_an_editor_removes_a_file(client, auth, kb, db, make):
    article = _publish(kb, [UploadedFile("old.pdf", PDF)])
    row = _file(db, "old.pdf")
    path = files.path_of(row)
    assert path.is_file()
    with pytest.raises(NotFound):
        files.remove_file(make.user("teacher"), 99999)
    auth.login(kb.author)
    response = auth.post(f"/kb/files/{row.id}/delete")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/kb/{article.slug}/edit")
    assert db.session.query(ArticleFile).count() == 0 and not path.exists()
