"""Directory pages: browsing and editing within scope, form errors, the admin import page."""

from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.directory.models import Appointment, Organization, Person

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def english(client):
    """Pages in English, so the assertions read msgids whatever catalogs exist."""
    client.set_cookie("opora_lang", "en")


@pytest.fixture
def tree(make):
    """One municipality with two schools, another with one."""
    north = make.municipality(name="Северный район", code="M-N")
    south = make.municipality(name="Южный район", code="M-S")
    return {
        "north": north, "south": south,
        "n1": make.school(north, name="Школа № 1", code="N-1"),
        "n2": make.school(north, name="Гимназия № 2", code="N-2"),
        "s1": make.school(south, name="Школа № 3", code="S-1"),
    }


def text(response):
    """The response body as text."""
    return response.get_data(as_text=True)


def test_anonymous_is_sent_to_sign_in(client, tree):
    response = client.get("/directory/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_municipal_browses_own_municipality(auth, client, make, tree):
    auth.login("municipal", organization=tree["north"])
    make.appointment(tree["n1"], person=make.person(tree["n1"], last_name="Петрова", first_name="Анна"))
    body = text(client.get("/directory/"))
    assert "Северный район" in body and "Школа № 1" in body and "Гимназия № 2" in body
    assert "Южный район" not in body and "Школа № 3" not in body
    assert "Петрова А." in body and "not appointed" in body
    assert "Import from CSV" not in body
    assert "Гимназия № 2" not in text(client.get("/directory/?q=школа"))


def test_organization_outside_scope_is_404(auth, client, tree):
    auth.login("municipal", organization=tree["north"])
    assert client.get(f"/directory/{tree['s1'].id}").status_code == 404
    assert client.get(f"/directory/{tree['s1'].id}/edit").status_code == 404
    assert auth.post(f"/directory/{tree['s1'].id}/edit", {"code": "S-1", "name": "X"}).status_code == 404
    assert client.get("/directory/999999").status_code == 404


def test_organization_page_shows_staff_and_appointments_and_logs_access(auth, client, db, make, tree):
    user = auth.login("municipal", organization=tree["north"])
    person = make.person(tree["n1"], last_name="Сидоров", position="Учитель информатики", phone="+7 900")
    make.appointment(tree["n1"], person=person, order_number="45-п", order_date=date(2010, 11, 12))
    body = text(client.get(f"/directory/{tree['n1'].id}"))
    assert "Сидоров" in body and "Учитель информатики" in body and "+7 900" in body
    assert "№ 45-п of 12.11.2010" in body and "current" in body
    assert f"/directory/{tree['n1'].id}/edit" in body and f"/directory/people/{person.id}/edit" in body
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "directory.people_viewed"))
    assert (event.actor_id, event.target_id) == (user.id, tree["n1"].id)


def test_teacher_sees_no_edit_links_and_gets_403(auth, client, make, tree):
    auth.login("teacher", organization=tree["n1"])
    person = make.person(tree["n1"])
    body = text(client.get(f"/directory/{tree['n1'].id}"))
    assert "Школа № 1" in body and "/edit" not in body
    assert client.get(f"/directory/{tree['n1'].id}/edit").status_code == 403
    assert auth.post(f"/directory/{tree['n1'].id}/edit", {"code": "N-1", "name": "X"}).status_code == 403
    assert client.get(f"/directory/people/{person.id}/edit").status_code == 403
    assert client.get(f"/directory/{tree['n1'].id}/appointments/new").status_code == 403


def test_edit_organization_within_scope(auth, client, db, tree):
    auth.login("school", organization=tree["n1"])
    assert client.get(f"/directory/{tree['n1'].id}/edit").status_code == 200
    response = auth.post(f"/directory/{tree['n1'].id}/edit",
                         {"code": "N-1", "name": "Школа № 1 им. Пушкина", "address": "ул. Мира, 1"})
    assert response.status_code == 302
    db.session.refresh(tree["n1"])
    assert (tree["n1"].name, tree["n1"].address) == ("Школа № 1 им. Пушкина", "ул. Мира, 1")


def test_form_errors_are_400_with_a_message(auth, tree):
    auth.login("school", organization=tree["n1"])
    response = auth.post(f"/directory/{tree['n1'].id}/edit", {"code": "N-1", "name": "", "email": "bad"})
    assert response.status_code == 400
    assert "This field is required." in text(response) and "name@school.ru" in text(response)


def test_municipal_adds_a_school(auth, client, db, tree):
    auth.login("municipal", organization=tree["north"])
    url = f"/directory/new?parent={tree['north'].id}&kind=school"
    assert client.get(url).status_code == 200
    response = auth.post(url, {"code": "N-1", "name": "Дубль"})
    assert response.status_code == 400 and "This code already belongs to Школа № 1" in text(response)
    assert auth.post(url, {"code": "N-3", "name": "Школа № 5"}).status_code == 302
    school = db.session.scalar(select(Organization).where(Organization.code == "N-3"))
    assert school.parent_id == tree["north"].id
    assert client.get(f"/directory/new?parent={tree['south'].id}&kind=school").status_code == 404
    assert client.get(f"/directory/new?parent={tree['north'].id}&kind=planet").status_code == 422


