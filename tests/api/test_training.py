"""GET /training/progress: one's own enrolments, and those of the training scope by role."""

from datetime import datetime

import pytest
from sqlalchemy import select

from app.api import constants as c
from app.extensions import db
from tests.rollout import report_world
from training import certificates
from training.models import Enrollment


@pytest.fixture
def world(make, rollout, training, queues, fixed_today):
    fixed_today(report_world.TODAY)
    built = report_world.build(make, rollout, training, queues)
    finished = db.session.scalar(select(Enrollment).where(Enrollment.user_id == built.teachers[0].id))
    certificates.issue(finished, now=datetime(2010, 12, 1, 10))
    db.session.commit()
    return built


def people(response):
    assert response.status_code == 200, response.get_json()
    return sorted(item["user_id"] for item in response.get_json()["items"])


def test_a_teacher_sees_their_own_progress(world, tokens):
    teacher = world.teachers[0]
    response = tokens.client_for(teacher, c.READ).get("/api/v1/training/progress")
    assert people(response) == [teacher.id]
    item = response.get_json()["items"][0]
    assert item["status"] == "completed" and item["modules_total"] == 2 and item["certificate"]
    assert item["course"]["slug"].startswith("course-") and item["person"] == teacher.full_name
    assert item["completed_at"].endswith("Z") and item["organization"]["id"] == world.schools[0].id


def test_a_school_coordinator_sees_their_school(world, make, tokens):
    coordinator = make.user("school", organization=world.schools[0])
    response = tokens.client_for(coordinator, c.READ).get("/api/v1/training/progress")
    assert people(response) == sorted(t.id for t in world.teachers[:2])


def test_a_municipal_specialist_sees_their_municipality_and_the_region_all(world, make, tokens):
    municipal = tokens.client_for(world.municipal, c.READ)
    assert people(municipal.get("/api/v1/training/progress")) == sorted(t.id for t in world.teachers[:2])
    region = tokens.client_for(world.coordinator, c.READ)
    assert len(people(region.get("/api/v1/training/progress"))) == 3
    assert len(people(tokens.client_for(make.user("methodologist"), c.READ)
                      .get("/api/v1/training/progress"))) == 3


def test_filters(world, tokens):
    api = tokens.client_for(world.coordinator, c.READ)
    slug = api.get("/api/v1/training/progress").get_json()["items"][0]["course"]["slug"]
    assert len(people(api.get(f"/api/v1/training/progress?course={slug}"))) == 3
    assert people(api.get("/api/v1/training/progress?course=no-such-course")) == []
    assert people(api.get("/api/v1/training/progress?status=in_progress")) == [world.teachers[1].id]
    by_municipality = api.get(f"/api/v1/training/progress?municipality={world.municipality.id}")
    assert people(by_municipality) == sorted(t.id for t in world.teachers[:2])
    page = api.get("/api/v1/training/progress?per_page=2&page=2").get_json()
    assert len(page["items"]) == 1 and page["page"] == {"page": 2, "per_page": 2, "total": 3, "pages": 2}


def test_an_operator_without_enrolments_sees_none(world, make, tokens):
    assert people(tokens.client_for(make.user("operator"), c.READ).get("/api/v1/training/progress")) == []


@pytest.mark.parametrize("query", ["status=done", "municipality=-1", "municipality=x", "page=abc",
                                   "course=" + "x" * 81])
def test_bad_filters_are_422(world, tokens, query):
    response = tokens.client_for(world.coordinator, c.READ).get(f"/api/v1/training/progress?{query}")
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "validation_failed"
