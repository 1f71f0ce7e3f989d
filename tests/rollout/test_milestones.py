"""The core of the rollout: plan deadlines, milestone states and the one-statement progress rows."""

from datetime import date

from app.directory import kinds
from app.rollout import constants as c
from app.rollout.milestones import counts_by_municipality, milestone_states, overdue_items, progress_rows
from app.rollout.plan import milestone_deadlines, read_plan_file, state_of


def test_plan_file_holds_every_activity_of_the_order():
    numbers = [activity["number"] for activity in read_plan_file()]
    assert numbers == ["1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7"]


def test_deadlines_come_from_the_plan_and_daily_entry_follows_the_information_space(rollout):
    deadlines = milestone_deadlines()
    assert deadlines[c.APPOINTED] == date(2010, 11, 11)
    assert deadlines[c.ACTIVATED] == date(2010, 11, 15)
    assert deadlines[c.DAILY_ENTRY] == deadlines[c.INFO_SPACE] == date(2010, 11, 20)


def test_state_is_done_due_or_overdue():
    deadline = date(2010, 11, 15)
    assert state_of(date(2010, 11, 20), deadline, date(2010, 11, 21)) == c.DONE
    assert state_of(None, deadline, date(2010, 11, 15)) == c.DUE
    assert state_of(None, deadline, date(2010, 11, 16)) == c.OVERDUE
    assert state_of(date(2010, 11, 20), deadline, date(2010, 11, 19)) == c.OVERDUE  # not yet done then


def test_progress_rows_count_schools_by_municipality(make, rollout, fixed_today):
    municipality = make.municipality(name="Город")
    first, second = make.school(municipality, name="Школа 1"), make.school(municipality, name="Школа 2")
    make.appointment(first, order_date=date(2010, 11, 10))
    make.appointment(municipality)
    rollout.status(first, activated_on=date(2010, 11, 14))
    rollout.info_space(second, date(2010, 11, 19))
    rows = progress_rows(fixed_today())
    assert [(row.kind, row.name) for row in rows] == [
        (kinds.MUNICIPALITY, "Город"), (kinds.SCHOOL, "Школа 1"), (kinds.SCHOOL, "Школа 2")]
    counts = counts_by_municipality(rows, milestone_deadlines())[municipality.id]
    assert counts.total == 2
    assert counts.done == {c.APPOINTED: 1, c.ACTIVATED: 1, c.INFO_SPACE: 1, c.DAILY_ENTRY: 0}
    assert counts.percent(c.APPOINTED) == 50
    assert counts.overdue == {c.APPOINTED: 1, c.ACTIVATED: 1, c.INFO_SPACE: 1, c.DAILY_ENTRY: 2}


def test_a_later_day_does_not_count_before_it_happens(make, rollout):
    school = make.school()
    rollout.status(school, activated_on=date(2010, 11, 20))
    [row] = progress_rows(date(2010, 11, 16), organization_id=school.id)
    states = {state.key: state.state for state in milestone_states(row, milestone_deadlines())}
    assert states[c.ACTIVATED] == c.OVERDUE
    assert set(states) == set(c.SCHOOL_MILESTONES)


def test_overdue_items_are_listed_oldest_deadline_first(make, rollout, fixed_today):
    school = make.school(name="Школа")
    rollout.status(school, activated_on=date(2010, 11, 1))
    items = overdue_items(progress_rows(fixed_today(), organization_id=school.id), milestone_deadlines())
    assert [item.key for item in items] == [c.APPOINTED, c.INFO_SPACE, c.DAILY_ENTRY]
    assert items[0].days_overdue == (fixed_today() - date(2010, 11, 11)).days
