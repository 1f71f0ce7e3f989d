"""Directory services: scope, edits with audit, staff and appointment rules."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.directory import appointments, kinds, services
from app.directory.models import Appointment, Person
from app.errors import NotFound, PermissionDenied, ValidationFailed


@pytest.fixture
def tree(make):
    """Two municipalities with two and one schools, an institute."""
    region = make.region()
    north = make.municipality(name="Северный район", code="M-N")
    south = make.municipality(name="Южный район", code="M-S")
    return {
        "region": region, "north": north, "south": south,
        "n1": make.school(north, name="Школа № 1", code="N-1"),
        "n2": make.school(north, name="Гимназия № 2", code="N-2"),
        "s1": make.school(south, name="Школа № 3", code="S-1"),
        "institute": make.org(kinds.INSTITUTE, name="Институт повышения квалификации"),
    }


def events(db, action):
    """Audit events of one action, oldest first."""
    query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    return db.session.scalars(query).all()


def names(listing):
    """Names on a page of the directory, in order."""
    return [org.name for org in listing.page.items]


def test_municipal_sees_own_municipality_and_its_schools_only(make, tree):
    user = make.user("municipal", organization=tree["north"])
    assert names(services.browse(user)) == ["Северный район", "Гимназия № 2", "Школа № 1"]
    with pytest.raises(NotFound):
        services.visible_organization(user, tree["s1"].id)
    with pytest.raises(NotFound):
        services.organization_page(user, tree["south"].id)


def test_school_coordinator_and_teacher_see_only_their_school(make, tree):
    for role in ("school", "teacher"):
        user = make.user(role, organization=tree["n1"])
        assert names(services.browse(user)) == ["Школа № 1"]
        with pytest.raises(NotFound):
            services.organization_page(user, tree["north"].id)


def test_region_wide_tree_order_search_and_kind_filter(make, tree):
    admin = make.user("admin", organization=tree["region"])
    assert names(services.browse(admin)) == [
        "Тамбовская область", "Институт повышения квалификации",
        "Северный район", "Гимназия № 2", "Школа № 1", "Южный район", "Школа № 3",
    ]
    assert names(services.browse(admin, search="школа")) == ["Школа № 1", "Школа № 3"]
    assert names(services.browse(admin, search="s-1")) == ["Школа № 3"]
    assert names(services.browse(admin, kind=kinds.MUNICIPALITY)) == ["Северный район", "Южный район"]
    assert names(services.browse(admin, parent_id=tree["north"].id)) == ["Гимназия № 2", "Школа № 1"]
    assert services.browse(admin, per_page=2, page=2).page.items[0].name == "Северный район"


def test_browse_shows_who_is_currently_appointed(make, tree):
    make.appointment(tree["n1"])
    make.appointment(tree["n2"], ends_on=date(2011, 1, 1))
    listing = services.browse(make.user("coordinator", organization=tree["region"]))
    assert set(listing.responsibles) == {tree["n1"].id}


def test_teacher_cannot_edit_or_manage_staff(make, tree):
    teacher = make.user("teacher", organization=tree["n1"])
    with pytest.raises(PermissionDenied):
        services.update_organization(teacher, tree["n1"].id, {"name": "X", "code": "N-1"})
    with pytest.raises(PermissionDenied):
        services.create_person(teacher, tree["n1"].id, {"last_name": "А", "first_name": "Б"})
    with pytest.raises(PermissionDenied):
        appointments.appointing_organization(teacher, tree["n1"].id)
    assert services.organization_page(teacher, tree["n1"].id).rights["edit"] is False


def test_school_coordinator_edits_own_school_with_audited_changes(db, make, tree):
    user = make.user("school", organization=tree["n1"])
    data = {"code": "HACKED", "name": "Школа № 1 им. Пушкина", "short_name": "", "address": "ул. Мира, 1",
            "phone": "", "email": "n1@school.test"}
    services.update_organization(user, tree["n1"].id, data)
    assert tree["n1"].code == "N-1", "only admins change codes"
    assert tree["n1"].name == "Школа № 1 им. Пушкина"
    (event,) = events(db, "directory.organization_updated")
    assert event.actor_id == user.id and event.target_id == tree["n1"].id
    assert event.details["changes"] == {
        "name": ["Школа № 1", "Школа № 1 им. Пушкина"], "address": ["", "ул. Мира, 1"],
        "email": ["", "n1@school.test"],
    }
    with pytest.raises(NotFound):
        services.update_organization(user, tree["n2"].id, data)


def test_organization_validation(make, tree):
    admin = make.user("admin", organization=tree["region"])
    with pytest.raises(ValidationFailed) as failure:
        services.update_organization(admin, tree["n1"].id, {"code": "N-2", "name": "", "email": "bad"})
    assert set(failure.value.field_errors) == {"code", "name", "email"}
    assert "Гимназия № 2" in failure.value.field_errors["code"][0]


def test_municipal_creates_schools_in_own_municipality_only(db, make, tree):
    user = make.user("municipal", organization=tree["north"])
    school = services.create_organization(user, tree["north"].id, kinds.SCHOOL,
                                          {"code": "N-3", "name": "Школа № 4"})
    assert school.parent is tree["north"] and school.kind == kinds.SCHOOL
    assert events(db, "directory.organization_created")[0].details["code"] == "N-3"
    with pytest.raises(NotFound):
        services.create_organization(user, tree["south"].id, kinds.SCHOOL, {"code": "S-9", "name": "X"})
    with pytest.raises(ValidationFailed):
        services.create_organization(user, tree["north"].id, kinds.MUNICIPALITY, {"code": "M-9", "name": "X"})


def test_admin_creates_a_municipality_under_the_region(make, tree):
    admin = make.user("admin", organization=tree["region"])
    data = {"code": "M-W", "name": "Западный район"}
    municipality = services.create_organization(admin, None, kinds.MUNICIPALITY, data)
    assert municipality.parent is tree["region"]


def test_staff_list_and_person_card_are_logged(db, make, tree):
    user = make.user("municipal", organization=tree["north"])
    person = make.person(tree["n1"])
    page = services.organization_page(user, tree["n1"].id)
    assert person in page.people.items
    assert page.rights == {"edit": True, "people": True, "appointments": True, "view_parent": True, "add": []}
    assert events(db, "directory.people_viewed")[0].target_id == tree["n1"].id
    services.person_for_edit(user, person.id)
    assert events(db, "directory.person_viewed")[0].target_id == person.id


def test_people_are_created_and_updated_with_audit(db, make, tree):
    user = make.user("school", organization=tree["n1"])
    person = services.create_person(user, tree["n1"].id, {"last_name": "Орлова", "first_name": "Мария",
                                                           "email": "orlova@school.test"})
    services.update_person(user, person.id, {"last_name": "Орлова", "first_name": "Мария",
                                             "position": "Учитель информатики",
                                             "email": "orlova@school.test"})
    (event,) = events(db, "directory.person_updated")
    assert event.details["changes"] == {"position": ["", "Учитель информатики"]}
    with pytest.raises(ValidationFailed) as failure:
        services.update_person(user, person.id, {"last_name": "", "first_name": "М", "email": "x@"})
    assert set(failure.value.field_errors) == {"last_name", "email"}
    other = make.person(tree["n2"])
    with pytest.raises(NotFound):
        services.update_person(user, other.id, {"last_name": "А", "first_name": "Б"})


def appointment_data(**fields):
    """A valid appointment form's data."""
    data = {"person_id": 0, "new_last_name": "Петрова", "new_first_name": "Анна", "order_number": "12-о",
            "order_date": date(2010, 11, 10), "starts_on": date(2010, 11, 11), "ends_on": None}
    data.update(fields)
    return data


