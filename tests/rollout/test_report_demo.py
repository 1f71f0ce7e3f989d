"""The demo step for quarterly reports: every stage of the workflow, the demo user's returned report."""

from collections import Counter
from datetime import date

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.demo import accounts, region
from app.directory import kinds
from app.directory.models import Organization
from app.extensions import db
from app.rollout import constants as c
from app.rollout.models import QuarterlyReport
from app.rollout.report_demo import build_reports
from tests.fixtures.demo import run_demo_steps


def _build(messages):
    steps = (region.build_organizations, region.build_staff, accounts.build_users, build_reports)
    return run_demo_steps(steps, "demo-password-1", messages)


@pytest.fixture
def demo(app, rollout, fixed_today):
    fixed_today(date(2011, 2, 15))
    messages = []
    return _build(messages), messages


def test_last_quarter_s_reports_are_at_every_stage(demo):
    reports = db.session.scalars(select(QuarterlyReport).where(QuarterlyReport.year == 2010)).all()
    statuses = Counter(report.status for report in reports)
    assert statuses[c.ACCEPTED] and statuses[c.SUBMITTED] and statuses[c.DRAFT] and statuses[c.RETURNED] == 1
    municipalities = db.session.query(Organization).filter_by(kind=kinds.MUNICIPALITY).count()
    assert municipalities // 2 < len(reports) < municipalities  # most have one, some none yet
    for report in reports:
        assert report.problems and report.measures
        if report.status != c.DRAFT:
            assert report.figures["schools"]["total"] >= 1 and report.figures["as_of"] == "2010-12-31"
            assert report.submitted_at.date() > date(2010, 12, 31)
            assert [t.to_status for t in report.transitions][0] == c.SUBMITTED
        else:
            assert report.figures is None and not report.transitions
    assert any(len(report.transitions) == 4 for report in reports)  # accepted after one return


def test_the_demo_municipal_user_sees_a_returned_report_and_a_current_draft(demo):
    user = db.session.scalar(select(User).where(User.email == "municipal@opora.test"))
    mine = {(r.year, r.quarter): r for r in db.session.scalars(
        select(QuarterlyReport).where(QuarterlyReport.municipality_id == user.organization_id))}
    last = mine[(2010, 4)]
    assert last.status == c.RETURNED and last.review_comment and last.submitted_by_id == user.id
    assert last.reviewed_by.email == "coordinator@opora.test"
    assert mine[(2011, 1)].status == c.DRAFT and not mine[(2011, 1)].problems


def test_a_second_run_adds_nothing(demo):
    before = db.session.query(QuarterlyReport).count()
    messages = []
    ctx = _build(messages)
    assert db.session.query(QuarterlyReport).count() == before
    assert ctx.created["quarterly_reports"] == 0
    assert any("добавлено 0" in message for message in messages)
