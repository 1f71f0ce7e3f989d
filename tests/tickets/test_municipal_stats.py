"""Hotline figures by municipality: hand-computed counts, medians and ratings, Moscow period bounds."""

from datetime import date, datetime, timedelta

import pytest

from tickets import constants as c
from tickets.models import Ticket
from tickets.municipal_stats import hotline_by_municipality

pytestmark = pytest.mark.usefixtures("queues")

START, END = date(2024, 12, 16), date(2025, 1, 10)


def add_ticket(db, queue, requester, created, resolved=None, rating=None, status=None, merged_into=None):
    """A ticket created at a UTC moment, resolved `resolved` hours later."""
    queue.last_number += 1
    ticket = Ticket(
        queue=queue, number=queue.last_number, subject="Вопрос", body="Текст", requester=requester,
        organization_id=requester.organization_id, created_at=created, updated_at=created,
        resolved_at=created + timedelta(hours=resolved) if resolved is not None else None, rating=rating,
        status=status or (c.RESOLVED if resolved is not None else c.NEW), merged_into=merged_into,
    )
    db.session.add(ticket)
    db.session.commit()
    return ticket


@pytest.fixture
def region(make, db, queues):
    """Two municipalities (and an empty third), their schools and office, the region's staff; tickets."""
    first, second = make.municipality(name="Бондарский район"), make.municipality(name="город Тамбов")
    empty = make.municipality(name="Жердевский район")
    teacher_a = make.user("teacher", organization=make.school(first))
    school_b = make.user("school", organization=make.school(first))
    teacher_c = make.user("teacher", organization=make.school(second))
    office = make.user("municipal", organization=second)
    coordinator = make.user("coordinator")
    tech, method = queues[c.TECHNICAL], queues[c.METHODOLOGICAL]
    # 00:30 in Moscow on 16.12 (still the 15th in UTC): inside the period.
    add_ticket(db, tech, teacher_a, datetime(2024, 12, 15, 21, 30), resolved=10, rating=5)
    add_ticket(db, tech, school_b, datetime(2024, 12, 20, 9), resolved=20, rating=4)
    add_ticket(db, method, teacher_a, datetime(2024, 12, 21, 9), status=c.IN_PROGRESS)
    add_ticket(db, method, teacher_c, datetime(2025, 1, 5, 9), resolved=3, rating=2, status=c.CLOSED)
    add_ticket(db, tech, office, datetime(2025, 1, 6, 9), status=c.WAITING)  # the office's own ticket
    add_ticket(db, method, coordinator, datetime(2025, 1, 8, 9), resolved=50, rating=3)
    # 23:59 in Moscow on 10.01: the last minute inside.
    add_ticket(db, tech, teacher_c, datetime(2025, 1, 10, 20, 59), resolved=7)
    # Outside: 23:00 in Moscow on 15.12, 00:30 in Moscow on 11.01; a merged ticket inside.
    add_ticket(db, tech, teacher_a, datetime(2024, 12, 15, 20), resolved=100, rating=1)
    add_ticket(db, tech, teacher_c, datetime(2025, 1, 10, 21, 30), resolved=90, rating=1)
    target = db.session.query(Ticket).filter_by(organization_id=teacher_a.organization_id).first()
    add_ticket(db, tech, teacher_a, datetime(2024, 12, 22, 9), resolved=1, rating=1, merged_into=target)
    return {"first": first, "second": second, "empty": empty}


def test_counts_by_queue_and_municipality(region):
    breakdown = hotline_by_municipality(START, END)
    first, second = (breakdown.by_municipality[region[key].id] for key in ("first", "second"))
    assert first.by_queue == {c.TECHNICAL: 2, c.METHODOLOGICAL: 1}
    assert (first.total, first.open, first.resolved) == (3, 1, 2)
    assert first.open_by_queue == {c.TECHNICAL: 0, c.METHODOLOGICAL: 1}
    # The school's two tickets and the office's own.
    assert second.by_queue == {c.TECHNICAL: 2, c.METHODOLOGICAL: 1}
    assert (second.total, second.open, second.resolved) == (3, 1, 2)
    assert second.open_by_queue == {c.TECHNICAL: 1, c.METHODOLOGICAL: 0}


