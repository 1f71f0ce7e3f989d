"""The quarterly report workflow: draft → submitted → returned → submitted → accepted, refusals."""

from datetime import date, datetime

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from app.mail.models import OutboundMessage
from app.rollout import constants as c
from app.rollout import reports
from app.rollout.models import QuarterlyReport
from tests.rollout import report_world

TEXTS = {"problems": "Медленный интернет в сельских школах.", "measures": "Обучили 40 учителей.",
         "proposals": ""}


@pytest.fixture
def world(make, rollout, training, queues, fixed_today):
    fixed_today(report_world.TODAY)
    return report_world.build(make, rollout, training, queues)


def _key(world):
    return world.municipality.id, 2010, 4


def _actions(db):
    return [event.action for event in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_the_whole_workflow_with_a_return(world, db):
    report = reports.save_report(world.municipal, *_key(world), TEXTS)
    assert report.status == c.DRAFT and report.figures is None
    report = reports.submit_report(world.municipal, *_key(world), expected_version=report.version)
    assert report.status == c.SUBMITTED and report.submitted_by_id == world.municipal.id
    assert report.figures["schools"]["activated"] == 1 and report.figures_at is not None
    with pytest.raises(ValidationFailed) as refused:
        reports.review_report(world.coordinator, *_key(world), reports.RETURN, "  ")
    assert "comment" in refused.value.field_errors
    report = reports.review_report(world.coordinator, *_key(world), reports.RETURN, "Добавьте меры по связи.")
    assert report.status == c.RETURNED and report.review_comment == "Добавьте меры по связи."
    report = reports.save_report(world.municipal, *_key(world), {"measures": "Подключили 3 школы к сети."})
    report = reports.submit_report(world.municipal, *_key(world))
    report = reports.review_report(world.coordinator, *_key(world), reports.ACCEPT)
    assert report.status == c.ACCEPTED and report.measures == "Подключили 3 школы к сети."
    moves = [(t.from_status, t.to_status) for t in report.transitions]
    assert moves == [(c.DRAFT, c.SUBMITTED), (c.SUBMITTED, c.RETURNED), (c.RETURNED, c.SUBMITTED),
                     (c.SUBMITTED, c.ACCEPTED)]
    assert report.transitions[1].comment == "Добавьте меры по связи."
    assert _actions(db) == ["rollout.report_created", "rollout.report_submitted", "rollout.report_returned",
                            "rollout.report_updated", "rollout.report_submitted", "rollout.report_accepted"]


def test_letters_go_to_the_coordinators_then_to_the_municipality(world, db, make):
    make.user("coordinator").is_enabled = False  # a disabled account gets no letter
    make.user("municipal", organization=world.other)  # nor does another municipality
    db.session.commit()
    reports.submit_report(world.municipal, *_key(world), TEXTS)
    reports.review_report(world.coordinator, *_key(world), reports.RETURN, "Уточните данные.")
    letters = db.session.scalars(select(OutboundMessage).order_by(OutboundMessage.id)).all()
    assert [letter.recipient for letter in letters] == [world.coordinator.email, world.municipal.email]
    assert "Город" in letters[0].subject and "IV квартал 2010" in letters[0].subject
    assert "Уточните данные." in letters[1].body
    assert f"/rollout/reports/{world.municipality.id}/2010/4" in letters[1].body


def test_submitted_figures_do_not_move_when_the_data_changes(world, rollout, queues):
    reports.submit_report(world.municipal, *_key(world), TEXTS)
    rollout.status(world.schools[1], activated_on=date(2010, 12, 1))  # backdated into the quarter
    report_world.ticket(queues, world.teachers[0], created_at=datetime(2010, 12, 20, 9))
    page = reports.report_page(world.coordinator, *_key(world))
    assert not page.is_live
    assert page.figures["schools"]["activated"] == 1 and page.figures["hotline"]["total"] == 2
    reports.review_report(world.coordinator, *_key(world), reports.RETURN, "Пересчитайте.")
    live = reports.report_page(world.municipal, *_key(world))
    assert live.is_live and live.figures["schools"]["activated"] == 2
    resubmitted = reports.submit_report(world.municipal, *_key(world))
    assert resubmitted.figures["schools"]["activated"] == 2 and resubmitted.figures["hotline"]["total"] == 3


def test_who_may_do_what(world, make):
    teacher = world.teachers[0]
    with pytest.raises(PermissionDenied):
        reports.report_page(teacher, *_key(world))
    stranger = make.user("municipal", organization=world.other)
    with pytest.raises(NotFound):
        reports.report_page(stranger, *_key(world))
    with pytest.raises(NotFound):
        reports.save_report(stranger, *_key(world), TEXTS)
    with pytest.raises(PermissionDenied):
        reports.save_report(world.coordinator, *_key(world), TEXTS)
    reports.submit_report(world.municipal, *_key(world), TEXTS)
    with pytest.raises(PermissionDenied):
        reports.review_report(world.municipal, *_key(world), reports.ACCEPT)
    page = reports.report_page(world.coordinator, *_key(world))
    assert page.can_review and not page.can_edit


def test_only_the_transitions_of_the_map(world):
    with pytest.raises(NotFound):
        reports.review_report(world.coordinator, *_key(world), reports.ACCEPT)
    reports.save_report(world.municipal, *_key(world), TEXTS)
    with pytest.raises(Conflict):
        reports.review_report(world.coordinator, *_key(world), reports.ACCEPT)  # a draft is not reviewed
    reports.submit_report(world.municipal, *_key(world))
    with pytest.raises(Conflict):
        reports.save_report(world.municipal, *_key(world), {"problems": "Поздняя правка"})
    with pytest.raises(Conflict):
        reports.submit_report(world.municipal, *_key(world))
    reports.review_report(world.coordinator, *_key(world), reports.ACCEPT)
    with pytest.raises(Conflict):
        reports.review_report(world.coordinator, *_key(world), reports.RETURN, "Поздно")


def test_a_stale_version_is_a_conflict_and_nothing_is_lost(world, db):
    report = reports.save_report(world.municipal, *_key(world), TEXTS)
    seen = report.version
    reports.save_report(world.municipal, *_key(world), {"problems": "Первая правка"}, expected_version=seen)
    with pytest.raises(Conflict):
        reports.save_report(world.municipal, *_key(world), {"problems": "Вторая правка"},
                            expected_version=seen)
    with pytest.raises(Conflict):
        reports.save_report(world.municipal, *_key(world), TEXTS, expected_version=0)  # made meanwhile
    assert db.session.get(QuarterlyReport, report.id).problems == "Первая правка"


@pytest.mark.parametrize("year, quarter", [(2011, 2), (2010, 3), (2010, 5), (1, 1)])
def test_quarters_outside_the_rollout_are_refused(world, year, quarter):
    with pytest.raises(ValidationFailed):
        reports.report_page(world.municipal, world.municipality.id, year, quarter)
    with pytest.raises(ValidationFailed):
        reports.save_report(world.municipal, world.municipality.id, year, quarter, TEXTS)


def test_empty_or_too_long_texts_are_refused(world, db):
    with pytest.raises(ValidationFailed):
        reports.submit_report(world.municipal, *_key(world), {"problems": " ", "measures": ""})
    assert reports.find_report(*_key(world)) is None  # the refused submission left no draft
    with pytest.raises(ValidationFailed) as refused:
        reports.save_report(world.municipal, *_key(world), {"problems": "я" * (c.REPORT_TEXT_MAX + 1)})
    assert "problems" in refused.value.field_errors


@pytest.mark.parametrize("year, quarter, expected", [
    ("", "", (2010, 4)), ("2011", "1", (2011, 1)), (" 2010 ", "4", (2010, 4))])
def test_parse_quarter(world, year, quarter, expected):
    assert reports.parse_quarter(year, quarter) == expected


@pytest.mark.parametrize("year, quarter", [("abc", "1"), ("2011", "5"), ("2011", ""), ("20111", "1"),
                                           ("2011", "-1"), ("2030", "1")])
def test_parse_quarter_refuses_nonsense(world, year, quarter):
    with pytest.raises(ValidationFailed):
        reports.parse_quarter(year, quarter)
