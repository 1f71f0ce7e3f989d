"""The hotline figures on the home pages."""

from datetime import timedelta

import pytest

from app.timeutil import utcnow
from tickets import services, workload

pytestmark = pytest.mark.usefixtures("queues")


def test_home_page_workload_for_agents_and_requesters(make, db):
    teacher = make.user("teacher")
    operator, other_operator = make.user("operator"), make.user("operator")
    mine = services.open_ticket(teacher, "technical", "Мой вход", "текст")
    services.add_message(operator, mine, "Беру в работу")  # first response, still open
    mine.assignee_id = operator.id
    late = services.open_ticket(teacher, "technical", "Просрочено", "текст")
    late.first_response_due_at = utcnow() - timedelta(hours=1)
    services.open_ticket(teacher, "methodological", "Не моя линия", "текст")
    done = services.open_ticket(make.user("teacher"), "technical", "Решено", "текст")
    services.change_status(other_operator, done, "resolved")
    db.session.commit()

    agent = workload.workload(operator)
    assert (agent.is_agent, agent.open, agent.unassigned, agent.overdue, agent.mine) == (True, 2, 1, 1, 1)
    assert {t.subject for t in agent.recent} == {"Мой вход", "Просрочено"}
    requester = workload.workload(teacher)
    assert (requester.is_agent, requester.mine) == (False, 3)
    assert len(requester.recent) == 3 and done not in requester.recent
