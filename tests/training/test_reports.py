"""Completion and attendance figures against hand-counted ones; scopes, periods, statements, the workbook."""

from datetime import date, datetime, timedelta

import pytest

from app.errors import PermissionDenied, ValidationFailed
from app.extensions import db
from training import constants as c
from training import reports, seminar_attendance, seminar_registration
from training.models import Certificate, Enrollment, Registration
from training.reports import MUNICIPALITY, SCHOOL, Period

FEBRUARY = Period(date(2025, 2, 1), date(2025, 2, 28))
APRIL = Period(date(2025, 4, 1), date(2025, 4, 30))


def enrol(user, course, status=c.NOT_STARTED, completed_at=None, certificate=None, revoked=False):
    """An enrolment as progress would leave it, with a certificate when finished."""
    enrollment = Enrollment(course=course, user=user, organization_id=user.organization_id, status=status,
                            completed_at=completed_at, started_at=completed_at)
    if certificate:
        enrollment.certificate = Certificate(
            number=certificate, full_name=user.full_name, course_title=course.title, hours=course.hours,
            issued_at=completed_at, revoked_at=completed_at if revoked else None)
    db.session.add(enrollment)
    db.session.commit()
    return enrollment


def register(user, seminar, status=c.REGISTERED, attendance=None):
    """A registration row as the seminar services leave it."""
    row = Registration(seminar=seminar, user=user, organization_id=user.organization_id, status=status,
                       attendance=attendance)
    db.session.add(row)
    db.session.commit()
    return row


@pytest.fixture
def region(make, training):
    """Two municipalities, three schools, staff at every stage of a course, and three seminars.

    Municipality A: school A1 (3 teachers, a coordinator, a disabled teacher), school A2 (2 teachers),
    a municipal specialist. Municipality B: school B1 (2 teachers). Figures are counted by hand below.
    """
    a, b = make.municipality(name="Бондарский район"), make.municipality(name="Город Тамбов")
    a1, a2 = make.school(a, name="Школа А1"), make.school(a, name="Школа А2")
    b1 = make.school(b, name="Школа Б1")
    t = {name: make.user("teacher", organization=school) for name, school in
         (("a1_1", a1), ("a1_2", a1), ("a1_3", a1), ("a1_off", a1), ("a2_1", a2), ("a2_2", a2), ("b1_1", b1),
          ("b1_2", b1))}
    t["a1_off"].is_enabled = False
    coordinator, municipal = make.user("school", organization=a1), make.user("municipal", organization=a)
    methodologist = make.user("methodologist")
    course, other_course = training.course(title="Электронный журнал"), training.course(title="Другой курс")
    feb = datetime(2025, 2, 10, 9)
    enrol(t["a1_1"], course, c.COMPLETED, feb, "2025-A-0001")
    # 01:30 on 1 February in Moscow, still 31 January in UTC: inside February.
    enrol(t["a1_2"], course, c.COMPLETED, datetime(2025, 1, 31, 22, 30), "2025-A-0002", revoked=True)
    enrol(t["a1_3"], course, c.IN_PROGRESS)
    enrol(coordinator, course)
    enrol(t["a2_1"], course, c.IN_PROGRESS)
    enrol(t["b1_1"], course, c.COMPLETED, datetime(2024, 10, 1, 9), "2024-B-0001")
    enrol(t["a1_1"], other_course, c.IN_PROGRESS)
    enrol(municipal, course, c.COMPLETED, feb, "2025-M-0001")  # not school staff: not in completion

    april = training.seminar(starts_at=datetime(2025, 4, 10, 7), capacity=10)
    cancelled = training.seminar(starts_at=datetime(2025, 4, 12, 7), status=c.CANCELLED)
    september = training.seminar(starts_at=datetime(2025, 9, 15, 7))
    register(coordinator, april, attendance=c.ATTENDED)
    register(t["a1_1"], april, attendance=c.PARTIAL)
    register(t["a2_1"], april, attendance=c.NO_SHOW)
    register(municipal, april, attendance=c.ATTENDED)
    register(t["b1_1"], april)
    register(t["a1_2"], april, status=c.WAITLISTED)
    register(t["a1_3"], april, status=c.WITHDRAWN)
    register(t["a1_1"], cancelled, attendance=c.ATTENDED)
    register(methodologist, september, attendance=c.ATTENDED)
    register(t["b1_2"], september, attendance=c.ATTENDED)
    return {"a": a, "b": b, "a1": a1, "a2": a2, "b1": b1, "course": course, "other": other_course,
            "coordinator": coordinator, "municipal": municipal, "methodologist": methodologist, **t}


