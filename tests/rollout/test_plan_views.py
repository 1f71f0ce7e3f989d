"""The plan page and the administrator's editor (/rollout/plan)."""

import re
from datetime import date

from app.extensions import db
from app.rollout.models import PlanActivity

NOV = {day: date(2010, 11, day) for day in range(1, 31)}


def edit_form(activity, **changes):
    data = {"text": activity.text, "responsible": activity.responsible, "periodicity": activity.periodicity,
            "deadline_on": activity.deadline_on.isoformat() if activity.deadline_on else "",
            "result": activity.result}
    data.update(changes)
    return data


def activity(number):
    db.session.expire_all()
    return db.session.query(PlanActivity).filter_by(number=number).one()


def test_every_signed_in_user_sees_all_activities_with_states(client, auth, make, rollout, fixed_today):
    municipality = make.municipality()
    school = make.school(municipality)
    make.school(municipality)
    rollout.status(school, activated_on=NOV[14])
    auth.login(make.user("teacher", organization=school))
    response = client.get("/rollout/plan")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert re.findall(r'data-testid="plan-activity" data-number="([\d.]+)"', page) == [
        "1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7"]
    assert "1 из 2 школ (50 %)" in page
    assert "15.11.2010" in page and "Постоянно" in page and "Ежеквартально" in page
    assert "Технологическое и методическое обеспечение" in page
    assert 'data-testid="edit-activity"' not in page


def test_anonymous_visitors_are_sent_to_sign_in(client, rollout):
    assert client.get("/rollout/plan").status_code == 302


def test_admin_moves_a_deadline_and_a_school_flips_from_overdue_to_due(client, auth, make, rollout,
                                                                       fixed_today):
    school = make.school()
    auth.login("admin")
    assert 'data-testid="edit-activity"' in client.get("/rollout/plan").get_data(as_text=True)
    before = client.get(f"/rollout/schools/{school.id}").get_data(as_text=True)
    assert re.search(r'data-key="activated".*?data-state="overdue"', before, re.S)
    page = client.get("/rollout/plan/2.2/edit")
    assert page.status_code == 200
    response = auth.post("/rollout/plan/2.2/edit", edit_form(activity("2.2"), deadline_on="2010-12-31"))
    assert response.status_code == 302
    assert activity("2.2").deadline_on == date(2010, 12, 31)
    after = client.get(f"/rollout/schools/{school.id}").get_data(as_text=True)
    assert re.search(r'data-key="activated".*?data-state="due"', after, re.S)


def test_bad_edit_input_is_a_422_with_messages(client, auth, make, rollout):
    auth.login("admin")
    response = auth.post("/rollout/plan/2.2/edit", edit_form(activity("2.2"), deadline_on=""))
    assert response.status_code == 422
    assert "укажите срок" in response.get_data(as_text=True)
    response = auth.post("/rollout/plan/2.2/edit", edit_form(activity("2.2"), deadline_on="2010-13-45",
                                                             periodicity="weekly"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Выберите периодичность из списка." in page
    assert activity("2.2").deadline_on == NOV[15]


def test_an_edit_made_on_an_outdated_page_is_refused(client, auth, make, rollout):
    auth.login("admin")
    shown = activity("2.2")
    stale = edit_form(shown, version=str(shown.version))
    assert auth.post("/rollout/plan/2.2/edit", edit_form(shown, result="Первое", version=str(shown.version))
                     ).status_code == 302
    response = auth.post("/rollout/plan/2.2/edit", {**stale, "result": "Второе"})
    assert response.status_code == 409
    assert 'data-testid="conflict"' in response.get_data(as_text=True)
    assert activity("2.2").result == "Первое"


def test_non_admins_cannot_edit_and_unknown_numbers_are_404(client, auth, make, rollout):
    auth.login("coordinator")
    assert client.get("/rollout/plan/2.2/edit").status_code == 403
    assert auth.post("/rollout/plan/2.2/edit", edit_form(activity("2.2"), text="Другое")).status_code == 403
    assert activity("2.2").text != "Другое"
    auth.logout()
    auth.login("admin")
    assert client.get("/rollout/plan/9.9/edit").status_code == 404
    assert client.get("/rollout/plan/%00/edit").status_code == 404


def test_plan_page_costs_the_same_statements_for_more_schools(client, auth, make, rollout, fixed_today,
                                                              count_statements):
    auth.login("coordinator")
    make.school()
    few = count_statements(lambda: client.get("/rollout/plan"))
    for _number in range(4):
        rollout.status(make.school(), activated_on=NOV[14])
    assert count_statements(lambda: client.get("/rollout/plan")) == few
