"""Demo step for the rollout (plan items 2.1–2.4): a rollout visibly in progress today.

The order's own deadlines (November 2010) are long past, so the demo replays the order in the current
school year: on every run the milestone deadlines of the plan are re-dated relative to today — 2.1
(responsible persons appointed) 45 days ago, 2.2 (schools activated) 20 days ago, 2.3 (information space)
in 10 days, and 2.4 (daily entry) without a date of its own, so it follows 2.3.

Schools get a status once (a school that has one keeps it): about 60 % activated, most before the
deadline and some a few days after; of those about a third have the whole information-space checklist
(and half of these have started daily entry of marks) and about half a part of it. The rest are not
activated, so they are overdue on 2.2; schools without an appointment (the directory step appoints about
80 %) are overdue on 2.1. The school of school@opora.test is activated with two of the five checklist
items done, so its coordinator has work to do. Dates run from the start of the school year (or 60 days
ago, early in the year) to today, never later. Each school's choices come from a generator seeded by its
code, so the result does not depend on which schools already had a status. Nothing is committed here.
"""

from datetime import date, timedelta

from sqlalchemy import select

from app.auth import roles
from app.auth.models import User
from app.directory import kinds
from app.directory.models import Organization, Person
from app.extensions import db
from app.rollout import clock
from app.rollout import constants as c
from app.rollout.models import PlanActivity, RolloutStatus
from app.rollout.plan import ensure_plan, milestone_deadlines

# Deadlines relative to today, in days (None: 2.4 follows 2.3).
DEADLINE_OFFSETS = {c.APPOINTED: -45, c.ACTIVATED: -20, c.INFO_SPACE: 10, c.DAILY_ENTRY: None}
ACTIVATED_SHARE = 0.6
LATE_SHARE = 0.2  # of the activated schools: a few days after the deadline
FULL_CHECKLIST_SHARE = 1 / 3  # of the activated schools
PARTIAL_CHECKLIST_SHARE = 1 / 2  # of the activated schools
DAILY_ENTRY_SHARE = 0.5  # of the schools with the whole checklist
SCHOOL_LOGIN = "school@opora.test"
SCHOOL_LOGIN_CHECKLIST = 2  # items done at the demo coordinator's school
EARLIEST_DAYS_AGO = 60  # dates start at the school year's start, or this many days ago if later


def build_rollout(ctx):
    """Re-date the plan's milestones around today and give each school without a status one."""
    today = clock.today()
    plan_rows = ensure_plan()
    deadlines = redate_plan(today)
    existing = set(ctx.session.scalars(select(RolloutStatus.organization_id)))
    schools = ctx.session.scalars(
        select(Organization).where(Organization.kind == kinds.SCHOOL).order_by(Organization.code)).all()
    coordinators = _coordinators()
    login_school = _login_school()
    created = []
    for school in schools:
        if school.id not in existing:
            ctx.reseed(f"rollout:{school.code}")
            status = school_status(ctx.rng, school.id, deadlines, today, coordinators.get(school.id),
                                   school.id == login_school)
            if status is not None:
                created.append(status)
    ctx.session.add_all(created)
    ctx.count("plan_activities", plan_rows)
    ctx.count("rollout_statuses", len(created))
    _report(ctx, deadlines, created, len(existing))


def redate_plan(today):
    """Set the plan's milestone deadlines relative to today (DEADLINE_OFFSETS); return the deadlines."""
    activities = db.session.scalars(select(PlanActivity).where(PlanActivity.milestone.is_not(None)))
    for activity in activities:
        if activity.milestone in DEADLINE_OFFSETS:
            offset = DEADLINE_OFFSETS[activity.milestone]
            activity.deadline_on = None if offset is None else today + timedelta(days=offset)
    return milestone_deadlines()


def school_year_start(today):
    """The first of September that began the current school year."""
    return date(today.year if today.month >= 9 else today.year - 1, 9, 1)


