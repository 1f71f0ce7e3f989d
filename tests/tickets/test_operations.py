"""Agent operations at the service level: assignment, priority, category, watchers, transfer,
merge, links, canned replies, queue settings, round-robin and concurrent edits."""

from datetime import timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm.exc import StaleDataError

from app.audit.models import AuditEvent
from app.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from app.mail.models import OutboundMessage
from tickets import constants as c
from tickets import operations, queue_tools, services
from tickets.models import CannedReply, Category, Ticket, TicketChange, TicketLink, TicketMessage

pytestmark = pytest.mark.usefixtures("queues")


@pytest.fixture
def school(make):
    return make.school(name="МБОУ СОШ № 7")


@pytest.fixture
def teacher(make, school):
    return make.user("teacher", organization=school)


@pytest.fixture
def operator(make):
    return make.user("operator")


@pytest.fixture
def ticket(queues, teacher):
    return services.open_ticket(teacher, c.TECHNICAL, "Не открывается журнал", "Ошибка 500 при входе")


def file(user, queue=c.TECHNICAL, subject="Вопрос", **kwargs):
    """A new ticket from the user."""
    return services.open_ticket(user, queue, subject, "Подробности", **kwargs)


def history(db, ticket, field):
    """(old, new) of the ticket's changes of one field, in order."""
    query = select(TicketChange).where(TicketChange.ticket_id == ticket.id, TicketChange.field == field)
    rows = db.session.scalars(query.order_by(TicketChange.id))
    return [(row.old_value, row.new_value) for row in rows]


def outbox_to(db, email):
    """Subjects of the queued messages to an address."""
    return db.session.scalars(select(OutboundMessage.subject).where(OutboundMessage.recipient == email)).all()


# --- assignment ---------------------------------------------------------------------------


def test_take_assign_and_unassign_record_emails_and_bump_the_version(db, make, ticket, operator):
    other = make.user("operator")
    version = ticket.version
    operations.take(operator, ticket.id, version)
    assert ticket.assignee_id == operator.id and ticket.version > version
    operations.assign(operator, ticket.id, other.id, ticket.version)
    operations.assign(other, ticket.id, None, ticket.version)
    assert ticket.assignee is None
    assert history(db, ticket, "assignee") == [("", operator.email), (operator.email, other.email),
                                               (other.email, "")]
    assert outbox_to(db, other.email) == [f"[{ticket.reference}] Не открывается журнал"]
    assert outbox_to(db, operator.email) == []  # nobody is mailed about their own action


def test_assign_refuses_a_user_who_does_not_work_the_queue(db, make, ticket, operator):
    methodologist = make.user("methodologist")
    disabled = make.user("operator")
    disabled.is_enabled = False
    db.session.commit()
    for user in (methodologist, disabled):
        with pytest.raises(ValidationFailed) as refused:
            operations.assign(operator, ticket.id, user.id, ticket.version)
        assert "assignee_id" in refused.value.field_errors
    with pytest.raises(ValidationFailed):
        operations.assign(operator, ticket.id, 999999, ticket.version)
    assert ticket.assignee_id is None and history(db, ticket, "assignee") == []


def test_only_agents_of_the_queue_work_a_ticket(make, school, ticket):
    colleague = make.user("teacher", organization=school)  # may view the ticket of their school
    stranger = make.user("teacher")
    methodologist = make.user("methodologist")
    with pytest.raises(PermissionDenied):
        operations.take(colleague, ticket.id, ticket.version)
    for outsider in (stranger, methodologist):  # may not even see it: 404
        with pytest.raises(NotFound):
            operations.change_priority(outsider, ticket.id, c.HIGH, ticket.version)
    admin = make.user("admin")
    operations.take(admin, ticket.id, ticket.version)
    assert ticket.assignee_id == admin.id


# --- priority and category ----------------------------------------------------------------


