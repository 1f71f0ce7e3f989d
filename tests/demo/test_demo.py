"""The `demo` command: Tambov region, its schools, appointments and one account per role."""

import re

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from app.auth import passwords
from app.auth.models import User
from app.demo.region import organization_specs
from app.demo.services import DemoContext
from app.directory import kinds
from app.directory.models import Appointment, Organization

PASSWORD = "demo-pass-123"
CONTRACT_LOGINS = (
    "admin@opora.test", "coordinator@opora.test", "operator@opora.test", "methodologist@opora.test",
    "municipal@opora.test", "school@opora.test", "teacher@opora.test", "teacher2@opora.test",
)


def run_demo(runner, *args):
    """Invoke `demo` with the arguments; return its output."""
    result = runner.invoke(args=["demo", *args])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


@pytest.fixture
def demo(runner):
    """The demo region built once with a known password; the command's output."""
    return run_demo(runner, "--password", PASSWORD)


def users_by_email(db):
    return {user.email: user for user in db.session.scalars(select(User))}


def table_counts(db):
    with db.engine.connect() as connection:
        return {table.name: connection.scalar(select(func.count()).select_from(table))
                for table in db.metadata.sorted_tables}


def test_demo_prints_every_login_and_the_password(demo):
    for email in CONTRACT_LOGINS:
        assert email in demo
    assert f"Пароль для всех: {PASSWORD}" in demo


def test_thirty_municipalities_of_tambov_region_with_five_to_ten_schools_each(demo, db):
    school = aliased(Organization)
    rows = db.session.execute(
        select(Organization.name, func.count(school.id))
        .outerjoin(school, school.parent_id == Organization.id)
        .where(Organization.kind == kinds.MUNICIPALITY)
        .group_by(Organization.id, Organization.name)
    ).all()
    schools = dict(rows)
    assert len(schools) == 30
    expected = {"Бондарский район", "Токарёвский район", "Умётский район", "город Тамбов", "город Уварово"}
    assert expected <= set(schools)
    assert all(5 <= count <= 10 for count in schools.values()), schools
    region = db.session.scalar(select(Organization).where(Organization.code == "68"))
    assert region.kind == kinds.REGION and region.name == "Тамбовская область"
    support = {org.kind: org.short_name for org in db.session.scalars(
        select(Organization).where(Organization.kind.in_((kinds.INSTITUTE, kinds.COMPUTER_CENTER))))}
    assert support == {kinds.INSTITUTE: "ИПКРО", kinds.COMPUTER_CENTER: "Компьютерный центр"}


def test_demo_users_work_where_the_contract_says(demo, db):
    users = users_by_email(db)
    municipal, school, teacher, teacher2 = (users[f"{name}@opora.test"]
                                            for name in ("municipal", "school", "teacher", "teacher2"))
    assert municipal.role == "municipal" and municipal.organization.kind == kinds.MUNICIPALITY
    assert school.role == "school" and school.organization.parent_id == municipal.organization_id
    assert teacher.role == "teacher" and teacher.organization_id == school.organization_id
    assert teacher2.organization.kind == kinds.SCHOOL
    assert teacher2.organization.parent_id not in (None, municipal.organization_id)
    assert users["operator@opora.test"].organization.kind == kinds.COMPUTER_CENTER
    assert users["methodologist@opora.test"].organization.kind == kinds.INSTITUTE
    assert users["admin@opora.test"].organization.kind == kinds.REGION
    assert {f"teacher{n}@opora.test" for n in range(3, 7)} <= set(users)
    assert all(user.person.last_name and user.person.middle_name for user in users.values())


def test_school_and_municipal_users_are_the_appointed_responsible_persons(demo, db):
    users = users_by_email(db)
    for email in ("municipal@opora.test", "school@opora.test"):
        user = users[email]
        appointment = db.session.scalar(select(Appointment).where(Appointment.person_id == user.person_id))
        assert appointment is not None and appointment.organization_id == user.organization_id
        assert re.fullmatch(r"\d+-о", appointment.order_number)
        assert appointment.order_date.year == 2010 and appointment.order_date.month == 11
        assert appointment.ends_on is None


def test_most_schools_have_a_responsible_person_and_some_do_not(demo, db):
    schools = db.session.scalar(select(func.count(Organization.id)).where(Organization.kind == kinds.SCHOOL))
    appointed = db.session.scalar(
        select(func.count(func.distinct(Appointment.organization_id)))
        .join(Organization, Organization.id == Appointment.organization_id)
        .where(Organization.kind == kinds.SCHOOL)
    )
    assert schools // 2 < appointed < schools


def test_running_twice_changes_no_row_counts(runner, db):
    run_demo(runner, "--password", PASSWORD)
    first = table_counts(db)
    output = run_demo(runner, "--password", PASSWORD)
    assert table_counts(db) == first
    assert first["organizations"] > 250 and first["users"] >= 12 and first["appointments"] > 150
    assert "создано 0" in output


def test_without_password_it_is_generated_once_then_kept(runner, db):
    output = run_demo(runner)
    generated = re.search(r"Пароль для всех: (\S+)", output).group(1)
    admin = users_by_email(db)["admin@opora.test"]
    assert passwords.verify_password(admin.password_hash, generated)
    first_hash = admin.password_hash

    output = run_demo(runner)
    assert "Пароль для всех" not in output
    db.session.expire_all()
    assert users_by_email(db)["admin@opora.test"].password_hash == first_hash

    run_demo(runner, "--password", PASSWORD)
    db.session.expire_all()
    assert passwords.verify_password(users_by_email(db)["admin@opora.test"].password_hash, PASSWORD)


def test_a_demo_user_signs_in_through_the_login_form(demo, auth, client, db):
    response = auth.post("/login", {"email": "teacher@opora.test", "password": PASSWORD})
    assert response.status_code == 302
    school = users_by_email(db)["teacher@opora.test"].organization
    assert school.name in client.get("/").get_data(as_text=True)


def test_the_generated_region_is_the_same_every_time(app):
    first = organization_specs(DemoContext(password=None, progress=print))
    second = organization_specs(DemoContext(password=None, progress=print))
    assert first == second
    assert len({spec["code"] for spec in first}) == len(first)
