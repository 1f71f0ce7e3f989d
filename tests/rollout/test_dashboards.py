"""Dashboard services: figures of a hand-built region, scope, sorting, the overdue list and its filters."""

from datetime import date, datetime

import pytest

from app.errors import NotFound, PermissionDenied, ValidationFailed
from app.extensions import db
from app.rollout import constants as c
from app.rollout import dashboard_cache, dashboards
from app.rollout import dashboard_tables as tables
from tickets import constants as tc
from tickets.models import Ticket
from training import constants as training_constants
from training.models import Enrollment

MILESTONES = c.SCHOOL_MILESTONES


@pytest.fixture
def region(make, rollout, fixed_today):
    """Three municipalities as of 20.12.2010 (after every deadline: 11.11, 15.11, 20.11, 20.11).

    Бондарский: office appointed; school A1 has done everything (daily entry late), A2 only appointed.
    город Тамбов: office not appointed; school B1 activated late, nothing else.
    Жердевский: office appointed, no schools.
    """
    first = make.municipality(name="Бондарский район")
    second = make.municipality(name="город Тамбов")
    third = make.municipality(name="Жердевский район")
    a1, a2 = make.school(first, name="Школа А1"), make.school(first, name="Школа А2")
    b1 = make.school(second, name="Школа Б1")
    for organization in (first, third, a1, a2):
        make.appointment(organization)
    rollout.status(a1, activated_on=date(2010, 11, 14), daily_entry_on=date(2010, 11, 22))
    rollout.info_space(a1, date(2010, 11, 19))
    rollout.status(b1, activated_on=date(2010, 11, 16))
    return {"first": first, "second": second, "third": third, "a1": a1, "a2": a2, "b1": b1}


def row_of(dashboard, municipality):
    return next(row for row in dashboard.rows if row.id == municipality.id)


def test_region_figures_by_hand(make, region):
    dashboard = dashboards.region_dashboard(make.user("coordinator"))
    first, second, third = (row_of(dashboard, region[key]) for key in ("first", "second", "third"))
    assert [first.percent(key) for key in MILESTONES] == [100, 50, 50, 50]
    assert (first.counts.total, first.is_office_appointed, first.overdue) == (2, True, 3)
    assert [second.percent(key) for key in MILESTONES] == [0, 100, 0, 0]
    assert (second.counts.total, second.is_office_appointed, second.overdue) == (1, False, 4)
    assert [third.percent(key) for key in MILESTONES] == [None] * 4
    assert (third.counts.total, third.is_office_appointed, third.overdue) == (0, True, 0)
    assert dashboard.totals.total == 3
    assert [dashboard.totals.percent(key) for key in MILESTONES] == [67, 67, 33, 33]
    assert (dashboard.offices_appointed, dashboard.offices_total) == (2, 3)
    assert len(dashboard.overdue) == 7


def test_overdue_items_longest_first_and_offices_included(make, region):
    dashboard = dashboards.region_dashboard(make.user("admin"))
    first = dashboard.overdue[0]
    assert (first.key, first.deadline, first.days_overdue) == (c.APPOINTED, date(2010, 11, 11), 39)
    assert {(item.row.id, item.key) for item in dashboard.overdue if item.key == c.APPOINTED} == {
        (region["second"].id, c.APPOINTED), (region["b1"].id, c.APPOINTED)}
    assert dashboard.overdue_shown == dashboard.overdue[:dashboards.OVERDUE_SHOWN]


def test_overdue_list_follows_the_deadlines(make, region, fixed_today):
    coordinator = make.user("coordinator")
    fixed_today(date(2010, 11, 11))  # the day of the first deadline: nothing overdue yet
    assert dashboards.overdue_list(coordinator).items == []
    fixed_today(date(2010, 11, 12))  # Тамбов's office and school have not appointed anyone
    items = dashboards.overdue_list(coordinator).items
    assert {(item.row.id, item.key) for item in items} == {
        (region["second"].id, c.APPOINTED), (region["b1"].id, c.APPOINTED)}
    fixed_today(date(2010, 11, 16))  # activation was due on 15.11: А2 is late; Б1 activated today
    keys = {(item.row.id, item.key) for item in dashboards.overdue_list(coordinator).items}
    assert (region["a2"].id, c.ACTIVATED) in keys
    assert (region["b1"].id, c.ACTIVATED) not in keys


