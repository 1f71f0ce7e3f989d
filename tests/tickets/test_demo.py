"""The hotline's demo step: support staff, queue leads and ~300 realistic tickets, quickly and once."""

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.auth.models import User
from app.mail.models import OutboundMessage
from app.timeutil import utcnow
from tickets import constants as c
from tickets import escalation, queries, statistics
from tickets.demo import EXTRA_AGENTS, TICKETS
from tickets.models import Ticket, TicketChange, TicketMessage, TicketQueue

PASSWORD = "demo-pass-123"


def run_demo(runner):
    result = runner.invoke(args=["demo", "--password", PASSWORD])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


@pytest.fixture
def demo(runner):
    """The demo region with its hotline, built once; the command's output."""
    return run_demo(runner)


def test_about_three_hundred_tickets_in_both_queues_and_all_statuses(demo, db):
    assert "создано обращений 300" in demo
    per_queue = dict(db.session.execute(
        select(TicketQueue.key, func.count(Ticket.id)).join(Ticket).group_by(TicketQueue.key)).all())
    assert sum(per_queue.values()) == TICKETS
    assert per_queue[c.TECHNICAL] > 50 and per_queue[c.METHODOLOGICAL] > 50
    statuses = Counter(db.session.scalars(select(Ticket.status)))
    assert set(statuses) == set(c.STATUSES), statuses
    assert statuses[c.CLOSED] > statuses[c.RESOLVED]
    assert set(db.session.scalars(select(Ticket.priority))) == set(c.PRIORITIES)
    assert db.session.scalar(select(func.count(func.distinct(Ticket.category_id)))) == 12


def test_numbers_are_consecutive_and_the_queue_counter_follows(demo, db):
    for queue in db.session.scalars(select(TicketQueue)):
        numbers = sorted(db.session.scalars(select(Ticket.number).where(Ticket.queue_id == queue.id)))
        assert numbers == list(range(1, len(numbers) + 1))
        assert queue.last_number == len(numbers)


def test_half_a_year_of_plausible_timelines(demo, db):
    now = utcnow()
    rows = db.session.execute(select(Ticket.created_at, Ticket.first_responded_at, Ticket.resolved_at,
                                     Ticket.closed_at, Ticket.updated_at, Ticket.status)).all()
    created = [row.created_at for row in rows]
    assert now - min(created) > timedelta(days=150) and now - max(created) < timedelta(days=7)
    for row in rows:
        assert row.created_at <= row.updated_at <= now
        if row.first_responded_at:
            assert row.created_at < row.first_responded_at <= now
        if row.resolved_at:
            assert row.first_responded_at < row.resolved_at
        if row.status == c.RESOLVED:  # older ones were closed, as the escalation would have done
            assert now - row.resolved_at <= timedelta(days=c.CLOSE_RESOLVED_AFTER_DAYS)
        assert (row.closed_at is not None) == (row.status == c.CLOSED)
    assert escalation.escalate().closed == []
    overdue = db.session.scalar(select(func.count(Ticket.id)).where(queries.overdue_criterion(now)))
    assert 3 <= overdue < 60


def test_conversations_ratings_and_history(demo, db):
    per_ticket = dict(db.session.execute(
        select(TicketMessage.ticket_id, func.count(TicketMessage.id)).group_by(TicketMessage.ticket_id)
    ).all())
    assert len(per_ticket) == TICKETS and set(per_ticket.values()) <= set(range(1, 7))
    assert len(set(per_ticket.values())) >= 5
    assert db.session.scalar(select(func.count(TicketMessage.id)).where(TicketMessage.is_internal)) > 0
    done = db.session.execute(select(Ticket.rating, Ticket.rating_comment)
                              .where(Ticket.resolved_at.is_not(None))).all()
    rated = [row for row in done if row.rating]
    assert len(rated) > len(done) / 2
    assert {row.rating for row in rated} == {1, 2, 3, 4, 5}
    assert 0 < sum(1 for row in rated if row.rating_comment) < len(rated)
    new_rows = db.session.scalar(select(func.count(TicketChange.id)).where(TicketChange.new_value == c.NEW))
    assert new_rows == TICKETS
    body = db.session.scalar(select(Ticket.body).order_by(Ticket.id).limit(1))
    assert "{" not in body and len(body) > 40


def test_agents_leads_and_requesters(demo, db):
    users = {user.email: user for user in db.session.scalars(select(User))}
    operator = users["operator@opora.test"]
    for email, role, _code, _position in EXTRA_AGENTS:
        assert users[email].role == role and users[email].password_hash == operator.password_hash
    leads = {q.key: q.lead.email for q in db.session.scalars(select(TicketQueue))}
    assert leads == {c.TECHNICAL: "operator@opora.test", c.METHODOLOGICAL: "methodologist@opora.test"}
    requesters = set(db.session.scalars(select(Ticket.requester_id)))
    assert users["school@opora.test"].id in requesters and users["teacher@opora.test"].id in requesters
    assert len(requesters) > 20
    assignee_ids = set(db.session.scalars(select(Ticket.assignee_id)))
    assignees = {user.email for user in users.values() if user.id in assignee_ids}
    assert {"operator2@opora.test", "methodologist3@opora.test"} <= assignees


def test_no_mail_is_sent_for_demo_tickets(demo, db):
    assert db.session.scalar(select(func.count(OutboundMessage.id))) == 0


def test_statistics_work_on_the_demo(demo, db):
    coordinator = db.session.scalar(select(User).where(User.email == "coordinator@opora.test"))
    report = statistics.ticket_statistics(coordinator)
    assert report.total > 100 and len(report.by_municipality) > 10
    assert report.first_response_hours > 0 and 0 < report.first_response_sla.percent < 100
    assert 3 < report.rating_average < 5


def test_second_run_adds_nothing(runner, db):
    run_demo(runner)
    tables = (Ticket, TicketMessage, TicketChange, User)
    before = {model: db.session.scalar(select(func.count()).select_from(model)) for model in tables}
    output = run_demo(runner)
    after = {model: db.session.scalar(select(func.count()).select_from(model)) for model in tables}
    assert after == before
    assert "обращений уже 300" in output
