"""Attendance: marked on the seminar page for all rows at once, or loaded from a CSV file, all or nothing."""

import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.errors import PermissionDenied, ValidationFailed
from app.extensions import db
from app.timeutil import utcnow
from training import constants as c
from training import seminar_attendance as attendance
from training import seminar_registration as registration
from training.models import Registration


@pytest.fixture
def held(make, training):
    """A seminar that started an hour ago: four registered (one moved up from the line), one waiting."""
    seminar = training.seminar(capacity=4)
    people = {name: make.user("school", email=f"{name}@school.test") for name in
              ("anna", "boris", "vera", "waiting", "gone")}
    for name in ("anna", "boris", "vera", "gone", "waiting"):
        registration.register(people[name], seminar.id)
    registration.withdraw(people["gone"], seminar.id)
    assert registration.own_registration(people["waiting"], seminar.id).status == c.REGISTERED
    registration.register(people["gone"], seminar.id)  # back, but now only in the waiting line
    seminar.starts_at = utcnow() - timedelta(hours=1)
    seminar.ends_at = seminar.starts_at + timedelta(hours=3)
    db.session.commit()
    return seminar, people, make.user("methodologist")


def marks(seminar):
    db.session.expire_all()
    rows = db.session.scalars(select(Registration).where(Registration.seminar_id == seminar.id))
    return {row.user.email.split("@")[0]: row.attendance for row in rows}


def reg_id(seminar, user):
    return registration.own_registration(user, seminar.id).id


def test_marks_from_the_page_are_saved_and_audited_with_counts(held):
    seminar, people, methodologist = held
    counts, changed = attendance.mark_attendance(methodologist, seminar.id, {
        str(reg_id(seminar, people["anna"])): c.ATTENDED, str(reg_id(seminar, people["boris"])): c.PARTIAL,
        str(reg_id(seminar, people["vera"])): c.NO_SHOW})
    assert counts == {c.ATTENDED: 1, c.PARTIAL: 1, c.NO_SHOW: 1} and changed == 3
    assert marks(seminar) == {"anna": c.ATTENDED, "boris": c.PARTIAL, "vera": c.NO_SHOW, "waiting": None,
                              "gone": None}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "training.attendance_marked"))
    assert event.details == {"source": "form", "changed": 3, "attended": 1, "partial": 1, "no_show": 1}
    counts, changed = attendance.mark_attendance(methodologist, seminar.id,
                                                 {str(reg_id(seminar, people["vera"])): ""})
    assert changed == 1 and counts[c.NO_SHOW] == 0 and marks(seminar)["vera"] is None


def test_the_form_cannot_mark_people_who_are_not_registered_or_use_unknown_marks(held):
    seminar, people, methodologist = held
    for bad in ({str(reg_id(seminar, people["gone"])): c.ATTENDED}, {"abc": c.ATTENDED},
                {str(reg_id(seminar, people["anna"])): "sleeping"}):
        with pytest.raises(ValidationFailed):
            attendance.mark_attendance(methodologist, seminar.id, bad)
    assert set(marks(seminar).values()) == {None}


def test_attendance_waits_for_the_start_and_belongs_to_methodologists(make, training, held):
    seminar, people, methodologist = held
    ahead = training.seminar()
    with pytest.raises(ValidationFailed, match="когда семинар начнётся"):
        attendance.mark_attendance(methodologist, ahead.id, {})
    with pytest.raises(PermissionDenied):
        attendance.mark_attendance(people["anna"], seminar.id, {})
    with pytest.raises(PermissionDenied):
        attendance.import_attendance(make.user("municipal"), seminar.id, b"email;mark\n")


def test_a_cp1251_file_with_semicolons_and_russian_spellings(held):
    seminar, _people, methodologist = held
    raw = ("E-mail;Отметка\r\nANNA@school.test; Присутствовал \r\nboris@school.test;частично\r\n"
           "vera@school.test;не явилась\r\n").encode("cp1251")
    report = attendance.import_attendance(methodologist, seminar.id, raw, "seminar.csv")
    assert report.ok and report.rows == 3 and report.changed == 3
    assert report.counts == {c.ATTENDED: 1, c.PARTIAL: 1, c.NO_SHOW: 1}
    assert marks(seminar) == {"anna": c.ATTENDED, "boris": c.PARTIAL, "vera": c.NO_SHOW, "waiting": None,
                              "gone": None}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "training.attendance_marked"))
    assert event.details["source"] == "seminar.csv"