def _coordinators():
    """{school id: id of its first enabled school coordinator account}."""
    rows = db.session.execute(
        select(Person.organization_id, User.id).join(Person, Person.id == User.person_id)
        .where(User.role == roles.SCHOOL, User.is_enabled.is_(True)).order_by(User.id))
    coordinators = {}
    for org_id, user_id in rows:
        coordinators.setdefault(org_id, user_id)
    return coordinators


def _login_school():
    """The school of the demo school coordinator (None before the accounts exist)."""
    return db.session.scalar(
        select(Person.organization_id).join(User, User.person_id == Person.id)
        .where(User.email == SCHOOL_LOGIN))


def school_status(rng, school_id, deadlines, today, coordinator_id=None, is_login_school=False):
    """A new status for one school as the demo makes them (the bench generator uses it too), or None.

    None when the school is not activated yet; four draws are made either way, so a school's later
    choices do not depend on that one.
    """
    is_activated = rng.random() < ACTIVATED_SHARE
    is_late = rng.random() < LATE_SHARE
    checklist_roll, entry_roll = rng.random(), rng.random()
    if not (is_activated or is_login_school):
        return None
    status = RolloutStatus(organization_id=school_id, activated_by_id=coordinator_id,
                           activated_on=_activation_day(rng, deadlines[c.ACTIVATED], today,
                                                        is_late and not is_login_school))
    items = _checklist_size(rng, checklist_roll, is_login_school)
    _fill_checklist(rng, status, items, today)
    if status.info_space_on is not None and entry_roll < DAILY_ENTRY_SHARE:
        status.daily_entry_on = _day(rng, status.info_space_on, today)
    return status


def _activation_day(rng, deadline, today, is_late):
    """Between the school year's start and the deadline, or 1–7 days after it if late.

    Spread over the whole autumn, so last quarter's reports already count some activated schools.
    """
    deadline = min(deadline or today, today)
    if is_late:
        day = _day(rng, deadline + timedelta(days=1), deadline + timedelta(days=7))
    else:
        earliest = min(school_year_start(today), today - timedelta(days=EARLIEST_DAYS_AGO))
        day = _day(rng, min(earliest, deadline), deadline)
    return min(day, today)


def _checklist_size(rng, roll, is_login_school):
    """How many checklist items the school has loaded: all, a part (1–4) or none."""
    if is_login_school:
        return SCHOOL_LOGIN_CHECKLIST
    if roll < FULL_CHECKLIST_SHARE:
        return len(c.CHECKLIST)
    if roll < FULL_CHECKLIST_SHARE + PARTIAL_CHECKLIST_SHARE:
        return rng.randint(1, len(c.CHECKLIST) - 1)
    return 0


def _fill_checklist(rng, status, count, today):
    """Date the first `count` checklist items in loading order, each on or after the one before."""
    day = status.activated_on
    for item in c.CHECKLIST[:count]:
        day = _day(rng, day, min(day + timedelta(days=5), today))
        setattr(status, f"{item}_on", day)
    status.refresh_info_space()


def _day(rng, first, last):
    """A random day between two dates, inclusive (the first when the range is empty)."""
    return first + timedelta(days=rng.randint(0, max((last - first).days, 0)))


def _report(ctx, deadlines, created, existed):
    """One progress line: the new deadlines and the statuses made."""
    def when(key):
        return deadlines[key].strftime("%d.%m.%Y") if deadlines[key] else "—"

    activated = sum(1 for status in created if status.activated_on)
    organized = sum(1 for status in created if status.info_space_on)
    ctx.progress(f"Внедрение: сроки плана перенесены на текущий учебный год (п. 2.1 — {when(c.APPOINTED)}, "
                 f"п. 2.2 — {when(c.ACTIVATED)}, п. 2.3 — {when(c.INFO_SPACE)}); статусы школ: создано "
                 f"{len(created)} (активировано {activated}, информационное пространство организовано "
                 f"{organized}), уже было {existed}")
