"""The plan's activity states from the data, and the administrator's edits (activity_states, plan_admin)."""

from datetime import date, datetime

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.errors import NotFound, PermissionDenied, ValidationFailed
from app.extensions import db
from app.rollout import activity_states as states_module
from app.rollout import constants as c
from app.rollout import plan_admin
from app.rollout.activity_states import activity_states, plan_overview
from app.rollout.models import QuarterlyReport
from app.rollout.plan import plan_activities
from app.rollout.school_milestones import school_progress
from tickets import services as tickets
from training import constants as tc
from training.models import Registration

NOV = {day: date(2010, 11, day) for day in range(1, 31)}


def states(day=None):
    return activity_states(plan_activities(), day)


def activity_data(admin, number, **changes):
    """The activity's current values as the edit form would post them, with some changed."""
    activity = plan_admin.activity_for_edit(admin, number)
    data = {name: getattr(activity, name) for name in plan_admin.EDITABLE_FIELDS}
    data.update(changes)
    return data


@pytest.fixture
def admin(make):
    """The regional administrator."""
    return make.user("admin")


def test_milestone_activities_count_schools_from_the_data(make, rollout, fixed_today):
    municipality = make.municipality()
    first, second = make.school(municipality), make.school(municipality)
    rollout.status(first, activated_on=NOV[14])
    make.appointment(municipality)
    result = states()
    assert result["2.2"].lines[0] == "1 из 2 школ (50 %)"
    assert result["2.2"].state == states_module.OVERDUE
    assert result["2.1"].lines[:2] == ["0 из 2 школ (0 %)", "МОУО: 1 из 1"]
    rollout.status(second, activated_on=NOV[15])
    assert states()["2.2"].state == states_module.DONE
    assert states(NOV[14])["2.2"].state == states_module.IN_PROGRESS  # before the deadline, one of two


def test_permanent_activities_show_the_hotline_seminars_courses_and_control(make, rollout, fixed_today,
                                                                             queues, training):
    school = make.school()
    teacher = make.user("teacher", organization=school)
    ticket = tickets.open_ticket(teacher, "technical", "Не входит в журнал", "Пароль не подходит")
    ticket.created_at = datetime(2010, 12, 15, 9)
    seminar = training.seminar(starts_at=datetime(2010, 4, 15, 7))
    db.session.add(Registration(seminar=seminar, user=teacher, organization_id=school.id,
                                status=tc.REGISTERED, attendance=tc.ATTENDED))
    db.session.commit()
    training.course()
    result = states()
    assert result["1.1"].state == states_module.ACTIVE
    assert result["1.1"].lines[0] == "Заявок за последние 30 дней: 1"
    assert result["1.2"].state == states_module.IDLE
    assert result["1.3"].lines[0] == "Апрель 2010: семинаров 1, записалось 1, присутствовало 1"
    assert result["1.3"].state == states_module.OVERDUE  # nothing in September
    assert result["1.4"].lines[0] == "Курсов открыто для записи: 1"
    assert result["2.5"].state == states_module.ATTENTION
    assert result["2.5"] is result["2.7"]


def test_last_quarter_reports(make, rollout, fixed_today):
    first, second = make.municipality(), make.municipality()
    db.session.add_all([QuarterlyReport(municipality=first, year=2010, quarter=3, status=c.ACCEPTED),
                        QuarterlyReport(municipality=second, year=2010, quarter=3, status=c.SUBMITTED)])
    db.session.commit()
    result = states()["2.6"]
    assert result.lines == ["III квартал 2010 г.: сдано 2 из 2, принято 1"]
    assert result.state == states_module.IN_PROGRESS


def test_the_overview_groups_by_section_and_hides_links_the_user_cannot_follow(make, rollout, fixed_today):
    sections = plan_overview(make.user("teacher"))
    assert [section.number for section in sections] == ["1", "2"]
    assert [activity.number for section in sections for activity, _state in section.activities] == [
        "1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7"]
    by_number = {activity.number: state for section in sections for activity, state in section.activities}
    assert by_number["2.2"].endpoint == ""  # a teacher has no rollout dashboard
    assert by_number["1.1"].endpoint == "tickets.index"


def test_the_states_cost_the_same_statements_for_more_schools(make, rollout, fixed_today, count_statements):
    activities = plan_activities()
    make.school()
    few = count_statements(lambda: activity_states(activities))
    for _number in range(4):
        rollout.status(make.school(), activated_on=NOV[14])
    assert count_statements(lambda: activity_states(activities)) == few


def test_admin_moves_a_deadline_and_the_school_is_no_longer_overdue(make, rollout, fixed_today, admin):
    school = make.school()
    assert {s.key: s.state for s in school_progress(school.id)[1]}[c.ACTIVATED] == c.OVERDUE
    data = activity_data(admin, "2.2", deadline_on=date(2010, 12, 31))
    _activity, changed = plan_admin.update_activity(admin, "2.2", data)
    assert changed == {"deadline_on": [NOV[15], date(2010, 12, 31)]}
    assert {s.key: s.state for s in school_progress(school.id)[1]}[c.ACTIVATED] == c.DUE
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "rollout.plan_updated"))
    assert event.actor_id == admin.id and event.details["number"] == "2.2"
    assert event.details["changes"] == {"deadline_on": ["2010-11-15", "2010-12-31"]}


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"deadline_on": None}, "deadline_on", "укажите срок"),
    ({"deadline_on": "15.15.2010"}, "deadline_on", "10.11.2010"),
    ({"deadline_on": date(1990, 1, 1)}, "deadline_on", "между"),
    ({"periodicity": "weekly"}, "periodicity", "из списка"),
    ({"text": "  "}, "text", "Опишите"),
    ({"result": "x" * 1001}, "result", "1000"),
])
def test_bad_edits_are_refused_and_nothing_changes(make, rollout, admin, changes, field, words):
    with pytest.raises(ValidationFailed) as refused:
        plan_admin.update_activity(admin, "2.2", activity_data(admin, "2.2", **changes))
    assert words in " ".join(refused.value.field_errors[field])
    db.session.expire_all()
    assert plan_admin.activity_for_edit(admin, "2.2").deadline_on == NOV[15]


def test_a_permanent_activity_needs_no_deadline(make, rollout, admin):
    data = activity_data(admin, "2.5", responsible="Иванова И.И.")
    _activity, changed = plan_admin.update_activity(admin, "2.5", data)
    assert changed == {"responsible": ["Руководители и специалисты МОУО и ОУ", "Иванова И.И."]}


def test_only_the_admin_edits_and_unknown_numbers_are_not_found(make, rollout, admin):
    with pytest.raises(PermissionDenied):
        plan_admin.update_activity(make.user("coordinator"), "2.2", activity_data(admin, "2.2"))
    with pytest.raises(NotFound):
        plan_admin.activity_for_edit(admin, "9.9")