def test_priority_change_recomputes_deadlines_from_the_queue_policy(db, ticket, operator, queues):
    policy = next(p for p in queues[c.TECHNICAL].sla_policies if p.priority == c.URGENT)
    policy.first_response_hours, policy.resolution_hours = 2, 6
    db.session.commit()
    operations.change_priority(operator, ticket.id, c.URGENT, ticket.version)
    assert ticket.priority == c.URGENT
    assert ticket.first_response_due_at == ticket.created_at + timedelta(hours=2)
    assert ticket.resolution_due_at == ticket.created_at + timedelta(hours=6)
    assert history(db, ticket, "priority") == [(c.NORMAL, c.URGENT)]
    assert len(history(db, ticket, "resolution_due_at")) == 1
    with pytest.raises(ValidationFailed) as refused:
        operations.change_priority(operator, ticket.id, "critical", ticket.version)
    assert "priority" in refused.value.field_errors and ticket.priority == c.URGENT


def test_category_must_belong_to_the_ticket_queue(db, ticket, operator, queues):
    technical = db.session.scalar(select(Category).where(Category.slug == "sign-in"))
    methodological = db.session.scalar(select(Category).where(Category.slug == "marks-rules"))
    with pytest.raises(ValidationFailed):
        operations.change_category(operator, ticket.id, methodological.id, ticket.version)
    operations.change_category(operator, ticket.id, technical.id, ticket.version)
    operations.change_category(operator, ticket.id, None, ticket.version)
    assert ticket.category is None
    assert history(db, ticket, "category") == [("", technical.name), (technical.name, "")]


# --- watchers -----------------------------------------------------------------------------


def test_watchers_are_users_who_may_see_the_ticket(db, make, school, ticket, operator):
    colleague = make.user("school", organization=school, email="Zavuch@School.test")
    outsider = make.user("teacher")
    operations.add_watcher(operator, ticket.id, "  zavuch@school.test ", ticket.version)
    assert [u.id for u in ticket.watchers] == [colleague.id]
    follows = "уже в числе наблюдателей"
    refusals = {outsider.email: "нет доступа", "nobody@school.test": "Нет активного пользователя",
                colleague.email: follows, ticket.requester.email: follows, "": "Укажите адрес"}
    for email, reason in refusals.items():
        with pytest.raises(ValidationFailed) as refused:
            operations.add_watcher(operator, ticket.id, email, ticket.version)
        assert reason in refused.value.message
    operations.remove_watcher(operator, ticket.id, colleague.id, ticket.version)
    assert ticket.watchers == []
    assert history(db, ticket, "watchers") == [("", colleague.email), (colleague.email, "")]
    with pytest.raises(ValidationFailed):
        operations.remove_watcher(operator, ticket.id, colleague.id, ticket.version)


# --- transfer -----------------------------------------------------------------------------


def test_transfer_gives_a_new_number_in_the_other_queue_with_a_note(db, make, teacher, queues, operator):
    methodologists = [make.user("methodologist"), make.user("methodologist")]
    tickets = [file(teacher, subject=f"Вопрос {n}") for n in range(5)]
    file(teacher, c.METHODOLOGICAL)
    wrong = tickets[-1]
    category = db.session.scalar(select(Category).where(Category.slug == "marks"))
    operations.change_category(operator, wrong.id, category.id, wrong.version)
    operations.take(operator, wrong.id, wrong.version)
    assert wrong.reference == "Т-000005"

    operations.transfer(operator, wrong.id, c.METHODOLOGICAL, "Вопрос о правилах выставления оценок",
                        wrong.version)

    assert wrong.reference == "М-000002" and wrong.queue.key == c.METHODOLOGICAL
    assert wrong.category is None and wrong.assignee_id is None
    assert history(db, wrong, "queue") == [("Т-000005", "М-000002")]
    assert history(db, wrong, "category") == [("", category.name), (category.name, "")]
    assert history(db, wrong, "assignee")[-1] == (operator.email, "")
    note = db.session.scalar(select(TicketMessage).where(TicketMessage.ticket_id == wrong.id))
    assert note.is_internal and "Т-000005" in note.body
    assert "Вопрос о правилах выставления оценок" in note.body
    for methodologist in methodologists:
        assert "[М-000002] Вопрос 4" in outbox_to(db, methodologist.email)
    assert queues[c.TECHNICAL].last_number == 5
    assert file(teacher).reference == "Т-000006"
    with pytest.raises(NotFound):  # the operator no longer sees a methodological ticket
        services.get_ticket(operator, wrong.id)