def figures(rows):
    return {row.name: (row.staff, row.enrolled, row.studying, row.finished, row.certificates) for row in rows}


def attendance(rows):
    return {row.name: (row.registered, row.attended, row.partial, row.no_show) for row in rows}


def test_completion_by_municipality_matches_a_hand_count(region):
    rows = reports.completion_by_organization(MUNICIPALITY, course_id=region["course"].id)
    # A: 6 staff (the disabled teacher and the municipal specialist are not), 5 enrolled, 2 studying,
    # 2 finished, 1 valid certificate (the other is revoked). B: 2 staff, 1 enrolled and finished.
    assert figures(rows) == {"Бондарский район": (6, 5, 2, 2, 1), "Город Тамбов": (2, 1, 0, 1, 1)}
    assert [row.share for row in rows] == [33.3, 50.0]


def test_without_a_course_people_count_once(region):
    rows = reports.completion_by_organization(MUNICIPALITY)
    # a1_1 finished one course and studies another: enrolled once, counted as studying and as finished.
    assert figures(rows)["Бондарский район"] == (6, 5, 3, 2, 1)


def test_the_schools_of_a_municipality(region):
    course_id = region["course"].id
    rows = reports.completion_by_organization(SCHOOL, municipality_id=region["a"].id, course_id=course_id)
    assert figures(rows) == {"Школа А1": (4, 4, 1, 2, 1), "Школа А2": (2, 1, 1, 0, 0)}
    assert [row.share for row in rows] == [50.0, 0.0]
    one = reports.completion_by_organization(SCHOOL, school_id=region["b1"].id, course_id=region["course"].id)
    assert figures(one) == {"Школа Б1": (2, 1, 0, 1, 1)}


def test_the_period_limits_finished_and_certificates_in_moscow_time(region):
    rows = reports.completion_by_organization(MUNICIPALITY, course_id=region["course"].id, period=FEBRUARY)
    assert figures(rows) == {"Бондарский район": (6, 5, 2, 2, 1), "Город Тамбов": (2, 1, 0, 0, 0)}
    january = Period(date(2025, 1, 1), date(2025, 1, 31))
    rows = reports.completion_by_organization(MUNICIPALITY, course_id=region["course"].id, period=january)
    assert figures(rows)["Бондарский район"][3] == 0  # 22:30 UTC on 31.01 is already February in Moscow


def test_attendance_by_municipality_matches_a_hand_count(region):
    rows = reports.attendance_by_organization(MUNICIPALITY)
    # The cancelled seminar does not count; the waiting and the withdrawn are not registered.
    assert attendance(rows) == {"Бондарский район": (4, 2, 1, 1), "Город Тамбов": (2, 1, 0, 0),
                                "Регион и другие организации": (1, 1, 0, 0)}
    april = reports.attendance_by_organization(MUNICIPALITY, period=APRIL)
    assert attendance(april) == {"Бондарский район": (4, 2, 1, 1), "Город Тамбов": (1, 0, 0, 0)}


def test_attendance_of_the_schools_has_the_office_first(region):
    rows = reports.attendance_by_organization(SCHOOL, municipality_id=region["a"].id)
    assert [(row.name, row.kind) for row in rows][0] == ("Бондарский район", "municipality")
    assert attendance(rows) == {"Бондарский район": (1, 1, 0, 0), "Школа А1": (2, 1, 1, 0),
                                "Школа А2": (1, 0, 0, 1)}
    one = reports.attendance_by_organization(SCHOOL, school_id=region["a1"].id, offices=False)
    assert attendance(one) == {"Школа А1": (2, 1, 1, 0)}


def _report(user, **filters):
    return reports.scope_rows(user, reports.ReportFilters(**filters))


def test_the_region_sees_municipalities_and_drills_down(make, region):
    for role in ("methodologist", "coordinator", "admin"):
        report = _report(make.user(role), course=region["course"])
        assert report.level == "region" and report.can_drill_down
        assert [row.name for row in report.completion] == ["Бондарский район", "Город Тамбов"]
    drilled = _report(region["methodologist"], municipality_id=region["b"].id)
    assert [row.name for row in drilled.completion] == ["Школа Б1"] and not drilled.can_drill_down
    total = _report(region["methodologist"], course=region["course"]).completion_total
    assert (total.staff, total.enrolled, total.finished, total.share) == (8, 6, 3, 37.5)


