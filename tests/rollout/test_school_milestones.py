"""A school's milestones: access, validation, audit, versions (app/rollout/school_milestones.py)."""

from datetime import date

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from app.extensions import db
from app.rollout import constants as c
from app.rollout import school_milestones as sm

NOV = {day: date(2010, 11, day) for day in range(1, 31)}


def _events(school):
    return db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "rollout.milestones_updated", AuditEvent.target_id == school.id)).all()


def _status(school):
    db.session.expire_all()
    return sm.status_of(school.id)


def test_coordinator_activates_their_school_and_the_change_is_audited(make, rollout, fixed_today):
    school = make.school()
    coordinator = make.user("school", organization=school)
    status, changed = sm.update_milestones(coordinator, school.id, {"activated_on": NOV[14]}, version=0)
    assert changed == {"activated_on": [None, NOV[14]]}
    saved = _status(school)
    assert saved.activated_on == NOV[14] and saved.activated_by_id == coordinator.id
    assert saved.updated_by_id == coordinator.id and saved.version == 1
    [event] = _events(school)
    assert event.actor_id == coordinator.id and event.target_type == "Organization"
    assert event.details["changes"] == {"activated_on": [None, "2010-11-14"]}
    assert event.details["source"] == "form"


def test_checklist_sets_the_information_space_when_complete(make, rollout, fixed_today):
    school = make.school()
    admin = make.user("admin")
    sm.update_milestones(admin, school.id, {"activated_on": NOV[14]})
    data = {f"{item}_on": NOV[15 + index] for index, item in enumerate(c.CHECKLIST)}
    _status_row, changed = sm.update_milestones(admin, school.id, data)
    assert changed["info_space_on"] == [None, NOV[19]]
    row, states = sm.school_progress(school.id)
    assert row.info_space_on == NOV[19]
    by_key = {state.key: state for state in states}
    assert by_key[c.INFO_SPACE].state == c.DONE and not by_key[c.INFO_SPACE].is_late
    assert by_key[c.APPOINTED].state == c.OVERDUE
    assert by_key[c.DAILY_ENTRY].state == c.OVERDUE


def test_nothing_changed_records_nothing(make, rollout, fixed_today):
    school = make.school()
    admin = make.user("admin")
    sm.update_milestones(admin, school.id, {"activated_on": NOV[14]})
    _status_row, changed = sm.update_milestones(admin, school.id, {"activated_on": NOV[14], "note": ""})
    assert changed == {}
    assert len(_events(school)) == 1
    assert _status(school).version == 1


def test_no_status_row_is_created_for_an_empty_form(make, rollout, fixed_today):
    school = make.school()
    sm.update_milestones(make.user("admin"), school.id, dict.fromkeys(sm.MILESTONE_FIELDS), version=0)
    assert _status(school) is None


@pytest.mark.parametrize(("data", "field", "words"), [
    ({"activated_on": date(2010, 12, 21)}, "activated_on", "позже сегодняшнего"),
    ({"activated_on": date(1999, 12, 31)}, "activated_on", "раньше 01.01.2000"),
    ({"classes_on": NOV[15]}, "classes_on", "Сначала отметьте активацию школы"),
    ({"activated_on": NOV[14], "pupils_on": NOV[13]}, "pupils_on", "раньше активации (14.11.2010)"),
    ({"activated_on": NOV[14], "daily_entry_on": NOV[20]}, "daily_entry_on", "классы"),
    ({"activated_on": NOV[14], "classes_on": NOV[15], "subjects_on": NOV[15], "pupils_on": NOV[18],
      "daily_entry_on": NOV[16]}, "daily_entry_on", "18.11.2010"),
    ({"activated_on": "31.02.2010"}, "activated_on", "10.11.2010"),
    ({"note": "x" * (sm.NOTE_MAX + 1)}, "note", str(sm.NOTE_MAX)),
])
def test_bad_dates_are_refused_with_what_to_fix(make, rollout, fixed_today, data, field, words):
    school = make.school()
    with pytest.raises(ValidationFailed) as refused:
        sm.update_milestones(make.user("admin"), school.id, data)
    assert words in " ".join(refused.value.field_errors[field])
    assert _status(school) is None
    assert _events(school) == []


