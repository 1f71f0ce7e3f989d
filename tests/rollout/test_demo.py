"""The demo rollout: replayed in the current school year, visibly in progress on the demo day."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.auth.models import User
from app.demo.services import DemoContext
from app.extensions import db as _db
from app.rollout import constants as c
from app.rollout.demo import build_rollout
from app.rollout.milestones import milestone_states, progress_rows, total_counts
from app.rollout.models import RolloutStatus
from app.rollout.plan import milestone_deadlines

DEMO_DAY = date(2026, 11, 28)


def build_step():
    """Run the rollout step on its own, as the demo build does (it commits once at the end)."""
    lines = []
    build_rollout(DemoContext(password=None, progress=lines.append))
    _db.session.commit()
    return lines


def table_counts(db):
    with db.engine.connect() as connection:
        return {table.name: connection.scalar(select(func.count()).select_from(table))
                for table in db.metadata.sorted_tables}


@pytest.fixture
def demo(runner, fixed_today):
    """The demo region on DEMO_DAY, with the rollout step run (again, if the build already has it)."""
    fixed_today(DEMO_DAY)
    result = runner.invoke(args=["demo", "--password", "demo-pass-123"])
    assert result.exit_code == 0, result.output + repr(result.exception)
    build_step()
    rows = progress_rows(DEMO_DAY, with_offices=False)
    return rows, milestone_deadlines()


def test_deadlines_are_replayed_around_today(demo):
    _rows, deadlines = demo
    assert deadlines[c.APPOINTED] == DEMO_DAY - timedelta(days=45)
    assert deadlines[c.ACTIVATED] == DEMO_DAY - timedelta(days=20)
    assert deadlines[c.INFO_SPACE] == deadlines[c.DAILY_ENTRY] == DEMO_DAY + timedelta(days=10)


def test_most_schools_are_appointed_fewer_activated_and_some_overdue(demo):
    rows, deadlines = demo
    counts = total_counts(rows, deadlines)
    done = counts.done
    assert counts.total > 200
    assert counts.total // 2 < done[c.APPOINTED] < counts.total
    assert counts.total * 0.45 < done[c.ACTIVATED] < counts.total * 0.75
    assert 0 < done[c.DAILY_ENTRY] < done[c.INFO_SPACE] < done[c.ACTIVATED] < done[c.APPOINTED]
    assert counts.overdue[c.APPOINTED] > 0 and counts.overdue[c.ACTIVATED] > 0
    assert counts.overdue[c.INFO_SPACE] == counts.overdue[c.DAILY_ENTRY] == 0  # due in ten days
    states = [state for row in rows for state in milestone_states(row, deadlines)]
    assert any(state.key == c.INFO_SPACE and state.state == c.DUE for state in states)
    assert any(state.key == c.ACTIVATED and state.is_late for state in states)
    assert any(state.key == c.ACTIVATED and state.state == c.DONE and not state.is_late for state in states)


def test_no_date_is_in_the_future_and_checklists_follow_activation(db, demo):
    for status in db.session.scalars(select(RolloutStatus)):
        dates = [status.checklist_date(item) for item in c.CHECKLIST]
        done = [day for day in dates if day is not None]
        assert status.activated_on <= DEMO_DAY
        assert all(status.activated_on <= day <= DEMO_DAY for day in done)
        assert dates[:len(done)] == done and done == sorted(done)  # loaded in order, none skipped
        assert status.info_space_on == (max(done) if len(done) == len(c.CHECKLIST) else None)
        assert status.daily_entry_on is None or status.info_space_on <= status.daily_entry_on <= DEMO_DAY


def test_the_demo_coordinator_has_work_to_do(db, demo):
    user = db.session.scalar(select(User).where(User.email == "school@opora.test"))
    status = db.session.scalar(
        select(RolloutStatus).where(RolloutStatus.organization_id == user.organization_id))
    assert status.activated_on is not None and status.activated_by_id == user.id
    loaded = [status.checklist_date(item) is not None for item in c.CHECKLIST]
    assert loaded == [True, True, False, False, False]
    assert status.info_space_on is None and status.daily_entry_on is None


def test_a_second_run_changes_nothing(db, demo, fixed_today):
    before = table_counts(db)
    statuses = {row.id: (row.activated_on, row.info_space_on) for row in demo[0]}
    fixed_today(DEMO_DAY + timedelta(days=1))
    lines = build_step()
    assert table_counts(db) == before
    assert "создано 0" in lines[-1] and "сроки плана перенесены на текущий учебный год" in lines[-1]
    after = progress_rows(DEMO_DAY, with_offices=False)
    assert {row.id: (row.activated_on, row.info_space_on) for row in after} == statuses
