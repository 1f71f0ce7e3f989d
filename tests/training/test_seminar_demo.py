"""The seminar demo step: April and September seminars of the current year; idempotent, no commit."""

from collections import Counter
from datetime import datetime

import pytest
from sqlalchemy import func, select

from app.demo import accounts, region
from app.demo.services import DemoContext
from app.timeutil import utc_to_moscow
from knowledge_base import demo as kb_demo
from training import constants as c
from training import seminar_demo
from training.models import Registration, Seminar

PASSWORD = "demo-pass-123"
# The smallest region the step needs: organizations, staff, the demo accounts and the guides.
STEPS = (region.build_organizations, region.build_staff, accounts.build_users, kb_demo.build_guides)


def build(db, now):
    """Run the steps and the seminar step with a fixed clock; return the context."""
    ctx = DemoContext(password=PASSWORD, progress=lambda _line: None)
    for step in STEPS:
        step(ctx)
        db.session.flush()
    seminar_demo.build_seminars(ctx, now=now)
    db.session.commit()
    return ctx


def seminars(db):
    return db.session.scalars(select(Seminar).order_by(Seminar.starts_at)).all()


def row_counts(db):
    return (db.session.scalar(select(func.count(Seminar.id))),
            db.session.scalar(select(func.count(Registration.id))),
            db.session.scalar(select(func.count(Registration.id)).where(Registration.attendance.is_not(None))))


@pytest.fixture
def in_june(db):
    """The demo built on 10 June: April is past, September ahead."""
    now = datetime(2026, 6, 10, 9, 0)
    return now, build(db, now)


def test_april_and_september_of_the_current_year_in_tambov_and_online(in_june, db):
    now, ctx = in_june
    rows = seminars(db)
    months = Counter(utc_to_moscow(s.starts_at).month for s in rows)
    assert months == {4: 3, 9: 3} and {s.starts_at.year for s in rows} == {2026}
    assert ctx.created["seminars"] == 6
    titles = {s.title for s in rows}
    assert {"Назначение ответственных и активация ОУ на платформе",
            "Ведение электронного журнала: ежедневное выставление отметок"} <= titles
    assert any("ул. Советская, 108" in s.place for s in rows)
    assert any(s.online_url.startswith("https://") and not s.place for s in rows)
    assert all(set(s.audience) >= {"municipal", "school"} for s in rows)
    assert all(s.organizer.email == "methodologist@opora.test" for s in rows)
    assert all(s.materials for s in rows)
    for seminar in rows:
        local = utc_to_moscow(seminar.starts_at)
        assert local.weekday() in (1, 3) and local.hour in (10, 15)  # working days, morning or afternoon


def test_a_practicum_is_full_with_a_waiting_line_after_a_cancellation(in_june, db):
    now, _ctx = in_june
    practicum = [s for s in seminars(db) if s.starts_at > now and s.capacity == 6][0]
    by_status = Counter(row.status for row in practicum.registrations)
    assert by_status[c.REGISTERED] == practicum.capacity and by_status[c.WAITLISTED] >= 1
    assert by_status[c.WITHDRAWN] == 1
    [moved] = [row for row in practicum.registrations if row.promoted_at is not None]
    [left] = [row for row in practicum.registrations if row.status == c.WITHDRAWN]
    assert moved.status == c.REGISTERED and moved.promoted_at == left.withdrawn_at
    emails = {row.user.email: row.status for row in practicum.registrations}
    assert emails["school@opora.test"] == c.REGISTERED and emails["teacher@opora.test"] == c.WAITLISTED
    assert all(row.registered_at < now and row.organization_id for row in practicum.registrations)


def test_past_seminars_have_attendance_and_future_ones_do_not(in_june, db):
    now, _ctx = in_june
    past = [s for s in seminars(db) if s.ends_at <= now]
    assert len(past) == 3
    marks = Counter(row.attendance for s in past for row in s.registrations if row.status == c.REGISTERED)
    assert marks[c.ATTENDED] > marks[c.PARTIAL] >= 1 and marks[c.NO_SHOW] >= 1 and marks[None] == 0
    assert all(row.attendance is None for s in seminars(db) if s.starts_at > now for row in s.registrations)


def test_a_second_build_creates_nothing(in_june, db):
    now, _ctx = in_june
    before = row_counts(db)
    ctx = build(db, now)
    assert row_counts(db) == before and ctx.created["seminars"] == 0
    assert ctx.created["seminar_registrations"] == 0


def test_a_later_build_in_the_same_year_marks_what_has_passed_since(in_june, db):
    _now, _ctx = in_june
    build(db, datetime(2026, 12, 1, 9, 0))
    seminars_, registrations, marked = row_counts(db)
    assert seminars_ == 6
    assert all(row.attendance for s in seminars(db) for row in s.registrations if row.status == c.REGISTERED)
    assert marked > 0


def test_in_january_everything_is_ahead(db):
    now = datetime(2027, 1, 15, 9, 0)
    build(db, now)
    rows = seminars(db)
    assert {s.starts_at.year for s in rows} == {2027} and all(s.starts_at > now for s in rows)
    assert all(row.registered_at < now and row.attendance is None for s in rows for row in s.registrations)