def test_add_and_edit_a_person(auth, client, db, tree):
    auth.login("school", organization=tree["n1"])
    response = auth.post(f"/directory/{tree['n1'].id}/people/new",
                         {"last_name": "Орлова", "first_name": "Мария", "email": "orlova@school.test"})
    assert response.status_code == 302
    person = db.session.scalar(select(Person).where(Person.last_name == "Орлова"))
    assert person.organization_id == tree["n1"].id
    assert client.get(f"/directory/people/{person.id}/edit").status_code == 200
    response = auth.post(f"/directory/people/{person.id}/edit",
                         {"last_name": "Орлова", "first_name": "", "email": "orlova@school.test"})
    assert response.status_code == 400 and "This field is required." in text(response)
    assert auth.post(f"/directory/people/{person.id}/edit", {"last_name": "Орлова", "first_name": "Мария",
                                                             "position": "Завуч"}).status_code == 302
    db.session.refresh(person)
    assert person.position == "Завуч"


def test_record_an_appointment_with_a_new_person(auth, client, db, tree):
    auth.login("municipal", organization=tree["north"])
    url = f"/directory/{tree['n2'].id}/appointments/new"
    assert "a new person" in text(client.get(url))
    data = {"person_id": "0", "new_last_name": "Кузнецова", "new_first_name": "Ольга",
            "order_number": "7", "order_date": "2010-11-15", "starts_on": "16.11.2010"}
    assert auth.post(url, data).status_code == 302
    appointment = db.session.scalar(select(Appointment))
    assert appointment.person.full_name == "Кузнецова Ольга" and appointment.starts_on == date(2010, 11, 16)


def test_appointment_form_errors(auth, db, make, tree):
    auth.login("school", organization=tree["n1"])
    person = make.person(tree["n1"])
    url = f"/directory/{tree['n1'].id}/appointments/new"
    data = {"person_id": str(person.id), "order_number": "7", "order_date": "2010-11-15",
            "starts_on": "2010-11-16", "ends_on": "2010-11-01"}
    response = auth.post(url, data)
    assert response.status_code == 400
    assert "The end date cannot be earlier than the start date." in text(response)
    response = auth.post(url, {**data, "ends_on": "", "order_date": "15/11/2010"})
    assert response.status_code == 400 and "Enter a date like 10.11.2010" in text(response)
    assert db.session.scalar(select(func.count(Appointment.id))) == 0


def test_edit_end_and_delete_an_appointment(auth, client, db, make, tree):
    auth.login("school", organization=tree["n1"])
    appointment = make.appointment(tree["n1"])
    url = f"/directory/appointments/{appointment.id}"
    assert client.get(f"{url}/edit").status_code == 200
    response = auth.post(f"{url}/end", {"end_date": "2000-01-01"})
    assert response.status_code == 400 and "Choose a date on or after 11.11.2010" in text(response)
    assert auth.post(f"{url}/end", {"end_date": "2011-05-31"}).status_code == 302
    db.session.refresh(appointment)
    assert appointment.ends_on == date(2011, 5, 31)
    assert auth.post(f"{url}/delete").status_code == 302
    assert db.session.scalar(select(func.count(Appointment.id))) == 0


def test_appointments_of_another_school_are_404(auth, client, make, tree):
    auth.login("school", organization=tree["n1"])
    other = make.appointment(tree["n2"])
    assert client.get(f"/directory/appointments/{other.id}/edit").status_code == 404
    assert auth.post(f"/directory/appointments/{other.id}/delete").status_code == 404


@pytest.fixture
def municipalities(make):
    """The municipalities the import data files name."""
    make.municipality(code="M-TMB", name="Тамбовский район")
    make.municipality(code="M-MICH", name="Управление народного образования г. Мичуринска")


def upload(auth, name, raw):
    """Post a file to the import page."""
    return auth.post("/directory/import", {"file": (BytesIO(raw), name)}, content_type="multipart/form-data")


def test_import_page_is_for_admins_only(auth, client, tree):
    auth.login("municipal", organization=tree["north"])
    assert client.get("/directory/import").status_code == 403


def test_admin_imports_a_good_file(auth, client, db, municipalities):
    auth.login("admin")
    assert "Import from CSV" in text(client.get("/directory/"))
    assert client.get("/directory/import").status_code == 200
    response = upload(auth, "schools.csv", (DATA / "schools-utf8.csv").read_bytes())
    assert response.status_code == 200
    assert "Organizations created: 3" in text(response) and "Appointments recorded: 3" in text(response)


def test_admin_import_of_a_bad_file_lists_lines(auth, db, municipalities):
    auth.login("admin")
    before = db.session.scalar(select(func.count(Organization.id)))
    response = upload(auth, "bad.csv", (DATA / "bad-rows.csv").read_bytes())
    assert response.status_code == 400
    body = text(response)
    assert "Nothing has been imported" in body
    assert "Line 6: Unknown municipality" in body and "Line 12: The code SCH-501" in body
    assert db.session.scalar(select(func.count(Organization.id))) == before


@pytest.mark.parametrize(("name", "raw", "message"), [
    ("schools.xlsx", b"PK\x03\x04\x00", "Upload a .csv file"),
    ("schools.csv", b"PK\x03\x04\x00\x00", "This is not a CSV file"),
    ("schools.csv", b"", "The file is empty."),
])
def test_admin_import_of_a_non_csv_file_is_400(auth, name, raw, message):
    auth.login("admin")
    response = upload(auth, name, raw)
    assert response.status_code == 400
    assert message in text(response)