def test_a_municipal_specialist_sees_their_schools_only(region):
    report = _report(region["municipal"])
    assert report.level == "municipality" and report.municipality.id == region["a"].id
    assert [row.name for row in report.completion] == ["Школа А1", "Школа А2"]
    assert [row.name for row in report.attendance] == ["Бондарский район", "Школа А1", "Школа А2"]
    with pytest.raises(PermissionDenied):
        _report(region["municipal"], municipality_id=region["b"].id)


def test_a_school_coordinator_sees_their_school(region):
    report = _report(region["coordinator"], course=region["course"])
    assert figures(report.completion) == {"Школа А1": (4, 4, 1, 2, 1)}
    assert attendance(report.attendance) == {"Школа А1": (2, 1, 1, 0)}


@pytest.mark.parametrize("role", ["teacher", "operator"])
def test_others_see_no_report(make, region, role):
    with pytest.raises(PermissionDenied):
        reports.training_report(make.user(role))


@pytest.mark.parametrize("arguments, field", [
    ({"date_from": "01.02.2025"}, "date_from"),
    ({"date_from": "2025-03-01", "date_to": "2025-02-01"}, "date_from"),
    ({"course": "abc"}, "course"),
    ({"course": "999999"}, "course"),
    ({"municipality": "-1"}, "municipality"),
])
def test_bad_filters_name_the_field(region, arguments, field):
    with pytest.raises(ValidationFailed) as excinfo:
        reports.training_report(region["methodologist"], **arguments)
    assert list(excinfo.value.field_errors) == [field]


def test_a_school_is_not_a_municipality_to_drill_into(region):
    with pytest.raises(ValidationFailed):
        reports.training_report(region["methodologist"], municipality=str(region["a1"].id))


def test_the_report_costs_the_same_statements_for_more_municipalities(make, training, region,
                                                                       count_statements):
    methodologist = region["methodologist"]
    few = count_statements(lambda: reports.training_report(methodologist, course=str(region["course"].id)))
    for number in range(4):
        school = make.school(name=f"Школа {number}")
        teacher = make.user("teacher", organization=school)
        enrol(teacher, region["course"], c.COMPLETED, datetime(2025, 2, 1, 9), f"2025-X-{number}")
        register(teacher, training.seminar(), attendance=c.ATTENDED)
    db.session.expire_all()
    many = count_statements(lambda: reports.training_report(methodologist, course=str(region["course"].id)))
    assert len(reports.training_report(methodologist).completion) == 6 and many == few


def test_the_workbook_has_both_tables_with_totals(region):
    report = _report(region["methodologist"], course=region["course"])
    completion, seminars = reports.export_sheets(report)
    assert completion[0] == "Прохождение курса" and seminars[0] == "Посещение семинаров"
    assert completion[2][0] == ("Бондарский район", 6, 5, 2, 2, 33.3, 1)
    assert completion[2][-1] == ("Итого", 8, 6, 2, 3, 37.5, 2)
    assert seminars[2][-1] == ("Итого", 7, 4, 1, 1)
    assert reports.export_filename(report).endswith(".xlsx")


def test_marked_attendance_of_a_seminar_shows_up_in_the_municipal_report(make, training):
    """The issue's scenario: a seminar fills up, a cancellation moves the first waiting person in, the
    methodologist marks attendance, and the municipal specialist's report counts it."""
    municipality = make.municipality(name="Мичуринский район")
    school = make.school(municipality, name="Школа № 7")
    municipal = make.user("municipal", organization=municipality)
    first, second, third = (make.user("school", organization=school) for _ in range(3))
    methodologist = make.user("methodologist")
    seminar = training.seminar(capacity=2, days_ahead=10)
    before = seminar.starts_at - timedelta(days=5)
    rows = [seminar_registration.register(user, seminar.id, now=before) for user in (first, second, third)]
    assert [row.status for row in rows] == [c.REGISTERED, c.REGISTERED, c.WAITLISTED]
    seminar_registration.withdraw(second, seminar.id, now=before)
    db.session.refresh(rows[2])
    assert rows[2].status == c.REGISTERED
    after = seminar.starts_at + timedelta(hours=3)
    seminar_attendance.mark_attendance(methodologist, seminar.id, {rows[0].id: c.ATTENDED,
                                                                   rows[2].id: c.PARTIAL}, now=after)
    report = _report(municipal)
    assert attendance(report.attendance) == {"Мичуринский район": (0, 0, 0, 0), "Школа № 7": (2, 1, 1, 0)}
    region_rows = attendance(_report(methodologist).attendance)
    assert region_rows["Мичуринский район"] == (2, 1, 1, 0)
