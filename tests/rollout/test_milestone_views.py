"""The school's milestones page: who sees it, the form, the one-click activation, conflicts."""

from datetime import date

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.extensions import db
from app.rollout.models import RolloutStatus

NOV = {day: date(2010, 11, day) for day in range(1, 31)}
EMPTY_FORM = {"activated_on": "", "classes_on": "", "subjects_on": "", "staff_on": "", "pupils_on": "",
              "timetable_on": "", "daily_entry_on": "", "note": ""}


def url(school):
    return f"/rollout/schools/{school.id}"


def status_of(school):
    db.session.expire_all()
    return db.session.scalar(select(RolloutStatus).where(RolloutStatus.organization_id == school.id))


def form(version=0, **values):
    data = dict(EMPTY_FORM, version=str(version))
    data.update({name: value.isoformat() if isinstance(value, date) else value
                 for name, value in values.items()})
    return data


def test_coordinator_marks_their_school_activated_with_one_click(client, auth, make, rollout, fixed_today):
    school = make.school(name="Школа № 5")
    auth.login(make.user("school", organization=school))
    page = client.get(url(school)).get_data(as_text=True)
    assert "Школа № 5" in page and "Отметить: активирована сегодня" in page
    assert 'data-state="overdue"' in page
    response = auth.post(url(school) + "/activate", {"version": "0"})
    assert response.status_code == 302
    assert status_of(school).activated_on == fixed_today()
    page = client.get(url(school)).get_data(as_text=True)
    assert "Отметить: активирована сегодня" not in page
    assert "20.12.2010" in page and "с опозданием" in page


def test_coordinator_saves_the_form_and_sees_the_change_logged(client, auth, make, rollout, fixed_today):
    school = make.school()
    coordinator = auth.login(make.user("school", organization=school))
    response = auth.post(url(school), form(activated_on=NOV[14], classes_on=NOV[15], note="Всё по плану"))
    assert response.status_code == 302
    status = status_of(school)
    assert (status.activated_on, status.classes_on, status.note) == (NOV[14], NOV[15], "Всё по плану")
    assert status.activated_by_id == coordinator.id
    page = client.get(url(school)).get_data(as_text=True)
    assert 'data-testid="events"' in page and "Всё по плану" in page
    assert coordinator.full_name in page


def test_coordinator_cannot_see_another_school(client, auth, make, rollout, fixed_today):
    school, other = make.school(), make.school()
    auth.login(make.user("school", organization=school))
    assert client.get(url(other)).status_code == 404
    assert client.get("/rollout/schools/99999999999999999999").status_code == 404
    assert 'data-testid="municipality-link"' not in client.get(url(school)).get_data(as_text=True)
    assert auth.post(url(other), form(activated_on=NOV[14])).status_code == 404
    assert auth.post(url(other) + "/activate", {"version": "0"}).status_code == 404
    assert status_of(other) is None


def test_teacher_of_the_school_is_refused(client, auth, make, rollout, fixed_today):
    school = make.school()
    auth.login(make.user("teacher", organization=school))
    assert client.get(url(school)).status_code == 403


def test_regional_coordinator_sees_but_does_not_edit(client, auth, make, rollout, fixed_today):
    school = make.school()
    auth.login("coordinator")
    page = client.get(url(school)).get_data(as_text=True)
    assert 'data-testid="milestones"' in page and 'data-testid="milestone-form"' not in page
    assert auth.post(url(school), form(activated_on=NOV[14])).status_code == 403
    assert status_of(school) is None


def test_municipal_specialist_updates_only_their_municipality(client, auth, make, rollout, fixed_today):
    municipality = make.municipality()
    own, other = make.school(municipality), make.school()
    auth.login(make.user("municipal", organization=municipality))
    assert auth.post(url(own), form(activated_on=NOV[12])).status_code == 302
    assert status_of(own).activated_on == NOV[12]
    assert auth.post(url(other), form(activated_on=NOV[12])).status_code == 404
    assert status_of(other) is None
    assert 'data-testid="municipality-link"' in client.get(url(own)).get_data(as_text=True)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "rollout.milestones_updated"))
    assert event.target_id == own.id and event.details["changes"]["activated_on"] == [None, "2010-11-12"]


def test_future_date_is_refused_with_a_message(client, auth, make, rollout, fixed_today):
    school = make.school()
    auth.login(make.user("school", organization=school))
    response = auth.post(url(school), form(activated_on=date(2010, 12, 21)))
    assert response.status_code == 422
    assert "Дата не может быть позже сегодняшнего дня (20.12.2010)." in response.get_data(as_text=True)
    assert status_of(school) is None


def test_unreadable_input_is_a_4xx_not_a_500(client, auth, make, rollout, fixed_today):
    school = make.school()
    auth.login(make.user("school", organization=school))
    response = auth.post(url(school), form(activated_on="31.31.2010"))
    assert response.status_code == 422
    assert status_of(school) is None
    assert auth.post(url(school) + "/activate", {"version": "%00"}).status_code == 409
    assert auth.post(url(school), form(note="a\x00b")).status_code == 400  # app/request_guards.py
    assert status_of(school) is None


def test_stale_page_is_a_conflict_and_keeps_what_was_typed(client, auth, make, rollout, fixed_today):
    school = make.school()
    auth.login(make.user("school", organization=school))
    assert auth.post(url(school), form(activated_on=NOV[14])).status_code == 302
    response = auth.post(url(school), form(version=0, activated_on=NOV[10], note="моя заметка"))
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "моя заметка" in page and "2010-11-10" in page
    assert 'name="version" type="hidden" value="1"' in page
    assert status_of(school).activated_on == NOV[14]
    assert auth.post(url(school), form(version="abc", activated_on=NOV[10])).status_code == 409


def test_page_shows_the_appointment_and_a_link_to_record_them(client, auth, make, rollout, fixed_today):
    school = make.school()
    make.appointment(school, order_number="77-о", order_date=NOV[10])
    auth.login(make.user("school", organization=school))
    page = client.get(url(school)).get_data(as_text=True)
    assert "приказ № 77-о от 10.11.2010" in page
    assert f'href="/directory/{school.id}"' in page


def test_page_costs_the_same_statements_for_more_schools_and_events(client, auth, make, rollout, fixed_today,
                                                                    count_statements):
    municipality = make.municipality()
    school = make.school(municipality)
    auth.login(make.user("municipal", organization=municipality))
    auth.post(url(school), form(activated_on=NOV[14]))
    few = count_statements(lambda: client.get(url(school)))
    for number in range(4):
        make.appointment(school)
        rollout.status(make.school(municipality), activated_on=NOV[number + 1])
        data = form(version=number + 1, activated_on=NOV[14], note=f"заметка {number}")
        response = auth.post(url(school), data)
        assert response.status_code == 302
    many = count_statements(lambda: client.get(url(school)))
    assert many == few