def test_region_sorting_both_directions_and_bad_values(make, region):
    coordinator = make.user("coordinator")

    def order(sort, direction=""):
        return [row.id for row in dashboards.region_dashboard(coordinator, sort, direction).rows]

    first, second, third = (region[key].id for key in ("first", "second", "third"))
    assert order("") == [first, second, third]  # by name: Бондарский, город Тамбов, Жердевский
    assert order("name", "desc") == [third, second, first]
    assert order(c.ACTIVATED, "desc") == [second, first, third]  # 100, 50, no schools
    assert order(c.ACTIVATED, "asc") == [third, first, second]
    assert order("overdue", "desc") == [second, first, third]
    assert order("schools") == [third, second, first]
    assert order("office") == [second, first, third]
    assert order("drop table", "sideways") == order("")
    dashboard = dashboards.region_dashboard(coordinator, "nonsense", "up")
    assert (dashboard.sort, dashboard.direction) == (tables.DEFAULT_SORT, tables.ASC)


def test_municipality_dashboard_states_and_sorting(make, region):
    municipal = make.user("municipal", organization=region["first"])
    dashboard = dashboards.municipality_dashboard(municipal, region["first"].id, c.ACTIVATED, "desc")
    assert [school.row.id for school in dashboard.schools] == [region["a2"].id, region["a1"].id]
    a2, a1 = dashboard.schools
    assert {key: state.state for key, state in a2.states.items()} == {
        c.APPOINTED: c.DONE, c.ACTIVATED: c.OVERDUE, c.INFO_SPACE: c.OVERDUE, c.DAILY_ENTRY: c.OVERDUE}
    assert a1.states[c.DAILY_ENTRY].is_late and a1.overdue == 0
    assert [state.state for state in dashboard.office_states] == [c.DONE]
    assert [dashboard.counts.percent(key) for key in MILESTONES] == [100, 50, 50, 50]
    assert not dashboard.is_region_viewer


def test_scope_of_the_municipality_dashboard(make, region):
    other = make.user("municipal", organization=region["second"])
    with pytest.raises(NotFound):
        dashboards.municipality_dashboard(other, region["first"].id)
    coordinator = make.user("coordinator")
    with pytest.raises(NotFound):  # a school is not a municipality
        dashboards.municipality_dashboard(coordinator, region["a1"].id)
    with pytest.raises(NotFound):
        dashboards.municipality_dashboard(coordinator, 999999)
    with pytest.raises(PermissionDenied):
        dashboards.municipality_dashboard(make.user("teacher", organization=region["a1"]), region["first"].id)
    with pytest.raises(PermissionDenied):
        dashboards.region_dashboard(make.user("municipal", organization=region["first"]))
    assert dashboards.municipality_dashboard(coordinator, region["first"].id).is_region_viewer


def test_overdue_list_scope_is_forced_for_municipalities_and_schools(make, region):
    municipal = make.user("municipal", organization=region["second"])
    listing = dashboards.overdue_list(municipal, municipality=str(region["first"].id))
    assert listing.is_forced_scope and listing.municipalities == []
    assert {item.row.municipality_id for item in listing.items} == {region["second"].id}
    school = make.user("school", organization=region["a2"])
    assert {item.row.id for item in dashboards.overdue_list(school).items} == {region["a2"].id}
    with pytest.raises(PermissionDenied):
        dashboards.overdue_list(make.user("teacher", organization=region["a2"]))