def test_strings_from_the_command_line_are_read_as_dates(make, rollout, fixed_today):
    school = make.school()
    sm.update_milestones(make.user("admin"), school.id, {"activated_on": "14.11.2010"})
    assert _status(school).activated_on == NOV[14]


def test_clearing_the_activation_needs_the_checklist_cleared_too(make, rollout, fixed_today):
    school = make.school()
    rollout.status(school, activated_on=NOV[14], classes_on=NOV[15])
    admin = make.user("admin")
    with pytest.raises(ValidationFailed) as refused:
        sm.update_milestones(admin, school.id, {"activated_on": None})
    assert "classes_on" in refused.value.field_errors
    sm.update_milestones(admin, school.id, {"activated_on": None, "classes_on": None})
    status = _status(school)
    assert status.activated_on is None and status.activated_by_id is None


def test_stale_version_is_a_conflict_and_nothing_is_overwritten(make, rollout, fixed_today):
    school = make.school()
    admin = make.user("admin")
    sm.update_milestones(admin, school.id, {"activated_on": NOV[14]}, version=0)
    with pytest.raises(Conflict):
        sm.update_milestones(admin, school.id, {"activated_on": NOV[10]}, version=0)
    with pytest.raises(Conflict):
        sm.update_milestones(admin, school.id, {"activated_on": NOV[10]}, version="abc")
    assert _status(school).activated_on == NOV[14]
    assert len(_events(school)) == 1


def test_scope_of_updates(make, rollout, fixed_today):
    municipality = make.municipality()
    own, other = make.school(municipality), make.school()
    specialist = make.user("municipal", organization=municipality)
    coordinator = make.user("school", organization=own)
    sm.update_milestones(specialist, own.id, {"activated_on": NOV[14]})
    with pytest.raises(NotFound):  # outside their municipality: not even its existence is shown
        sm.update_milestones(specialist, other.id, {"activated_on": NOV[14]})
    with pytest.raises(NotFound):
        sm.update_milestones(coordinator, other.id, {"activated_on": NOV[14]})
    with pytest.raises(PermissionDenied):  # the region sees every school but does not update them
        sm.update_milestones(make.user("coordinator"), own.id, {"activated_on": NOV[15]})
    with pytest.raises(NotFound):  # a municipality has no milestones page of its own here
        sm.school_page(make.user("admin"), municipality.id)
    with pytest.raises(PermissionDenied):
        sm.school_page(make.user("teacher", organization=own), own.id)
    assert _status(other) is None


def test_one_click_activation_uses_the_fixed_today(make, rollout, fixed_today):
    school = make.school()
    coordinator = make.user("school", organization=school)
    fixed_today(NOV[13])
    sm.mark_activated_today(coordinator, school.id, version=0)
    assert _status(school).activated_on == NOV[13]
    with pytest.raises(ValidationFailed):
        sm.mark_activated_today(coordinator, school.id)
    [row_state] = [s for s in sm.school_progress(school.id)[1] if s.key == c.ACTIVATED]
    assert row_state.state == c.DONE


def test_school_page_lists_appointments_and_recent_changes(make, rollout, fixed_today):
    school = make.school()
    appointment = make.appointment(school, order_number="15-о")
    make.appointment(school, order_number="old", starts_on=NOV[1], ends_on=NOV[5])
    admin = make.user("admin")
    sm.update_milestones(admin, school.id, {"activated_on": NOV[14]})
    page = sm.school_page(admin, school.id)
    assert [a.order_number for a in page.appointments] == [appointment.order_number]
    assert page.state(c.APPOINTED).state == c.DONE
    assert page.can_edit and page.can_manage_appointments and page.version == 1
    assert [event.details["changes"] for event in page.events] == [{"activated_on": [None, "2010-11-14"]}]