def test_a_utf8_file_with_commas_a_bom_and_english_header(held):
    seminar, _people, methodologist = held
    raw = "\ufeffmark,email\n+,anna@school.test\n0.5,waiting@school.test\n".encode()
    report = attendance.import_attendance(methodologist, seminar.id, raw)
    assert report.ok and marks(seminar)["anna"] == c.ATTENDED and marks(seminar)["waiting"] == c.PARTIAL


def test_one_bad_line_and_nothing_is_written_every_bad_line_is_reported(held):
    seminar, _people, methodologist = held
    raw = ("email;отметка\n"
           "anna@school.test;был\n"
           "nobody@school.test;был\n"
           "gone@school.test;был\n"
           "boris@school.test;спал\n"
           "\n"
           "anna@school.test;нет\n"
           ";был\n"
           "vera@school.test;\n").encode()
    report = attendance.import_attendance(methodologist, seminar.id, raw)
    assert not report.ok
    lines = dict(report.errors)
    assert sorted(lines) == [3, 4, 5, 7, 8, 9]
    assert "nobody@school.test" in lines[3] and "На портале нет" in lines[3]
    assert "не записан" in lines[4]
    assert "«спал» — не отметка посещения" in lines[5]
    assert "уже встречается в строке 2" in lines[7]
    assert lines[8] == "Не указан e-mail."
    assert lines[9] == "Не указана отметка: напишите «присутствовал», «частично» или «не явился»."
    assert set(marks(seminar).values()) == {None}
    assert db.session.query(AuditEvent).filter_by(action="training.attendance_marked").count() == 0


@pytest.mark.parametrize(("raw", "text"), [
    (b"", "Файл пуст"),
    (b"PK\x03\x04rest-of-a-zip", "не файл CSV"),
    ("фамилия;имя\nИванов;Иван\n".encode(), "В заголовке нет обязательных столбцов: E-mail (email), Отметка"),
])
def test_files_that_are_not_an_attendance_table_are_refused_clearly(held, raw, text):
    seminar, _people, methodologist = held
    try:
        report = attendance.import_attendance(methodologist, seminar.id, raw)
    except ValidationFailed as error:
        message = error.message
    else:
        message = " ".join(m for _line, m in report.errors)
    assert text in message


def test_the_page_form_marks_everyone_at_once(client, auth, held):
    seminar, people, methodologist = held
    auth.login(methodologist)
    page = client.get(f"/training/seminars/{seminar.id}").get_data(as_text=True)
    assert 'data-testid="attendance-form"' in page and "Сохранить посещаемость" in page
    anna, vera = reg_id(seminar, people["anna"]), reg_id(seminar, people["vera"])
    response = auth.post(f"/training/seminars/{seminar.id}/attendance",
                         {f"mark-{anna}": c.ATTENDED, f"mark-{vera}": c.NO_SHOW}, follow_redirects=True)
    assert "присутствовали — 1, частично — 0, не явились — 1" in response.get_data(as_text=True)
    assert marks(seminar)["anna"] == c.ATTENDED
    response = auth.post(f"/training/seminars/{seminar.id}/attendance", {"mark-999999": c.ATTENDED})
    assert response.status_code == 422 and "Список участников изменился" in response.get_data(as_text=True)


def test_the_page_upload_reports_bad_lines(client, auth, held):
    seminar, _people, methodologist = held
    auth.login(methodologist)
    auth.fetch_token(f"/training/seminars/{seminar.id}")
    response = auth.post(f"/training/seminars/{seminar.id}/attendance/import",
                         {"file": (io.BytesIO("email;mark\nnobody@x.test;был\n".encode()), "list.csv")},
                         content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Строка 2:" in html and "nobody@x.test" in html
    response = auth.post(f"/training/seminars/{seminar.id}/attendance/import",
                         {"file": (io.BytesIO(b"email;mark\nanna@school.test;1\n"), "list.csv")},
                         content_type="multipart/form-data", follow_redirects=True)
    assert "Посещаемость загружена из файла: строк — 1" in response.get_data(as_text=True)
    response = auth.post(f"/training/seminars/{seminar.id}/attendance/import", {},
                         content_type="multipart/form-data")
    assert response.status_code == 400 and "Выберите файл CSV." in response.get_data(as_text=True)