def test_record_appointment_with_a_new_person(db, make, tree):
    user = make.user("municipal", organization=tree["north"])
    appointment = appointments.record_appointment(user, tree["n1"].id, appointment_data())
    assert appointment.person.full_name == "Петрова Анна"
    assert appointment.person.organization_id == tree["n1"].id
    (event,) = events(db, "directory.appointment_created")
    assert event.details["new_person"] is True and event.details["order_number"] == "12-о"
    assert services.current_responsibles([tree["n1"].id]) == {tree["n1"].id: ["Петрова А."]}


def test_appointment_validation(db, make, tree):
    user = make.user("school", organization=tree["n1"])
    outsider = make.person(tree["n2"])
    bad = appointment_data(person_id=outsider.id, order_number=" ", ends_on=date(2010, 11, 1),
                           order_date=services.today() + timedelta(days=1))
    with pytest.raises(ValidationFailed) as failure:
        appointments.record_appointment(user, tree["n1"].id, bad)
    errors = failure.value.field_errors
    assert set(errors) == {"person_id", "order_number", "order_date", "ends_on"}
    assert "в будущем" in errors["order_date"][0] and "раньше" in errors["ends_on"][0]
    with pytest.raises(ValidationFailed) as failure:
        appointments.record_appointment(user, tree["n1"].id, appointment_data(new_first_name=""))
    assert "new_first_name" in failure.value.field_errors
    assert db.session.scalar(select(Appointment.id)) is None


def test_duplicate_appointment_is_refused(make, tree):
    user = make.user("school", organization=tree["n1"])
    existing = make.appointment(tree["n1"])
    data = appointment_data(person_id=existing.person_id, order_number=existing.order_number,
                            order_date=existing.order_date)
    with pytest.raises(ValidationFailed) as failure:
        appointments.record_appointment(user, tree["n1"].id, data)
    assert "уже назначен" in failure.value.field_errors["order_number"][0]


def test_only_appointing_kinds_record_appointments(make, tree):
    admin = make.user("admin", organization=tree["region"])
    with pytest.raises(PermissionDenied):
        appointments.record_appointment(admin, tree["institute"].id, appointment_data())


def test_update_end_and_delete_appointment(db, make, tree):
    user = make.user("municipal", organization=tree["north"])
    appointment = make.appointment(tree["n2"])
    old_number = appointment.order_number
    appointments.update_appointment(user, appointment.id, appointment_data(
        person_id=appointment.person_id, order_number="99", order_date=appointment.order_date,
        starts_on=appointment.starts_on))
    (event,) = events(db, "directory.appointment_updated")
    assert event.details["changes"] == {"order_number": [old_number, "99"]}
    with pytest.raises(ValidationFailed):
        appointments.end_appointment(user, appointment.id, date(2000, 1, 1))
    appointments.end_appointment(user, appointment.id, date(2011, 5, 31))
    assert appointment.ends_on == date(2011, 5, 31)
    assert not appointment.is_current_on(date(2011, 6, 1))
    appointments.delete_appointment(user, appointment.id)
    assert db.session.get(Appointment, appointment.id) is None
    assert db.session.get(Person, appointment.person_id) is not None
    assert events(db, "directory.appointment_deleted")[0].details["order_number"] == "99"
    other = make.appointment(tree["s1"])
    with pytest.raises(NotFound):
        appointments.delete_appointment(user, other.id)
