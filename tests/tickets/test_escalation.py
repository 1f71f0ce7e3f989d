"""Escalation: resolved tickets close after seven days; overdue tickets are reported once."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from app.mail.models import SENT, OutboundMessage
from app.timeutil import utcnow
from tickets import constants as c
from tickets import escalation
from tickets.models import Ticket, TicketChange

pytestmark = pytest.mark.usefixtures("queues")

NOW = datetime(2025, 3, 10, 9, 0)


@pytest.fixture
def app_settings(mail_settings):
    """Send mail to the test SMTP server."""
    return mail_settings


@pytest.fixture
def teacher(make):
    return make.user("teacher")


def add_ticket(db, queue, requester, created, status=c.NEW, responded=None, resolved=None,
               first=8, resolution=40, subject="Не сохраняются отметки"):
    """A ticket with exact timestamps; deadlines `first`/`resolution` hours after `created`."""
    queue.last_number += 1
    ticket = Ticket(queue=queue, number=queue.last_number, subject=subject, body="Подробности",
                    requester=requester, organization_id=requester.organization_id, status=status,
                    created_at=created, updated_at=created, first_responded_at=responded,
                    resolved_at=resolved,
                    first_response_due_at=created + timedelta(hours=first),
                    resolution_due_at=created + timedelta(hours=resolution))
    db.session.add(ticket)
    db.session.commit()
    return ticket


def status_changes(db, ticket):
    return db.session.execute(
        select(TicketChange.old_value, TicketChange.new_value, TicketChange.actor_id, TicketChange.note,
               TicketChange.created_at)
        .where(TicketChange.ticket_id == ticket.id, TicketChange.field == "status")
    ).all()


def resolved_ticket(db, queues, teacher, resolved_at):
    created = resolved_at - timedelta(hours=5)
    return add_ticket(db, queues[c.TECHNICAL], teacher, created, status=c.RESOLVED,
                      responded=created + timedelta(hours=1), resolved=resolved_at)


def test_resolved_tickets_close_after_seven_days_not_before(db, queues, teacher, mailbox):
    old = resolved_ticket(db, queues, teacher, NOW - timedelta(days=7, minutes=1))
    exactly = resolved_ticket(db, queues, teacher, NOW - timedelta(days=7))
    recent = resolved_ticket(db, queues, teacher, NOW - timedelta(days=6, hours=23))
    version = old.version

    result = escalation.escalate(now=NOW)

    db.session.expire_all()
    assert result.closed == [old.reference]
    assert (old.status, old.closed_at, old.updated_at) == (c.CLOSED, NOW, NOW)
    assert old.version == version + 1
    [(before, after, actor, note, at)] = status_changes(db, old)
    assert (before, after, actor, at) == (c.RESOLVED, c.CLOSED, None, NOW)
    assert note  # «closed automatically»
    assert exactly.status == recent.status == c.RESOLVED
    assert status_changes(db, recent) == []
    assert mailbox.messages == []  # closing does not mail anyone


def test_a_later_run_closes_what_has_aged(db, queues, teacher):
    ticket = resolved_ticket(db, queues, teacher, NOW - timedelta(days=6))
    assert escalation.escalate(now=NOW).closed == []
    assert escalation.escalate(now=NOW + timedelta(days=2)).closed == [ticket.reference]


@pytest.fixture
def lead(make, db, queues):
    lead = make.user("operator", email="lead@kc.opora.test")
    queues[c.TECHNICAL].lead = lead
    db.session.commit()
    return lead


def test_overdue_ticket_is_reported_to_the_lead_once(db, queues, teacher, lead, make, mailbox):
    make.user("operator", email="agent@kc.opora.test")  # an agent, not told while there is a lead
    late = add_ticket(db, queues[c.TECHNICAL], teacher, NOW - timedelta(hours=9),
                      subject="Журнал не открывается")
    add_ticket(db, queues[c.TECHNICAL], teacher, NOW - timedelta(hours=7))  # first response due in an hour

    result = escalation.escalate(now=NOW)

    assert result.alerted == [late.reference] and result.messages == 1
    assert [m["To"] for m in mailbox.messages] == ["lead@kc.opora.test"]
    assert late.reference in mailbox.messages[0]["Subject"]
    assert "Журнал не открывается" in mailbox.messages[0]["Subject"]
    db.session.expire_all()
    assert late.overdue_notified_at == NOW
    sent = db.session.scalars(select(OutboundMessage)).all()
    assert [m.status for m in sent] == [SENT]

    again = escalation.escalate(now=NOW + timedelta(hours=1))
    assert again.alerted == [] and again.messages == 0
    assert len(mailbox.messages) == 1


def test_resolution_deadline_counts_too(db, queues, teacher, lead, mailbox):
    answered = add_ticket(db, queues[c.TECHNICAL], teacher, NOW - timedelta(hours=41), status=c.IN_PROGRESS,
                          responded=NOW - timedelta(hours=40))
    waiting = add_ticket(db, queues[c.TECHNICAL], teacher, NOW - timedelta(hours=39), status=c.WAITING,
                         responded=NOW - timedelta(hours=38))
    assert escalation.escalate(now=NOW).alerted == [answered.reference]
    assert waiting.overdue_notified_at is None
    assert len(mailbox.messages) == 1


def test_closed_and_resolved_tickets_are_not_reported(db, queues, teacher, lead, mailbox):
    add_ticket(db, queues[c.TECHNICAL], teacher, NOW - timedelta(days=3), status=c.CLOSED)
    resolved_ticket(db, queues, teacher, NOW - timedelta(days=1))
    assert escalation.escalate(now=NOW).alerted == []
    assert mailbox.messages == []


def test_without_a_lead_the_queue_agents_are_told(db, queues, teacher, make, mailbox):
    make.user("methodologist", email="m1@ipkro.opora.test")
    make.user("methodologist", email="m2@ipkro.opora.test")
    make.user("operator", email="op@kc.opora.test")  # another queue
    late = add_ticket(db, queues[c.METHODOLOGICAL], teacher, NOW - timedelta(days=1))
    result = escalation.escalate(now=NOW)
    assert result.alerted == [late.reference] and result.messages == 2
    assert sorted(m["To"] for m in mailbox.messages) == ["m1@ipkro.opora.test", "m2@ipkro.opora.test"]


def test_nobody_to_tell_leaves_the_ticket_for_the_next_run(db, queues, teacher, make, mailbox):
    late = add_ticket(db, queues[c.METHODOLOGICAL], teacher, NOW - timedelta(days=1))
    result = escalation.escalate(now=NOW)
    assert result.alerted == [] and result.unreported == [late.reference]
    assert late.overdue_notified_at is None
    make.user("methodologist", email="m1@ipkro.opora.test")
    assert escalation.escalate(now=NOW).alerted == [late.reference]
    assert [m["To"] for m in mailbox.messages] == ["m1@ipkro.opora.test"]


def test_cli_prints_a_russian_summary(runner, db, queues, teacher, lead, mailbox):
    now = utcnow()
    closing = resolved_ticket(db, queues, teacher, now - timedelta(days=8))
    late = add_ticket(db, queues[c.TECHNICAL], teacher, now - timedelta(days=2))
    result = runner.invoke(args=["tickets", "escalate"])
    assert result.exit_code == 0, result.output
    assert "Закрыто автоматически (решены более 7 дн. назад): 1" in result.output
    assert "сообщено: 1; писем: 1" in result.output
    assert closing.reference in result.output and late.reference in result.output
    assert [m["To"] for m in mailbox.messages] == ["lead@kc.opora.test"]
    second = runner.invoke(args=["tickets", "escalate"])
    assert "Закрыто автоматически (решены более 7 дн. назад): 0" in second.output
    assert len(mailbox.messages) == 1
