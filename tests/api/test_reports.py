"""GET /reports/quarterly and /reports/quarterly/{municipality}/{year}/{quarter} by role."""

import pytest

from app.api import constants as c
from app.rollout import reports
from tests.rollout import report_world


@pytest.fixture
def world(make, rollout, training, queues, fixed_today):
    fixed_today(report_world.TODAY)
    return report_world.build(make, rollout, training, queues)


def test_the_region_sees_every_municipality_of_the_default_quarter(world, tokens):
    reports.submit_report(world.municipal, world.municipality.id, 2010, 4, {"problems": "Связь"})
    api = tokens.client_for(world.coordinator, c.READ)
    response = api.get("/api/v1/reports/quarterly")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["year"], body["quarter"], body["as_of"]) == (2010, 4, "2010-12-31")
    rows = {row["municipality"]["name"]: row for row in body["reports"]}
    assert set(rows) == {"Город", "Район"}
    assert rows["Город"]["status"] == "submitted" and rows["Город"]["is_frozen"]
    assert rows["Город"]["submitted_at"].endswith("Z")
    assert rows["Город"]["figures"]["schools"] == {"total": 2, "appointed": 1, "activated": 1,
                                                    "info_space": 1, "daily_entry": 1}
    assert rows["Район"]["status"] == "not_started" and not rows["Район"]["is_frozen"]
    assert "school_rows" not in rows["Город"]["figures"]


def test_a_municipal_specialist_sees_their_own_only(world, tokens):
    api = tokens.client_for(world.municipal, c.READ)
    body = api.get("/api/v1/reports/quarterly?year=2010&quarter=4").get_json()
    assert [row["municipality"]["id"] for row in body["reports"]] == [world.municipality.id]
    one = api.get(f"/api/v1/reports/quarterly/{world.municipality.id}/2010/4")
    assert one.status_code == 200
    report = one.get_json()
    assert report["status"] == "not_started" and report["problems"] == "" and not report["is_frozen"]
    assert [row["code"] for row in report["figures"]["school_rows"]] == ["SCH-1", "SCH-2"]
    assert report["due_on"] == "2011-01-10"
    assert api.get(f"/api/v1/reports/quarterly/{world.other.id}/2010/4").status_code == 404


def test_a_submitted_report_shows_its_texts_and_frozen_figures(world, tokens):
    reports.submit_report(world.municipal, world.municipality.id, 2010, 4,
                          {"problems": "Связь", "measures": "Провели семинар"})
    api = tokens.client_for(world.coordinator, c.READ)
    report = api.get(f"/api/v1/reports/quarterly/{world.municipality.id}/2010/4").get_json()
    assert report["status"] == "submitted" and report["is_frozen"] and report["problems"] == "Связь"
    assert report["measures"] == "Провели семинар" and report["figures"]["trained"] == 1


@pytest.mark.parametrize("role", ["teacher", "school"])
def test_school_staff_get_403(world, make, tokens, role):
    api = tokens.client_for(make.user(role, organization=world.schools[0]), c.READ)
    assert api.get("/api/v1/reports/quarterly").status_code == 403
    response = api.get(f"/api/v1/reports/quarterly/{world.municipality.id}/2010/4")
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize("url", ["/api/v1/reports/quarterly?year=2010&quarter=5",
                                 "/api/v1/reports/quarterly?year=2009&quarter=4",
                                 "/api/v1/reports/quarterly?year=2030&quarter=1",
                                 "/api/v1/reports/quarterly?year=2010",
                                 "/api/v1/reports/quarterly?year=abc",
                                 "/api/v1/reports/quarterly?year=99999999999"])
def test_bad_quarters_are_422(world, tokens, url):
    response = tokens.client_for(world.coordinator, c.READ).get(url)
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "validation_failed"


def test_a_bad_quarter_or_municipality_of_one_report(world, tokens):
    api = tokens.client_for(world.coordinator, c.READ)
    base = f"/api/v1/reports/quarterly/{world.municipality.id}"
    assert api.get(f"{base}/2010/5").status_code == 422
    assert api.get(f"{base}/2009/4").status_code == 422
    assert api.get(f"/api/v1/reports/quarterly/{world.schools[0].id}/2010/4").status_code == 404
    assert api.get("/api/v1/reports/quarterly/99999999999/2010/4").status_code == 404
