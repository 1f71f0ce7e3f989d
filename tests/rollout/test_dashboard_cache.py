"""Kept dashboard figures: every change of milestone data shows on the next request; hotline and training
figures lag by at most the stated time; the caches stay bounded."""

from datetime import date, datetime
from types import SimpleNamespace

import pytest

from app import caching
from app.caching import BoundedCache
from app.directory.appointments import end_appointment
from app.extensions import db
from app.rollout import constants as c
from app.rollout import dashboard_cache, dashboards
from app.rollout.models import PlanActivity
from tickets import constants as tc
from tickets.models import Ticket

MILESTONES = c.SCHOOL_MILESTONES


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def region(make, rollout, fixed_today):
    """One municipality (office appointed) with two schools as of 20.12.2010: A1 activated, A2 nothing."""
    municipality = make.municipality(name="Бондарский район")
    a1, a2 = make.school(municipality, name="Школа А1"), make.school(municipality, name="Школа А2")
    appointment = make.appointment(municipality)
    rollout.status(a1, activated_on=date(2010, 11, 14))
    return {"municipality": municipality, "a1": a1, "a2": a2, "appointment": appointment}


def test_bounded_cache_keeps_the_recently_used_and_expires_after_ttl():
    clock = FakeClock()
    cache = BoundedCache(2, ttl=60, clock=clock)
    calls = []

    def compute(value):
        return lambda: calls.append(value) or value

    assert cache.get("a", compute(1)) == 1 and cache.get("a", compute(2)) == 1
    cache.get("b", compute(3))
    cache.get("a", compute(4))  # «a» is now the most recently used
    cache.get("c", compute(5))  # evicts «b»
    assert len(cache) == 2 and cache.get("b", compute(6)) == 6
    clock.now += 59.9
    assert cache.get("b", compute(7)) == 6
    clock.now += 0.2
    assert cache.get("b", compute(8)) == 8
    assert calls == [1, 3, 5, 6, 8]
    never = BoundedCache(2, ttl=0, clock=clock)
    assert [never.get("x", compute(n)) for n in (9, 10)] == [9, 10]


def test_a_new_version_replaces_the_value_of_its_key():
    cache = BoundedCache(2)
    assert cache.get("region", lambda: "old", version=1) == "old"
    assert cache.get("region", lambda: "new", version=2) == "new"
    assert cache.get("region", lambda: "again", version=2) == "new" and len(cache) == 1
    assert cache.get("region", lambda: "back", version=1) == "back"  # only the latest version is kept


def test_a_school_milestone_shows_on_the_next_request(make, rollout, region):
    municipal = make.user("municipal", organization=region["municipality"])
    coordinator = make.user("coordinator")
    before = dashboards.municipality_dashboard(municipal, region["municipality"].id)
    assert before.counts.percent(c.ACTIVATED) == 50
    assert dashboards.region_dashboard(coordinator).totals.percent(c.ACTIVATED) == 50
    rollout.status(region["a2"], activated_on=date(2010, 12, 20))
    after = dashboards.municipality_dashboard(municipal, region["municipality"].id)
    assert after.counts.percent(c.ACTIVATED) == 100
    assert dashboards.region_dashboard(coordinator).totals.percent(c.ACTIVATED) == 100
    assert dashboards.municipality_dashboard(municipal, region["municipality"].id).counts is after.counts


def test_ended_and_edited_appointments_show_on_the_next_request(make, region):
    coordinator = make.user("coordinator")
    row = dashboards.region_dashboard(coordinator).rows[0]
    assert row.is_office_appointed and row.office_appointed_on == date(2010, 11, 10)
    appointment = region["appointment"]
    appointment.order_date = date(2010, 11, 9)  # an edit: no row added, no time of change
    db.session.commit()
    assert dashboards.region_dashboard(coordinator).rows[0].office_appointed_on == date(2010, 11, 9)
    end_appointment(make.user("admin"), appointment.id, ends_on=date(2010, 12, 19))
    row = dashboards.region_dashboard(coordinator).rows[0]
    assert not row.is_office_appointed and row.is_office_overdue