def test_overdue_list_filters_and_bad_values(make, region):
    coordinator = make.user("coordinator")
    listing = dashboards.overdue_list(coordinator, municipality=str(region["first"].id),
                                      milestone="activated")
    assert [(item.row.id, item.key) for item in listing.items] == [(region["a2"].id, c.ACTIVATED)]
    for bad in ({"municipality": "abc"}, {"municipality": str(region["a1"].id)}, {"milestone": "done"}):
        with pytest.raises(ValidationFailed) as error:
            dashboards.overdue_list(coordinator, **bad)
        assert set(error.value.field_errors) == set(bad)


def test_overdue_list_paginates(make, rollout, fixed_today):
    municipality = make.municipality()
    for number in range(13):  # 13 schools × 4 milestones + the office = 53 items
        make.school(municipality, name=f"Школа {number:02d}")
    coordinator = make.user("coordinator")
    first = dashboards.overdue_list(coordinator, page=1)
    assert (first.page.total, len(first.page.items), first.page.pages) == (53, 50, 2)
    assert len(dashboards.overdue_list(coordinator, page=2).page.items) == 3
    assert dashboards.overdue_list(coordinator, page=9).page.items == []


def test_hotline_and_training_of_the_scope(make, region, queues):
    teacher = make.user("teacher", organization=region["a1"])
    make.user("teacher", organization=region["a2"])
    make.user("teacher", organization=region["b1"])
    queue = queues[tc.TECHNICAL]
    for created, resolved in ((datetime(2010, 12, 1, 9), datetime(2010, 12, 1, 13)),
                              (datetime(2010, 11, 1, 9), None)):  # the second is older than 30 days
        queue.last_number += 1
        db.session.add(Ticket(queue=queue, number=queue.last_number, subject="Вопрос", body="Текст",
                              requester=teacher, organization_id=region["a1"].id, created_at=created,
                              resolved_at=resolved, status=tc.RESOLVED if resolved else tc.NEW))
    course = make_course()
    db.session.add(Enrollment(course_id=course.id, user_id=teacher.id, organization_id=region["a1"].id,
                              status=training_constants.COMPLETED, completed_at=datetime(2010, 12, 1)))
    db.session.commit()
    region_view = dashboards.region_dashboard(make.user("coordinator"))
    assert (region_view.hotline.start, region_view.hotline.end) == (date(2010, 11, 21), date(2010, 12, 20))
    assert region_view.hotline.figures.by_queue == {tc.TECHNICAL: 1, tc.METHODOLOGICAL: 0}
    assert region_view.hotline.figures.median_resolution_hours == 4
    assert region_view.hotline.can_view_statistics
    assert (region_view.training.staff, region_view.training.finished) == (3, 1)
    municipal = make.user("municipal", organization=region["second"])
    own = dashboards.municipality_dashboard(municipal, region["second"].id)
    assert own.hotline.figures.total == 0 and not own.hotline.can_view_statistics
    assert (own.training.staff, own.training.finished, own.training.share) == (1, 0, 0)


def make_course():
    from tests.fixtures.training import TrainingFactory

    return TrainingFactory().course(modules=1, questions=1)


def test_region_costs_a_fixed_number_of_statements(make, rollout, fixed_today, count_statements):
    coordinator = make.user("coordinator")
    municipality = make.municipality()
    for _number in range(2):
        make.school(municipality)
    db.session.expire_all()

    def counts():
        """Statements of the region's and the municipality's dashboards: computed afresh, then kept."""
        dashboard_cache.clear()
        actions = (lambda: dashboards.region_dashboard(coordinator),
                   lambda: dashboards.municipality_dashboard(coordinator, municipality.id))
        cold = [count_statements(action) for action in actions]
        return cold, [count_statements(action) for action in actions]

    few = counts()
    for _number in range(18):
        school = make.school(make.municipality() if _number % 6 == 0 else municipality)
        make.appointment(school)
        rollout.status(school, activated_on=date(2010, 11, 14))
    db.session.expire_all()
    assert counts() == few
    cold, warm = few
    # Once kept, the figures cost one statement: the data version they are kept under.
    assert warm[0] == 1 and cold[0] > warm[0] and cold[1] > warm[1]
