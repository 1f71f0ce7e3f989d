"""Figures of a quarterly report: counted as of the quarter's end, for one or all municipalities."""

from datetime import date

import pytest

from app.rollout import report_figures
from app.rollout.models import RolloutStatus
from tests.rollout import report_world


@pytest.fixture
def world(make, rollout, training, queues, fixed_today):
    fixed_today(report_world.TODAY)
    return report_world.build(make, rollout, training, queues)


def test_a_municipality_s_figures_are_counted_as_of_the_quarter_end(world):
    figures = report_figures.municipality_figures(world.municipality.id, 2010, 4)
    assert figures["as_of"] == "2010-12-31"
    assert figures["municipality"] == "Город"
    assert figures["office_appointed_on"] == "2010-11-09"
    # Школа № 2 was activated in January: not yet at the end of IV 2010.
    assert figures["schools"] == {"total": 2, "appointed": 1, "activated": 1, "info_space": 1,
                                  "daily_entry": 1}
    assert (figures["staff"], figures["trained"], figures["trained_share"]) == (3, 1, 33.3)
    assert figures["seminars"] == {"registered": 2, "attended": 1, "partial": 0, "no_show": 1}
    hotline = figures["hotline"]
    assert hotline["by_queue"] == {"technical": 1, "methodological": 1}
    assert (hotline["total"], hotline["open"], hotline["resolved"]) == (2, 1, 1)
    assert hotline["median_resolution_hours"] == 5.0
    assert (hotline["rating_count"], hotline["rating_average"]) == (1, 4.0)
    first = figures["school_rows"][0]
    assert (first["code"], first["activated_on"]) == ("SCH-1", "2010-11-14")
    assert (first["staff"], first["trained"]) == (2, 1)
    assert figures["school_rows"][1]["activated_on"] is None


def test_a_running_quarter_is_counted_as_of_today(world):
    figures = report_figures.municipality_figures(world.municipality.id, 2011, 1)
    assert figures["as_of"] == report_world.TODAY.isoformat()
    assert figures["schools"]["activated"] == 2
    assert figures["hotline"]["total"] == 0 and figures["seminars"]["registered"] == 0


def test_all_municipalities_give_the_same_figures_as_one_by_one(world):
    everything = report_figures.all_municipality_figures(2010, 4)
    assert set(everything) == {world.municipality.id, world.other.id}
    for municipality_id, figures in everything.items():
        assert figures == report_figures.municipality_figures(municipality_id, 2010, 4)
    assert everything[world.other.id]["trained"] == 1


def test_the_regional_figures_take_a_fixed_number_of_statements(world, make, count_statements, db):
    before = count_statements(lambda: report_figures.all_municipality_figures(2010, 4))
    for number in range(3):
        municipality = make.municipality(name=f"Новый {number}")
        school = make.school(municipality)
        make.user("teacher", organization=school)
        db.session.add(RolloutStatus(organization_id=school.id, activated_on=date(2010, 12, 1)))
    db.session.commit()
    assert count_statements(lambda: report_figures.all_municipality_figures(2010, 4)) == before


def test_totals_sum_counts_and_weigh_the_rating(world):
    everything = report_figures.all_municipality_figures(2010, 4).values()
    totals = report_figures.total_figures(everything)
    assert totals[0] == 3  # schools
    assert totals[5:8] == [4, 2, 50.0]  # staff, trained, share of the sums
    assert totals[11] is None  # no median of medians
    assert totals[12] == 4.0