def test_deadlines_and_names_show_on_the_next_request(make, region, fixed_today):
    coordinator = make.user("coordinator")
    assert len(dashboards.region_dashboard(coordinator).overdue) == 7  # A1: 3 (activated in time), A2: 4
    activity = db.session.query(PlanActivity).filter_by(milestone=c.INFO_SPACE).one()
    activity.deadline_on = date(2010, 12, 31)  # daily entry follows the information space's deadline
    db.session.commit()
    dashboard = dashboards.region_dashboard(coordinator)
    assert {item.key for item in dashboard.overdue} == {c.APPOINTED, c.ACTIVATED}
    region["municipality"].short_name = "Бондарский муниципальный район"
    db.session.commit()
    assert dashboards.region_dashboard(coordinator).rows[0].name == "Бондарский муниципальный район"
    fixed_today(date(2010, 11, 12))  # another day: the states are those of that day
    assert {item.key for item in dashboards.region_dashboard(coordinator).overdue} == {c.APPOINTED}


def add_ticket(queue, requester, created):
    queue.last_number += 1
    db.session.add(Ticket(queue=queue, number=queue.last_number, subject="Вопрос", body="Текст",
                          requester=requester, organization_id=requester.organization_id,
                          created_at=created, status=tc.NEW))
    db.session.commit()


def test_hotline_and_training_figures_lag_by_at_most_the_ttl(make, region, queues, monkeypatch):
    clock = FakeClock()
    monkeypatch.setattr(caching, "time", SimpleNamespace(monotonic=clock))
    dashboard_cache.clear()
    teacher = make.user("teacher", organization=region["a1"])
    coordinator = make.user("coordinator")
    add_ticket(queues[tc.TECHNICAL], teacher, datetime(2010, 12, 19, 9))
    dashboard = dashboards.region_dashboard(coordinator)
    assert (dashboard.hotline.figures.total, dashboard.training.staff) == (1, 1)
    add_ticket(queues[tc.TECHNICAL], teacher, datetime(2010, 12, 19, 10))
    make.user("teacher", organization=region["a2"])
    clock.now += dashboard_cache.FIGURES_TTL - 1
    dashboard = dashboards.region_dashboard(coordinator)
    assert (dashboard.hotline.figures.total, dashboard.training.staff) == (1, 1)  # kept: at most a minute old
    clock.now += 1
    dashboard = dashboards.region_dashboard(coordinator)
    assert (dashboard.hotline.figures.total, dashboard.training.staff) == (2, 2)


@pytest.mark.parametrize("app_settings", [{"ROLLOUT_FIGURES_TTL": 0}])
def test_a_zero_ttl_counts_hotline_figures_on_every_request(make, region, queues, app_settings):
    teacher = make.user("teacher", organization=region["a1"])
    municipal = make.user("municipal", organization=region["municipality"])
    for number in range(2):
        add_ticket(queues[tc.METHODOLOGICAL], teacher, datetime(2010, 12, 19, 9 + number))
        figures = dashboards.municipality_dashboard(municipal, region["municipality"].id).hotline.figures
        assert figures.by_queue[tc.METHODOLOGICAL] == number + 1


def test_pages_are_rendered_per_sort_order_from_the_kept_figures(client, auth, rollout, region):
    auth.login("coordinator")
    by_name = client.get("/rollout/?sort=name&dir=asc").get_data(as_text=True)
    backwards = client.get("/rollout/?sort=name&dir=desc").get_data(as_text=True)
    assert 'aria-sort="ascending"' in by_name and 'aria-sort="descending"' in backwards
    assert client.get("/rollout/?sort=name&dir=asc").get_data(as_text=True) == by_name
    rollout.status(region["a2"], activated_on=date(2010, 12, 20))
    html = client.get("/rollout/?sort=name&dir=asc").get_data(as_text=True)
    row = html[html.index(f'data-org="{region["municipality"].id}"'):]
    assert 'data-milestone="activated">100&nbsp;%' in row[:row.index("</tr>")]
    with client.application.app_context():
        caches = client.application.extensions["rollout_dashboard_caches"]
        assert len(caches["milestones"]) == 1  # the region's figures, of the latest version only
