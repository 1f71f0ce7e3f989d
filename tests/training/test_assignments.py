"""Assigning a course: who gets it, due dates, repeats, scope, e-mails; the progress list behind the page."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.errors import PermissionDenied, ValidationFailed
from app.extensions import db
from app.mail.models import OutboundMessage
from app.timeutil import utcnow
from training import assignments, progress
from training import constants as c
from training.models import Assignment, Certificate, Enrollment, ModuleProgress

TODAY = date(2025, 3, 3)


@pytest.fixture
def area(make):
    """A municipality with two schools (teachers, a coordinator, a disabled teacher) and a second one."""
    municipality = make.municipality(name="Бондарский район")
    first, second = make.school(municipality, name="Школа № 1"), make.school(municipality, name="Школа № 2")
    other = make.school(name="Школа другого района")
    people = {
        "coordinator": make.user("school", organization=first, last_name="Аксёнова"),
        "teacher": make.user("teacher", organization=first, last_name="Борисов"),
        "teacher2": make.user("teacher", organization=first, last_name="Васильева"),
        "disabled": make.user("teacher", organization=first),
        "teacher_b": make.user("teacher", organization=second, last_name="Григорьев"),
        "municipal": make.user("municipal", organization=municipality),
        "outsider": make.user("teacher", organization=other),
    }
    people["disabled"].is_enabled = False
    db.session.commit()
    return {"municipality": municipality, "first": first, "second": second, "other": other, **people}


def _enrolled(course):
    rows = db.session.scalars(select(Enrollment).where(Enrollment.course_id == course.id))
    return {e.user_id: e for e in rows}


def _assign(actor, course, organization, **kwargs):
    return assignments.assign_course(actor, course.id, organization.id, today=TODAY, **kwargs)


def test_a_school_coordinator_assigns_the_course_to_the_whole_school(area, training):
    course = training.course()
    coordinator = area["coordinator"]
    result = _assign(coordinator, course, area["first"], due_on=date(2025, 4, 30))
    enrolled = _enrolled(course)
    expected = {area[name].id for name in ("coordinator", "teacher", "teacher2")}
    assert set(enrolled) == expected  # not the disabled teacher, nobody of other schools
    assert all(e.source == c.ASSIGNED and e.due_on == date(2025, 4, 30) for e in enrolled.values())
    assert all(e.organization_id == area["first"].id for e in enrolled.values())
    assignment = db.session.scalar(select(Assignment))
    assert (assignment.organization_id, assignment.user_id, assignment.assigned_by_id) == (
        area["first"].id, None, coordinator.id)
    assert {e.assignment_id for e in enrolled.values()} == {assignment.id}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "training.course_assigned"))
    assert event.details["people"] == 3 and event.details["newly_assigned"] == 3
    assert event.target_id == assignment.id
    outbox = db.session.scalars(select(OutboundMessage)).all()
    assert sorted(m.recipient for m in outbox) == sorted(area[n].email for n in ("coordinator", "teacher",
                                                                                  "teacher2"))
    assert len(result.people) == 3 and len(result.newly_assigned) == 3


def test_a_repeat_assignment_keeps_progress_and_the_earlier_due_date(area, training):
    course = training.course()
    coordinator, teacher = area["coordinator"], area["teacher"]
    _assign(coordinator, course, area["first"], due_on=date(2025, 5, 31))
    progress.mark_lesson_read(teacher, course.modules[0])
    again = _assign(coordinator, course, area["first"], due_on=date(2025, 6, 30))
    assert again.newly_assigned == []
    enrollment = _enrolled(course)[teacher.id]
    assert enrollment.status == c.IN_PROGRESS and enrollment.due_on == date(2025, 5, 31)
    assert db.session.query(ModuleProgress).count() == 1
    _assign(coordinator, course, area["first"], due_on=date(2025, 4, 15))
    assert _enrolled(course)[teacher.id].due_on == date(2025, 4, 15)
    assert db.session.query(Enrollment).count() == 3  # never a second enrolment of the same person
    assert db.session.query(Assignment).count() == 3
    assert db.session.query(OutboundMessage).count() == 3  # the first assignment's e-mails only


def test_a_self_enrolled_person_becomes_assigned_and_is_told(area, training):
    course = training.course()
    teacher = area["teacher"]
    progress.enrol_self(teacher, course)
    result = _assign(area["coordinator"], course, area["first"], user_ids=[teacher.id])
    assert [p.id for p in result.newly_assigned] == [teacher.id]
    assert _enrolled(course)[teacher.id].source == c.ASSIGNED
    assert db.session.scalar(select(OutboundMessage.recipient)) == teacher.email


def test_chosen_people_get_one_assignment_each(area, training):
    course = training.course()
    chosen = [area["teacher"].id, area["teacher_b"].id]
    _assign(area["municipal"], course, area["municipality"], user_ids=chosen)
    assert set(_enrolled(course)) == set(chosen)
    rows = db.session.scalars(select(Assignment).order_by(Assignment.id)).all()
    assert sorted(a.user_id for a in rows) == sorted(chosen) and {a.organization_id for a in rows} == {None}
    assert db.session.query(AuditEvent).filter_by(action="training.course_assigned").count() == 2


def test_a_municipality_means_the_staff_of_all_its_schools(area, training):
    course = training.course()
    _assign(area["municipal"], course, area["municipality"])
    names = ("coordinator", "teacher", "teacher2", "teacher_b")
    assert set(_enrolled(course)) == {area[name].id for name in names}


@pytest.mark.parametrize("actor, target", [
    ("coordinator", "second"), ("coordinator", "municipality"), ("municipal", "other"),
])
def test_assigning_outside_the_scope_is_refused(area, training, actor, target):
    with pytest.raises(PermissionDenied):
        _assign(area[actor], training.course(), area[target])
    assert db.session.query(Enrollment).count() == 0


@pytest.mark.parametrize("role", ["teacher", "coordinator", "operator"])
def test_other_roles_do_not_assign(make, area, training, role):
    with pytest.raises(PermissionDenied):
        _assign(make.user(role), training.course(), area["first"])


def test_a_methodologist_assigns_anywhere(make, area, training):
    course = training.course()
    _assign(make.user("methodologist"), course, area["other"])
    assert set(_enrolled(course)) == {area["outsider"].id}


def _field_error(excinfo):
    return next(iter(excinfo.value.field_errors))


def test_bad_input_names_the_field(make, area, training):
    coordinator, school = area["coordinator"], area["first"]
    published = training.course().id
    cases = [
        ({"course_id": training.course(status=c.DRAFT).id}, "course"),
        ({"course_id": None}, "course"),
        ({"course_id": published, "due_on": TODAY - timedelta(days=1)}, "due_on"),
        ({"course_id": published, "user_ids": [area["teacher_b"].id]}, "people"),
        ({"course_id": published, "organization_id": 999999}, "organization"),
    ]
    for arguments, field in cases:
        with pytest.raises(ValidationFailed) as excinfo:
            assignments.assign_course(coordinator, **{"organization_id": school.id, **arguments}, today=TODAY)
        assert _field_error(excinfo) == field, arguments
    empty = make.school(area["municipality"])
    with pytest.raises(ValidationFailed, match="нет сотрудников с учётной записью"):
        _assign(make.user("methodologist"), training.course(), empty)
    institute = make.org("institute")
    with pytest.raises(ValidationFailed) as excinfo:
        _assign(make.user("methodologist"), training.course(), institute)
    assert _field_error(excinfo) == "organization"
    assert db.session.query(Enrollment).count() == 0 and db.session.query(Assignment).count() == 0


def test_a_due_date_of_today_is_accepted(area, training):
    result = _assign(area["coordinator"], training.course(), area["first"], due_on=TODAY)
    assert result.assignments[0].due_on == TODAY


def test_choices_follow_the_scope(make, area, training):
    school_names = assignments.assignable_organizations(area["coordinator"])
    assert [org.id for org in school_names] == [area["first"].id]
    municipal = [org.id for org in assignments.assignable_organizations(area["municipal"])]
    assert set(municipal) == {area["municipality"].id, area["first"].id, area["second"].id}
    people = assignments.assignable_people(area["municipal"], area["municipality"].id)
    assert area["disabled"] not in people and area["outsider"] not in people
    assert {area["municipal"], area["teacher_b"], area["teacher"]} <= set(people)
    assert assignments.assignable_people(area["coordinator"], area["second"].id) == []
    draft, published = training.course(status=c.DRAFT), training.course()
    assert assignments.assignable_courses() == [published] and draft not in assignments.listed_courses()


def test_not_enrolled_ids_preselect_the_rest(area, training):
    course = training.course()
    progress.enrol_self(area["teacher"], course)
    ids = assignments.not_enrolled_ids(area["coordinator"], course.id, area["first"].id)
    assert sorted(ids) == sorted([area["coordinator"].id, area["teacher2"].id])


def test_the_history_lists_the_assigners_own_assignments(make, area, training):
    course = training.course()
    _assign(area["coordinator"], course, area["first"])
    _assign(area["municipal"], course, area["second"])
    page = assignments.assignments_by(area["coordinator"])
    assert [a.organization_id for a in page.items] == [area["first"].id]


# --- the progress list --------------------------------------------------------------------------


def _finish(enrollment, number, when):
    enrollment.status, enrollment.completed_at, enrollment.started_at = c.COMPLETED, when, when
    enrollment.score = 90
    enrollment.certificate = Certificate(number=number, full_name=enrollment.user.full_name,
                                         course_title=enrollment.course.title, hours=36, issued_at=when)


@pytest.fixture
def studied(area, training):
    """The first school assigned the course: one finished, one studying and overdue, one not started."""
    course = training.course(title="Электронный журнал")
    _assign(area["coordinator"], course, area["first"], due_on=TODAY)
    _assign(area["municipal"], course, area["second"], due_on=TODAY + timedelta(days=30))
    enrolled = _enrolled(course)
    _finish(enrolled[area["teacher"].id], "2025-AAAA-0001", utcnow())
    late = enrolled[area["teacher2"].id]
    late.status, late.started_at, late.due_on = c.IN_PROGRESS, utcnow(), TODAY - timedelta(days=2)
    db.session.commit()
    return course


def _rows(actor, today=TODAY, **args):
    listing = assignments.progress_listing(actor, args, today=today)
    return listing, [e.user_id for e in listing.page.items]


def test_the_progress_list_is_scoped_and_filtered(area, studied):
    course_id = str(studied.id)
    listing, ids = _rows(area["coordinator"])
    assert sorted(ids) == sorted(area[n].id for n in ("coordinator", "teacher", "teacher2"))
    _listing, ids = _rows(area["municipal"], course=course_id)
    assert area["teacher_b"].id in ids and len(ids) == 4
    _listing, ids = _rows(area["municipal"], organization=str(area["second"].id))
    assert ids == [area["teacher_b"].id]
    _listing, ids = _rows(area["coordinator"], status=c.COMPLETED)
    assert ids == [area["teacher"].id]
    listing, ids = _rows(area["coordinator"], overdue="1")
    assert ids == [area["teacher2"].id] and listing.is_overdue(listing.page.items[0])
    listing, ids = _rows(area["coordinator"], organization=str(area["second"].id), status="lost", course="x")
    assert sorted(listing.filters.ignored) == ["course", "organization", "status"] and len(ids) == 3


def test_the_not_enrolled_count_needs_a_course(make, area, studied):
    make.user("teacher", organization=area["first"])
    listing, _ids = _rows(area["coordinator"])
    assert listing.not_enrolled is None
    listing, _ids = _rows(area["coordinator"], course=str(studied.id))
    assert listing.not_enrolled == 1 and listing.assign_organization_id == area["first"].id
    listing, _ids = _rows(make.user("methodologist"), course=str(studied.id))
    assert listing.not_enrolled == 2 and listing.assign_organization_id is None  # and the outsider
    listing, _ids = _rows(make.user("coordinator"), course=str(studied.id))
    assert listing.not_enrolled == 2 and listing.assign_organization_id is None  # views, does not assign


def test_teachers_do_not_see_the_progress_list(area, studied):
    with pytest.raises(PermissionDenied):
        assignments.progress_listing(area["teacher"], {})


def test_the_progress_list_costs_the_same_statements_for_many_rows(make, area, training, count_statements):
    course = training.course()
    _assign(area["coordinator"], course, area["first"])
    args = {"course": str(course.id)}
    few = count_statements(lambda: assignments.progress_listing(area["coordinator"], args, today=TODAY))
    for _number in range(12):
        make.user("teacher", organization=area["first"])
    _assign(area["coordinator"], course, area["first"])
    for number, enrollment in enumerate(_enrolled(course).values()):
        _finish(enrollment, f"2025-BBBB-{number:04d}", utcnow())
    db.session.commit()
    db.session.expire_all()

    def listing():
        page = assignments.progress_listing(area["coordinator"], args, today=TODAY).page
        return [(e.user.full_name, e.organization.display_name, e.certificate.number, e.course.title)
                for e in page.items]  # everything the page shows

    many = count_statements(listing)
    assert len(_enrolled(course)) == 15 and many == few


def test_the_progress_table_has_every_row(area, studied):
    header, rows = assignments.progress_table(area["coordinator"], {"course": str(studied.id)}, today=TODAY)
    assert header[0] == "Сотрудник" and len(rows) == 3
    finished = next(row for row in rows if row[-1])
    assert finished[-1] == "2025-AAAA-0001" and finished[3] == "Завершил(а) курс" and finished[6] == 90
    late = next(row for row in rows if row[0] == area["teacher2"].full_name)
    assert late[8] == "да"


def test_many_letters_wait_in_the_outbox_for_the_sender(make, area, training, monkeypatch):
    monkeypatch.setattr(assignments, "DELIVER_AT_ONCE_MAX", 2)
    _assign(area["coordinator"], training.course(), area["first"])
    assert [m.status for m in db.session.scalars(select(OutboundMessage))] == ["pending"] * 3