def test_every_municipality_present_in_name_order(region):
    breakdown = hotline_by_municipality(START, END)
    assert list(breakdown.by_municipality) == [region["first"].id, region["empty"].id, region["second"].id]
    empty = breakdown.by_municipality[region["empty"].id]
    assert (empty.total, empty.open, empty.resolved) == (0, 0, 0)
    assert (empty.median_resolution_hours, empty.rating_average) == (None, None)
    assert empty.by_queue == {c.TECHNICAL: 0, c.METHODOLOGICAL: 0}


def test_region_staff_go_to_other_and_everything_to_total(region):
    breakdown = hotline_by_municipality(START, END)
    assert breakdown.other.by_queue == {c.TECHNICAL: 0, c.METHODOLOGICAL: 1}
    assert (breakdown.other.median_resolution_hours, breakdown.other.rating_average) == (50, 3)
    assert breakdown.total.by_queue == {c.TECHNICAL: 4, c.METHODOLOGICAL: 3}
    assert (breakdown.total.total, breakdown.total.open, breakdown.total.resolved) == (7, 2, 5)


def test_medians_and_ratings_by_hand(region):
    breakdown = hotline_by_municipality(START, END)
    first, second = (breakdown.by_municipality[region[key].id] for key in ("first", "second"))
    assert first.median_resolution_hours == 15  # 10, 20
    assert (first.rating_count, first.rating_average) == (2, 4.5)
    assert second.median_resolution_hours == 5  # 3, 7
    assert (second.rating_count, second.rating_average) == (1, 2)
    # Over all tickets (3, 7, 10, 20, 50), not a median of medians; ratings 5, 4, 2, 3.
    assert breakdown.total.median_resolution_hours == 10
    assert (breakdown.total.rating_count, breakdown.total.rating_average) == (4, 3.5)


def test_rating_average_has_two_decimals(make, db, queues):
    school = make.school()
    teacher = make.user("teacher", organization=school)
    for rating in (5, 4, 4):
        add_ticket(db, queues[c.TECHNICAL], teacher, datetime(2024, 12, 20, 9), resolved=1, rating=rating)
    assert hotline_by_municipality(START, END).total.rating_average == 4.33


def test_one_municipality_only(region):
    breakdown = hotline_by_municipality(START, END, municipality_id=region["second"].id)
    assert list(breakdown.by_municipality) == [region["second"].id]
    assert breakdown.total.total == 3
    assert breakdown.total.median_resolution_hours == 5
    assert breakdown.other.total == 0


def test_period_bounds_in_moscow_time(region):
    # 16.12 alone: only the ticket of 00:30 Moscow time (21:30 UTC on the 15th).
    assert hotline_by_municipality(START, START).total.total == 1
    # 15.12 alone: the ticket of 23:00 Moscow time (20:00 UTC), outside the main period.
    assert hotline_by_municipality(date(2024, 12, 15), date(2024, 12, 15)).total.total == 1
    assert hotline_by_municipality(END, END).total.total == 1
    assert hotline_by_municipality(date(2025, 1, 11), date(2025, 1, 11)).total.total == 1


def test_two_statements_whatever_the_number_of_tickets(region, count_statements, make, db, queues):
    assert count_statements(lambda: hotline_by_municipality(START, END)) == 2
    teacher = make.user("teacher", organization=make.school(region["second"]))
    for day in range(1, 20):
        add_ticket(db, queues[c.TECHNICAL], teacher, datetime(2024, 12, day + 1, 9), resolved=day)
    assert count_statements(lambda: hotline_by_municipality(START, END)) == 2
