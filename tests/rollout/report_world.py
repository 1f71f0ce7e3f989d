"""A small region for the quarterly report tests: schools, staff, a course, a seminar and tickets in IV 2010.

Rows are added directly with the times the tests need (a fixed clock does not move `utcnow()` defaults).
The figures each test expects are counted by hand from what is built here, not through report_figures.
"""

import itertools
from dataclasses import dataclass, field
from datetime import date, datetime

from app.extensions import db
from tickets import constants as tc
from tickets.models import Ticket
from training import constants as trc
from training.models import Enrollment, Registration

# Inside the first quarter of the rollout (IV 2010); the clock is set to a day of I 2011.
TODAY = date(2011, 1, 20)
_numbers = itertools.count(1)


@dataclass
class World:
    """What was built: the municipality reported on, its schools and people, and another municipality."""

    municipality: object
    schools: list
    teachers: list
    other: object
    municipal: object = None
    coordinator: object = None
    extra: dict = field(default_factory=dict)


def enroll(user, course, completed_at=None):
    """An enrollment, finished at `completed_at` when given."""
    enrollment = Enrollment(course_id=course.id, user_id=user.id, organization_id=user.organization_id,
                            status=trc.COMPLETED if completed_at else trc.IN_PROGRESS,
                            completed_at=completed_at)
    db.session.add(enrollment)
    db.session.commit()
    return enrollment


def register(seminar, user, attendance):
    """A seminar place taken by the user and how they attended."""
    registration = Registration(seminar_id=seminar.id, user_id=user.id, organization_id=user.organization_id,
                                status=trc.REGISTERED, attendance=attendance)
    db.session.add(registration)
    db.session.commit()
    return registration


def ticket(queues, user, queue=tc.TECHNICAL, created_at=datetime(2010, 12, 10, 9), resolved_hours=None,
           rating=None):
    """A ticket filed by the user at `created_at` (UTC), resolved after some hours when given."""
    resolved_at = None
    if resolved_hours is not None:
        resolved_at = created_at.replace(hour=created_at.hour + resolved_hours)
    row = Ticket(queue_id=queues[queue].id, number=next(_numbers), subject="Не открывается журнал",
                 body="Текст обращения", requester_id=user.id, organization_id=user.organization_id,
                 status=tc.RESOLVED if resolved_at else tc.NEW, created_at=created_at,
                 resolved_at=resolved_at, rating=rating)
    db.session.add(row)
    db.session.commit()
    return row


def build(make, rollout, training, queues):
    """Two schools in «Город» (one activated in the quarter, one after it) and a school elsewhere."""
    municipality = make.municipality(name="Город", code="MUN-GOROD")
    first = make.school(municipality, name="Школа № 1", code="SCH-1")
    second = make.school(municipality, name="Школа № 2", code="SCH-2")
    other = make.municipality(name="Район", code="MUN-RAYON")
    elsewhere = make.school(other, name="Школа района", code="SCH-3")
    make.appointment(first, order_date=date(2010, 11, 10), starts_on=date(2010, 11, 11))
    make.appointment(municipality, order_date=date(2010, 11, 9), starts_on=date(2010, 11, 9))
    rollout.status(first, activated_on=date(2010, 11, 14), daily_entry_on=date(2010, 11, 25))
    rollout.info_space(first, date(2010, 11, 19))
    rollout.status(second, activated_on=date(2011, 1, 10))  # after the quarter: not in its figures
    teachers = [make.user("teacher", organization=first), make.user("teacher", organization=first),
                make.user("school", organization=second)]
    outsider = make.user("teacher", organization=elsewhere)
    course = training.course()
    enroll(teachers[0], course, completed_at=datetime(2010, 12, 1, 10))
    enroll(teachers[1], course)
    enroll(outsider, course, completed_at=datetime(2010, 12, 2, 10))
    seminar = training.seminar(capacity=10, starts_at=datetime(2010, 12, 5, 7))
    register(seminar, teachers[0], trc.ATTENDED)
    register(seminar, teachers[1], trc.NO_SHOW)
    register(seminar, outsider, trc.ATTENDED)
    ticket(queues, teachers[0], resolved_hours=5, rating=4)
    ticket(queues, teachers[2], queue=tc.METHODOLOGICAL, created_at=datetime(2010, 11, 20, 8))
    ticket(queues, outsider)
    world = World(municipality, [first, second], teachers, other)
    world.municipal = make.user("municipal", organization=municipality)
    world.coordinator = make.user("coordinator")
    return world
