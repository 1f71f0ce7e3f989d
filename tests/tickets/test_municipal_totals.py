"""hotline_totals(): a scope's total counted in SQL, equal to the total hotline_by_municipality() sums."""

from datetime import date, datetime

import pytest

from tests.tickets.test_municipal_stats import END, START, add_ticket, region  # noqa: F401 (fixture)
from tickets import constants as c
from tickets.municipal_stats import hotline_by_municipality, hotline_totals

pytestmark = pytest.mark.usefixtures("queues")


def test_totals_equal_the_breakdown_for_the_region_and_each_municipality(region):  # noqa: F811
    for municipality_id in (None, region["first"].id, region["second"].id, region["empty"].id):
        for start, end in ((START, END), (START, START), (END, END), (date(2024, 12, 15), date(2025, 1, 11))):
            expected = hotline_by_municipality(start, end, municipality_id).total
            assert hotline_totals(start, end, municipality_id) == expected, (municipality_id, start, end)


def test_totals_by_hand(region):  # noqa: F811
    total = hotline_totals(START, END)
    assert total.by_queue == {c.TECHNICAL: 4, c.METHODOLOGICAL: 3}
    assert (total.total, total.open, total.resolved) == (7, 2, 5)
    assert total.open_by_queue == {c.TECHNICAL: 1, c.METHODOLOGICAL: 1}
    assert (total.median_resolution_hours, total.rating_count, total.rating_average) == (10, 4, 3.5)
    second = hotline_totals(START, END, region["second"].id)
    assert (second.total, second.median_resolution_hours, second.rating_average) == (3, 5, 2)
    empty = hotline_totals(START, END, region["empty"].id)
    assert (empty.total, empty.median_resolution_hours, empty.rating_average) == (0, None, None)


def test_minutes_and_seconds_of_resolution_and_two_decimal_ratings(make, db, queues):
    teacher = make.user("teacher", organization=make.school())
    created = datetime(2024, 12, 20, 9)
    for minutes, rating in ((7.5, 5), (45.25, 4), (90, 4), (1000.001, None)):  # medians of 45.25 and 90 min
        ticket = add_ticket(db, queues[c.TECHNICAL], teacher, created, resolved=minutes / 60, rating=rating)
        assert ticket.resolved_at is not None
    total = hotline_totals(START, END)
    assert total == hotline_by_municipality(START, END).total
    assert (total.median_resolution_hours, total.rating_average) == (1.13, 4.33)


def test_two_statements_whatever_the_number_of_tickets(region, count_statements, make, db, queues):  # noqa: F811
    def counts():
        return [count_statements(lambda scope=scope: hotline_totals(START, END, scope))
                for scope in (None, region["second"].id)]

    few = counts()
    teacher = make.user("teacher", organization=make.school(region["second"]))
    for day in range(1, 20):
        add_ticket(db, queues[c.TECHNICAL], teacher, datetime(2024, 12, day + 1, 9), resolved=day)
    assert counts() == few == [2, 2]
