"""GET /organizations and /organizations/{id}: the directory scope, milestones and responsibles by role."""

from datetime import date

import pytest

from app.api import constants as c


@pytest.fixture
def region(make, rollout, fixed_today):
    """A municipality with two schools (one activated late, with a responsible) and another municipality."""
    municipality = make.municipality(name="Мичуринский район")
    first = make.school(municipality, name="Школа № 1")
    second = make.school(municipality, name="Школа № 2")
    other = make.school(name="Чужая школа")
    rollout.status(first, activated_on=date(2010, 12, 1))
    make.appointment(first, order_number="15-о", order_date=date(2010, 11, 10),
                     person=make.person(first, last_name="Петрова", first_name="Анна", middle_name="",
                                        position="Заместитель директора"))
    return {"municipality": municipality, "first": first, "second": second, "other": other}


def names(response):
    assert response.status_code == 200, response.get_json()
    return {item["name"] for item in response.get_json()["items"]}


def by_name(response, name):
    return next(item for item in response.get_json()["items"] if item["name"] == name)


def test_a_coordinator_sees_every_organization_with_milestones(make, tokens, region):
    api = tokens.client_for(make.user("coordinator"), c.READ)
    response = api.get("/api/v1/organizations?kind=school&per_page=100")
    assert {"Школа № 1", "Школа № 2", "Чужая школа"} <= names(response)
    first = by_name(response, "Школа № 1")
    activated = next(m for m in first["milestones"] if m["key"] == "activated")
    assert activated["done_on"] == "2010-12-01" and activated["state"] == "done" and activated["is_late"]
    assert activated["plan_item"] == "2.2" and activated["deadline"]
    second = {m["key"]: m["state"] for m in by_name(response, "Школа № 2")["milestones"]}
    assert second["activated"] == "overdue"
    assert response.get_json()["page"]["total"] >= 3


def test_a_municipal_specialist_sees_their_municipality_only(make, tokens, region):
    api = tokens.client_for(make.user("municipal", organization=region["municipality"]), c.READ)
    assert names(api.get("/api/v1/organizations")) == {"Мичуринский район", "Школа № 1", "Школа № 2"}
    office = by_name(api.get("/api/v1/organizations?kind=municipality"), "Мичуринский район")
    assert [m["key"] for m in office["milestones"]] == ["appointed"]
    assert api.get(f"/api/v1/organizations/{region['other'].id}").status_code == 404


def test_a_teacher_sees_their_school_without_milestones(make, tokens, region):
    api = tokens.client_for(make.user("teacher", organization=region["first"]), c.READ)
    response = api.get("/api/v1/organizations")
    assert names(response) == {"Школа № 1"}
    assert response.get_json()["items"][0]["milestones"] is None
    detail = api.get(f"/api/v1/organizations/{region['first'].id}").get_json()
    assert detail["milestones"] is None and detail["responsibles"][0]["name"] == "Петрова Анна"
    for org in (region["second"], region["municipality"]):
        assert api.get(f"/api/v1/organizations/{org.id}").status_code == 404


def test_a_school_coordinator_gets_milestones_and_the_responsible(make, tokens, region):
    api = tokens.client_for(make.user("school", organization=region["first"]), c.READ)
    detail = api.get(f"/api/v1/organizations/{region['first'].id}").get_json()
    assert [m["key"] for m in detail["milestones"]] == ["appointed", "activated", "info_space", "daily_entry"]
    assert detail["milestones"][0]["state"] == "done"
    assert detail["responsibles"] == [{"name": "Петрова Анна", "position": "Заместитель директора",
                                       "order_number": "15-о", "order_date": "2010-11-10",
                                       "starts_on": "2010-11-11", "ends_on": None}]


def test_an_operator_sees_milestones_but_an_institute_has_none(make, tokens, region):
    operator = make.user("operator")
    api = tokens.client_for(operator, c.READ)
    own = api.get(f"/api/v1/organizations/{operator.organization_id}").get_json()
    assert own["milestones"] is None and own["responsibles"] is None
    school = api.get(f"/api/v1/organizations/{region['second'].id}").get_json()
    assert len(school["milestones"]) == 4 and school["responsibles"] == []


def test_filters_by_municipality_and_text(make, tokens, region):
    api = tokens.client_for(make.user("admin"), c.READ)
    municipality = region["municipality"].id
    assert names(api.get(f"/api/v1/organizations?municipality={municipality}&kind=school")) == {
        "Школа № 1", "Школа № 2"}
    assert names(api.get("/api/v1/organizations?q=чужая")) == {"Чужая школа"}
    assert names(api.get("/api/v1/organizations?q=100%25_")) == set()


def test_a_page_of_schools_costs_a_fixed_number_of_statements(make, tokens, region, count_statements):
    api = tokens.client_for(make.user("coordinator"), c.READ)
    api.get("/api/v1/organizations")
    few = count_statements(lambda: api.get("/api/v1/organizations?kind=school&per_page=2"))
    for _number in range(5):
        make.school(region["municipality"])
    many = count_statements(lambda: api.get("/api/v1/organizations?kind=school&per_page=8"))
    assert many == few


@pytest.mark.parametrize("query", ["kind=planet", "municipality=0", "municipality=abc", "page=0",
                                   "per_page=1000", "municipality=99999999999", "q=" + "я" * 201])
def test_bad_filters_are_422(make, tokens, query):
    api = tokens.client_for(make.user("admin"), c.READ)
    response = api.get(f"/api/v1/organizations?{query}")
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "validation_failed"


def test_unknown_and_huge_ids_are_404_and_a_token_is_needed(client, make, tokens):
    api = tokens.client_for(make.user("admin"), c.READ)
    assert api.get("/api/v1/organizations/999999").status_code == 404
    assert api.get("/api/v1/organizations/99999999999").status_code == 404
    assert client.get("/api/v1/organizations").status_code == 401