def test_transfer_needs_a_reason_and_an_agent_of_the_source_queue(db, make, teacher, queues, operator):
    ticket = file(teacher, c.METHODOLOGICAL)
    with pytest.raises(NotFound):
        operations.transfer(operator, ticket.id, c.TECHNICAL, "не наш вопрос", ticket.version)
    methodologist = make.user("methodologist")
    for queue_key, reason, field in ((c.TECHNICAL, "  ", "reason"), (c.METHODOLOGICAL, "x", "queue_key"),
                                     ("other", "x", "queue_key")):
        with pytest.raises(ValidationFailed) as refused:
            operations.transfer(methodologist, ticket.id, queue_key, reason, ticket.version)
        assert field in refused.value.field_errors
    assert ticket.reference == "М-000001" and history(db, ticket, "queue") == []


def test_transfer_into_a_round_robin_queue_assigns_the_next_agent(db, make, teacher, queues):
    admin, methodologist = make.user("admin"), make.user("methodologist")
    queue_tools.update_queue_settings(admin, c.TECHNICAL, dict(c.DEFAULT_SLA_HOURS), True, "", None)
    operator = make.user("operator")
    ticket = file(teacher, c.METHODOLOGICAL)
    operations.transfer(methodologist, ticket.id, c.TECHNICAL, "Это вопрос о входе", ticket.version)
    assert ticket.assignee_id == operator.id
    assert outbox_to(db, operator.email) == [f"[{ticket.reference}] Вопрос"]


# --- merge --------------------------------------------------------------------------------


def test_merge_closes_the_duplicate_and_moves_its_people_to_the_target(db, make, school, teacher, operator):
    colleague, watcher = make.user("teacher", organization=school), make.user("school", organization=school)
    target = file(teacher, subject="Журнал не открывается")
    duplicate = file(colleague, subject="Журнал не работает")
    operations.add_watcher(operator, duplicate.id, watcher.email, duplicate.version)

    result = operations.merge(operator, duplicate.id, f"т-{target.number}", duplicate.version)

    assert result is target and duplicate.merged_into is target and duplicate.status == c.CLOSED
    assert duplicate.closed_at is not None
    message = db.session.scalar(select(TicketMessage).where(TicketMessage.ticket_id == duplicate.id))
    assert not message.is_internal and target.reference in message.body
    assert {u.id for u in target.watchers} == {colleague.id, watcher.id}
    assert history(db, duplicate, "merged_into") == [("", target.reference)]
    assert history(db, duplicate, "status")[-1] == (c.NEW, c.CLOSED)
    assert history(db, target, "merged") == [("", duplicate.reference)]
    added = sorted(new for _old, new in history(db, target, "watchers"))
    assert added == sorted([colleague.email, watcher.email])
    assert outbox_to(db, colleague.email)  # the requester of the duplicate is told where it went


def test_merge_refusals(db, make, teacher, operator):
    first, second, third = file(teacher), file(teacher), file(teacher)
    hidden = file(teacher, c.METHODOLOGICAL)
    absent = "нет или оно вам недоступно"
    cases = [(first, first.reference, "с самим собой"), (first, hidden.reference, absent),
             (first, "Т-999999", absent), (first, "чепуха", absent)]
    for duplicate, reference, reason in cases:
        with pytest.raises(ValidationFailed) as refused:
            operations.merge(operator, duplicate.id, reference, duplicate.version)
        assert reason in refused.value.message
    operations.merge(operator, second.id, str(third.number), second.version)
    with pytest.raises(ValidationFailed) as refused:  # the target was itself merged
        operations.merge(operator, first.id, second.reference, first.version)
    assert third.reference in refused.value.message
    with pytest.raises(ValidationFailed):  # already merged
        operations.merge(operator, second.id, first.reference, second.version)
    assert first.merged_into is None and first.status == c.NEW


# --- links --------------------------------------------------------------------------------


