"""Hotline services: numbering, SLA, status transitions, the conversation, versions and the rating."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.errors import Conflict, PermissionDenied, ValidationFailed
from tickets import constants as c
from tickets import feedback, services
from tickets.models import SlaPolicy, Ticket, TicketChange, TicketMessage

pytestmark = pytest.mark.usefixtures("queues")


@pytest.fixture
def school(make):
    return make.school(name="МБОУ «Бондарская СОШ № 1»")


@pytest.fixture
def teacher(make, school):
    return make.user("teacher", organization=school, last_name="Смирнова")


@pytest.fixture
def operator(make):
    return make.user("operator", last_name="Операторов")


def file_ticket(user, queue=c.TECHNICAL, subject="Не входит в журнал", body="Пишет «неверный пароль».", **kw):
    return services.open_ticket(user, queue, subject, body, **kw)


def changes(db, ticket, field):
    return db.session.execute(
        select(TicketChange.old_value, TicketChange.new_value, TicketChange.actor_id)
        .where(TicketChange.ticket_id == ticket.id, TicketChange.field == field)
        .order_by(TicketChange.id)
    ).all()


def test_numbers_run_separately_in_each_queue(teacher):
    first = file_ticket(teacher)
    second = file_ticket(teacher)
    method = file_ticket(teacher, queue=c.METHODOLOGICAL, subject="Как выставить четвертные?")
    assert [first.reference, second.reference, method.reference] == ["Т-000001", "Т-000002", "М-000001"]
    assert (first.status, first.organization_id, first.requester_id) == (c.NEW, teacher.organization_id,
                                                                         teacher.id)


def test_sla_deadlines_come_from_the_queue_policy(db, teacher, queues):
    policy = next(p for p in queues[c.TECHNICAL].sla_policies if p.priority == c.HIGH)
    policy.first_response_hours, policy.resolution_hours = 2, 10
    db.session.commit()
    ticket = file_ticket(teacher, priority=c.HIGH)
    assert ticket.first_response_due_at - ticket.created_at == timedelta(hours=2)
    assert ticket.resolution_due_at - ticket.created_at == timedelta(hours=10)
    method = file_ticket(teacher, queue=c.METHODOLOGICAL, priority=c.HIGH)
    first, resolution = c.DEFAULT_SLA_HOURS[c.HIGH]
    assert method.first_response_due_at - method.created_at == timedelta(hours=first)
    assert method.resolution_due_at - method.created_at == timedelta(hours=resolution)
    assert db.session.scalar(select(func.count()).select_from(SlaPolicy)) == 2 * len(c.PRIORITIES)


def test_filing_refuses_bad_input_and_stores_nothing(db, teacher, queues):
    with pytest.raises(ValidationFailed) as error:
        file_ticket(teacher, subject="  ", body="")
    assert set(error.value.field_errors) == {"subject", "body"}
    other_queue_category = queues[c.METHODOLOGICAL].categories[0]
    with pytest.raises(ValidationFailed) as error:
        file_ticket(teacher, category_id=other_queue_category.id)
    assert "category_id" in error.value.field_errors
    assert db.session.scalar(select(func.count()).select_from(Ticket)) == 0


def test_agent_moves_status_along_allowed_transitions_only(db, teacher, operator):
    ticket = file_ticket(teacher)
    services.change_status(operator, ticket, c.IN_PROGRESS, expected_version=ticket.version)
    services.change_status(operator, ticket, c.RESOLVED, note="Сбросили пароль")
    assert ticket.status == c.RESOLVED and ticket.resolved_at is not None
    with pytest.raises(ValidationFailed):
        services.change_status(operator, ticket, c.WAITING)
    assert changes(db, ticket, "status") == [
        ("", c.NEW, teacher.id),
        (c.NEW, c.IN_PROGRESS, operator.id),
        (c.IN_PROGRESS, c.RESOLVED, operator.id),
    ]


def test_only_agents_of_the_queue_change_status(make, teacher):
    ticket = file_ticket(teacher)
    with pytest.raises(PermissionDenied):
        services.change_status(teacher, ticket, c.CLOSED)
    with pytest.raises(PermissionDenied):
        services.change_status(make.user("methodologist"), ticket, c.IN_PROGRESS)
    assert ticket.status == c.NEW


@pytest.mark.parametrize("waiting_status", [c.WAITING, c.RESOLVED])
def test_requester_reply_reopens_the_ticket(db, teacher, operator, waiting_status):
    ticket = file_ticket(teacher)
    services.change_status(operator, ticket, waiting_status)
    services.add_message(teacher, ticket, "Всё ещё не работает.")
    assert ticket.status == c.IN_PROGRESS and ticket.resolved_at is None
    assert changes(db, ticket, "status")[-1] == (waiting_status, c.IN_PROGRESS, teacher.id)


def test_first_agent_reply_is_recorded_and_takes_the_ticket_in_progress(teacher, operator):
    ticket = file_ticket(teacher)
    services.add_message(operator, ticket, "Проверьте раскладку клавиатуры.")
    assert ticket.first_responded_at is not None and ticket.status == c.IN_PROGRESS


@pytest.fixture
def app_settings(mail_settings):
    """Send mail to the test SMTP server."""
    return mail_settings


def test_internal_note_is_hidden_from_and_not_mailed_to_the_requester(db, teacher, operator, mailbox):
    ticket = file_ticket(teacher)
    services.add_message(operator, ticket, "Пароль сбросили, сообщите школе.")
    services.add_message(operator, ticket, "СЕКРЕТНАЯ ЗАМЕТКА: школа не оплатила", is_internal=True)
    mailed = "\n".join(mailbox.bodies_to(teacher.email))
    assert "Пароль сбросили" in mailed and "СЕКРЕТНАЯ" not in mailed
    visible = [m.body for m in services.visible_messages(teacher, ticket)]
    assert visible == ["Пароль сбросили, сообщите школе."]
    assert len(services.visible_messages(operator, ticket)) == 2


def test_requester_cannot_write_internal_notes(db, teacher):
    ticket = file_ticket(teacher)
    with pytest.raises(PermissionDenied):
        services.add_message(teacher, ticket, "Заметка", is_internal=True)
    assert db.session.scalar(select(func.count()).select_from(TicketMessage)) == 0


def test_outdated_version_is_a_conflict_and_changes_nothing(db, teacher, operator):
    ticket = file_ticket(teacher)
    seen = ticket.version
    services.add_message(operator, ticket, "Первый ответ", expected_version=seen)
    assert ticket.version > seen
    with pytest.raises(Conflict):
        services.add_message(operator, ticket, "Второй ответ по старой странице", expected_version=seen)
    with pytest.raises(Conflict):
        services.change_status(operator, ticket, c.CLOSED, expected_version=seen)
    db.session.rollback()
    assert [m.body for m in ticket.messages] == ["Первый ответ"] and ticket.status == c.IN_PROGRESS


# --- rating -------------------------------------------------------------------------------


def test_requester_rates_a_resolved_ticket_and_may_change_it_until_closed(db, teacher, operator):
    ticket = file_ticket(teacher)
    services.change_status(operator, ticket, c.RESOLVED)
    feedback.rate_ticket(teacher, ticket, 4, "  Помогли быстро ")
    feedback.rate_ticket(teacher, ticket, "5", "Помогли быстро")
    assert (ticket.rating, ticket.rating_comment) == (5, "Помогли быстро") and ticket.rated_at is not None
    assert [(old, new) for old, new, _actor in changes(db, ticket, "rating")] == [("", "4"), ("4", "5")]
    services.change_status(operator, ticket, c.CLOSED)
    with pytest.raises(ValidationFailed):
        feedback.rate_ticket(teacher, ticket, 1)
    assert ticket.rating == 5


def test_rating_is_refused_before_resolution_to_others_and_out_of_range(teacher, operator, make):
    ticket = file_ticket(teacher)
    with pytest.raises(PermissionDenied):
        feedback.rate_ticket(teacher, ticket, 5)
    services.change_status(operator, ticket, c.RESOLVED)
    colleague = make.user("teacher", organization=teacher.organization)
    with pytest.raises(PermissionDenied):
        feedback.rate_ticket(colleague, ticket, 5)
    for bad in (0, 6, "пять", None):
        with pytest.raises(ValidationFailed) as error:
            feedback.rate_ticket(teacher, ticket, bad)
        assert "rating" in error.value.field_errors
    assert ticket.rating is None