def test_links_are_stored_once_and_found_from_both_sides(db, teacher, operator):
    low, high = file(teacher), file(teacher)
    operations.link(operator, high.id, "T-" + str(low.number), high.version)  # Latin T is accepted
    row = db.session.scalar(select(TicketLink))
    assert (row.ticket_id, row.related_id) == (low.id, high.id)
    assert operations.related_tickets(low) == [high] and operations.related_tickets(high) == [low]
    for reference in (low.reference, high.reference):
        with pytest.raises(ValidationFailed):
            operations.link(operator, high.id, reference, high.version)
    assert history(db, high, "link") == [("", low.reference)]
    assert history(db, low, "link") == [("", high.reference)]
    operations.unlink(operator, low.id, high.id, low.version)
    assert operations.related_tickets(high) == [] and db.session.scalar(select(TicketLink)) is None
    assert history(db, high, "link")[-1] == (low.reference, "")
    with pytest.raises(ValidationFailed):
        operations.unlink(operator, low.id, high.id, low.version)


def test_related_tickets_hide_what_the_viewer_may_not_see(make, teacher, operator):
    methodologist = make.user("methodologist")
    technical, methodological = file(teacher), file(teacher, c.METHODOLOGICAL)
    admin = make.user("admin")
    operations.link(admin, technical.id, methodological.reference, technical.version)
    assert operations.related_tickets(technical, operator) == []
    assert operations.related_tickets(methodological, methodologist) == []
    assert operations.related_tickets(technical, teacher) == [methodological]


# --- concurrency --------------------------------------------------------------------------


def test_a_change_based_on_an_old_version_is_refused(db, make, ticket):
    agent_a, agent_b = make.user("operator"), make.user("operator")
    seen_by_both = ticket.version
    operations.take(agent_a, ticket.id, seen_by_both)
    with pytest.raises(Conflict) as refused:
        operations.change_priority(agent_b, ticket.id, c.URGENT, seen_by_both)
    assert "его изменил кто-то другой" in refused.value.message
    db.session.expire_all()
    fresh = db.session.get(Ticket, ticket.id)
    assert fresh.priority == c.NORMAL and fresh.assignee_id == agent_a.id
    assert history(db, fresh, "priority") == []


def test_a_row_changed_behind_the_session_is_a_conflict_not_a_crash(db, ticket, operator):
    seen = ticket.version  # loaded in this session; another worker now changes the row
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE tickets SET version = version + 1, priority = 'high' WHERE id = :id"),
                           {"id": ticket.id})
    with pytest.raises(Conflict) as refused:
        operations.change_priority(operator, ticket.id, c.LOW, seen)
    assert isinstance(refused.value.__cause__, StaleDataError)  # caught at the flush, not the check
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).priority == c.HIGH


# --- round-robin and queue settings -------------------------------------------------------


def test_round_robin_alternates_between_the_queue_agents(db, make, teacher, queues):
    admin = make.user("admin")
    first, second = make.user("operator"), make.user("operator")
    make.user("methodologist")
    queue_tools.update_queue_settings(admin, c.TECHNICAL, dict(c.DEFAULT_SLA_HOURS), True, "", None)
    assignees = [file(teacher).assignee_id for _ in range(3)]
    assert assignees == [first.id, second.id, first.id]
    assert file(teacher, c.METHODOLOGICAL).assignee is None  # the other queue is not round-robin


def test_queue_settings_are_changed_by_the_admin_and_audited(db, make, queues):
    admin, lead = make.user("admin"), make.user("methodologist")
    sla = dict(c.DEFAULT_SLA_HOURS, urgent=(2, 8))
    changes = queue_tools.update_queue_settings(admin, c.METHODOLOGICAL, sla, True, "metod@ipk.ru", lead.id)
    queue = queues[c.METHODOLOGICAL]
    assert queue.is_auto_assign and queue.inbound_address == "metod@ipk.ru" and queue.lead_id == lead.id
    hours = {p.priority: (p.first_response_hours, p.resolution_hours) for p in queue.sla_policies}
    assert hours[c.URGENT] == (2, 8)
    assert set(changes) == {"sla_urgent", "is_auto_assign", "inbound_address", "lead"}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "tickets.queue_settings_updated"))
    assert event.actor_id == admin.id and event.target_id == queue.id
    assert event.details["changes"]["lead"] == ["", lead.email]
    again = queue_tools.update_queue_settings(admin, c.METHODOLOGICAL, sla, True, "metod@ipk.ru", lead.id)
    assert again == {}


def test_queue_settings_validation(db, make, queues):
    admin, operator = make.user("admin"), make.user("operator")
    default, queue = dict(c.DEFAULT_SLA_HOURS), queues[c.METHODOLOGICAL]
    address_before = queue.inbound_address
    queue_tools.update_queue_settings(admin, c.TECHNICAL, default, False, "help@rcoi.ru", None)
    bad = dict(c.DEFAULT_SLA_HOURS, low=(0, 10), normal=("восемь", 40), high=(20, 10), urgent=(1, 10 ** 6))
    with pytest.raises(ValidationFailed) as refused:
        queue_tools.update_queue_settings(admin, c.METHODOLOGICAL, bad, False, "HELP@rcoi.ru", operator.id)
    assert set(refused.value.field_errors) == {"first_low", "first_normal", "resolution_high",
                                               "resolution_urgent", "inbound_address", "lead_id"}
    with pytest.raises(ValidationFailed) as refused:
        queue_tools.update_queue_settings(admin, c.METHODOLOGICAL, default, False, "не адрес", None)
    assert "inbound_address" in refused.value.field_errors
    assert queue.inbound_address == address_before and queue.lead is None
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.target_id == queue.id)) is None


def test_queue_settings_are_seen_by_agents_and_changed_only_by_the_admin(make, queues):
    operator = make.user("operator")
    settings = queue_tools.queue_settings(operator, c.TECHNICAL)
    assert not settings.can_edit and settings.sla[c.URGENT] == c.DEFAULT_SLA_HOURS[c.URGENT]
    assert [a.id for a in settings.agents] == [operator.id]
    with pytest.raises(PermissionDenied):
        queue_tools.update_queue_settings(operator, c.TECHNICAL, dict(c.DEFAULT_SLA_HOURS), True, "", None)
    for outsider in (make.user("methodologist"), make.user("teacher"), make.user("coordinator")):
        with pytest.raises(PermissionDenied):
            queue_tools.queue_settings(outsider, c.TECHNICAL)
    with pytest.raises(NotFound):
        queue_tools.queue_settings(make.user("admin"), "nonexistent")


# --- canned replies -----------------------------------------------------------------------


def test_canned_replies_belong_to_a_queue_and_its_agents(db, make, queues):
    operator, methodologist = make.user("operator"), make.user("methodologist")
    reply = queue_tools.create_canned_reply(operator, c.TECHNICAL, " Сброс пароля ", "Нажмите «Забыли?»")
    assert reply.title == "Сброс пароля" and reply.queue_id == queues[c.TECHNICAL].id
    queue_tools.update_canned_reply(operator, reply.id, "Сброс пароля", "Новый текст")
    _queue, page = queue_tools.canned_replies_page(operator, c.TECHNICAL, 1)
    assert [r.body for r in page.items] == ["Новый текст"]
    with pytest.raises(PermissionDenied):
        queue_tools.create_canned_reply(methodologist, c.TECHNICAL, "Чужой", "Текст")
    with pytest.raises(NotFound):
        queue_tools.update_canned_reply(methodologist, reply.id, "Чужой", "Текст")
    with pytest.raises(ValidationFailed) as refused:
        queue_tools.create_canned_reply(operator, c.TECHNICAL, "", "x" * 10001)
    assert set(refused.value.field_errors) == {"title", "body"}
    assert queue_tools.delete_canned_reply(operator, reply.id) == c.TECHNICAL
    assert db.session.scalar(select(CannedReply)) is None


def test_agent_panel_data_only_for_agents(make, school, ticket, operator):
    queue_tools.create_canned_reply(operator, c.TECHNICAL, "Ответ", "Текст")
    panel = operations.agent_panel(operator, ticket)
    assert [a.id for a in panel.agents] == [operator.id]
    assert [r.title for r in panel.canned_replies] == ["Ответ"]
    assert [q.key for q in panel.other_queues] == [c.METHODOLOGICAL]
    assert {x.slug for x in panel.categories} == {slug for slug, _name in c.DEFAULT_CATEGORIES[c.TECHNICAL]}
    assert operations.agent_panel(make.user("teacher", organization=school), ticket) is None
