"""Reminders before milestone deadlines and before a quarterly report is due (the daily cron run)."""

from datetime import date

import pytest
from sqlalchemy import func, select

from app.mail.models import SENT, OutboundMessage
from app.rollout import constants as c
from app.rollout import reminders
from app.rollout.models import QuarterlyReport, RolloutReminder

BASE = "http://127.0.0.1:5000"
BEFORE_ACTIVATION = date(2010, 11, 10)  # 2.1 is due on 11.11, 2.2 on 15.11, 2.3 and 2.4 on 20.11


def outbox(db):
    """{recipient: [(subject, body)]} of every queued message."""
    letters = {}
    for message in db.session.scalars(select(OutboundMessage).order_by(OutboundMessage.id)):
        letters.setdefault(message.recipient, []).append((message.subject, message.body))
    return letters


@pytest.fixture
def region(make, rollout):
    """A municipality with its specialist and three schools at different stages (no report yet)."""
    municipality = make.municipality(name="Мичуринский район", short_name="Мичуринский р-н")
    ready = make.school(municipality, name="Школа 1")  # appointed, to be activated by 15.11
    done = make.school(municipality, name="Школа 2")  # appointed and activated already
    bare = make.school(municipality, name="Школа 3")  # nothing yet; its coordinator's account is disabled
    make.appointment(ready, person=make.person(ready, email="resp1@school.test"),
                     order_date=date(2010, 11, 9), starts_on=date(2010, 11, 9))
    make.appointment(done, order_date=date(2010, 11, 1), starts_on=date(2010, 11, 1))
    rollout.status(done, activated_on=date(2010, 11, 5))
    users = {
        "coordinator": make.user("school", organization=ready, email="coord1@opora.test"),
        "done": make.user("school", organization=done, email="coord2@opora.test"),
        "disabled": make.user("school", organization=bare, email="coord3@opora.test"),
        "specialist": make.user("municipal", organization=municipality, email="mouo@opora.test"),
    }
    users["disabled"].is_enabled = False
    make.user("teacher", organization=ready, email="teacher@opora.test")  # teachers are not reminded
    return municipality, (ready, done, bare), users


def test_coordinators_and_the_responsible_person_hear_of_deadlines_a_week_ahead(db, region, fixed_today):
    fixed_today(BEFORE_ACTIVATION)
    municipality, (ready, _done, _bare), _users = region
    result = reminders.send_reminders()
    assert (result.milestone, result.digest, result.report) == (2, 1, 0)
    letters = outbox(db)
    assert set(letters) == {"coord1@opora.test", "resp1@school.test", "mouo@opora.test"}
    [(subject, body)] = letters["coord1@opora.test"]
    assert "Школа 1" in subject
    assert "Школа активирована на платформе электронного журнала" in body
    assert "15.11.2010" in body and "2.2" in body
    assert "Назначен ответственный" not in body  # the school's person is appointed
    assert f"{BASE}/rollout/schools/{ready.id}" in body
    assert letters["resp1@school.test"][0][1].count("15.11.2010") == 1


def test_the_municipal_specialist_gets_one_digest_of_the_schools_and_the_office(db, region, fixed_today):
    fixed_today(BEFORE_ACTIVATION)
    municipality, (ready, done, bare), _users = region
    reminders.send_reminders()
    [(subject, body)] = outbox(db)["mouo@opora.test"]
    assert "Мичуринский р-н" in subject
    assert "Школа 1" in body and "Школа 3" in body and "Школа 2" not in body
    assert f"{BASE}/rollout/schools/{bare.id}" in body
    assert f"{BASE}/directory/{municipality.id}" in body  # the office has no responsible person yet
    assert body.count("11.11.2010") == 2  # school 3 and the office are to appoint one by 11.11
    assert body.count("15.11.2010") == 2  # schools 1 and 3 are to be activated by 15.11


def test_a_second_run_sends_nothing(db, region, fixed_today):
    fixed_today(BEFORE_ACTIVATION)
    first = reminders.send_reminders()
    assert first.total == 3
    again = reminders.send_reminders()
    assert again.total == 0 and again.messages == []
    assert db.session.scalar(select(func.count(OutboundMessage.id))) == 3
    recorded = db.session.scalars(select(RolloutReminder.subject).where(
        RolloutReminder.recipient == "mouo@opora.test")).all()
    assert sorted(recorded) == ["activated@2010-11-15", "activated@2010-11-15", "appointed@2010-11-11",
                                "appointed@2010-11-11"]


def test_a_milestone_done_or_already_overdue_is_not_reminded(db, region, rollout, fixed_today):
    _municipality, (ready, _done, _bare), _users = region
    rollout.status(ready, activated_on=date(2010, 11, 12), classes_on=date(2010, 11, 13))
    fixed_today(date(2010, 11, 16))  # 2.1 and 2.2 are overdue now; 2.3 and 2.4 are due on 20.11
    reminders.send_reminders()
    [(_subject, body)] = outbox(db)["coord1@opora.test"]
    assert str(c.MILESTONE_LABELS[c.INFO_SPACE]) in body
    assert "20.11.2010" in body
    assert "15.11.2010" not in body and "11.11.2010" not in body


def test_nothing_is_due_after_every_deadline(db, region, fixed_today):
    fixed_today(date(2010, 12, 1))
    assert reminders.send_reminders().total == 0


def test_a_new_deadline_is_reminded_anew(db, region, fixed_today):
    from app.rollout.models import PlanActivity

    fixed_today(BEFORE_ACTIVATION)
    reminders.send_reminders()
    activity = db.session.scalar(select(PlanActivity).where(PlanActivity.milestone == c.ACTIVATED))
    activity.deadline_on = date(2010, 11, 16)
    db.session.commit()
    result = reminders.send_reminders()
    assert result.milestone == 2 and result.digest == 1
    assert "16.11.2010" in outbox(db)["coord1@opora.test"][1][1]


def _report(db, municipality, status):
    db.session.add(QuarterlyReport(municipality_id=municipality.id, year=2010, quarter=4, status=status))
    db.session.commit()


def test_quarter_end_reminds_only_municipalities_whose_report_is_not_submitted(db, make, rollout,
                                                                                fixed_today):
    municipalities = {status: make.municipality(name=f"Район {status}")
                      for status in (c.DRAFT, c.SUBMITTED, c.ACCEPTED, c.RETURNED, "none")}
    for status, municipality in municipalities.items():
        make.user("municipal", organization=municipality, email=f"{status}@mouo.test")
        if status != "none":
            _report(db, municipality, status)
    fixed_today(date(2010, 12, 20))  # IV quarter ends on 31.12; the report is due on 10.01.2011
    result = reminders.send_reminders()
    assert (result.milestone, result.digest, result.report) == (0, 0, 3)
    letters = outbox(db)
    assert set(letters) == {"draft@mouo.test", "returned@mouo.test", "none@mouo.test"}
    [(subject, body)] = letters["returned@mouo.test"]
    assert "IV квартал 2010" in subject and "10.01.2011" in subject
    assert "31.12.2010" in body
    assert f"{BASE}/rollout/reports/{municipalities[c.RETURNED].id}/2010/4" in body
    assert reminders.send_reminders().total == 0


def test_after_the_quarter_the_unsubmitted_report_is_reminded_until_its_due_date(db, make, rollout,
                                                                                   fixed_today):
    municipality = make.municipality(name="Район")
    make.user("municipal", organization=municipality, email="mouo@opora.test")
    fixed_today(date(2010, 12, 10))  # more than two weeks before the end: nothing yet
    assert reminders.send_reminders().report == 0
    fixed_today(date(2010, 12, 30))
    assert reminders.send_reminders().report == 1
    fixed_today(date(2011, 1, 4))  # the quarter has ended, the report is due on 10.01
    assert reminders.send_reminders().report == 1
    assert reminders.send_reminders().report == 0
    fixed_today(date(2011, 1, 11))  # past the due date: the dashboards show it, no more mail
    assert reminders.send_reminders().report == 0
    _subject, body = outbox(db)["mouo@opora.test"][1]
    assert "Квартал завершился" in body and "10.01.2011" in body


def test_submitted_report_is_not_reminded_after_the_quarter(db, make, rollout, fixed_today):
    municipality = make.municipality(name="Район")
    make.user("municipal", organization=municipality, email="mouo@opora.test")
    _report(db, municipality, c.SUBMITTED)
    fixed_today(date(2011, 1, 4))
    assert reminders.send_reminders().total == 0


def test_disabled_accounts_and_empty_addresses_are_skipped(db, make, rollout, fixed_today):
    municipality = make.municipality(name="Район")
    school = make.school(municipality, name="Школа")
    make.appointment(school, person=make.person(school, email=""), order_date=date(2010, 11, 9),
                     starts_on=date(2010, 11, 9))
    specialist = make.user("municipal", organization=municipality, email="mouo@opora.test")
    specialist.is_enabled = False
    db.session.commit()
    fixed_today(BEFORE_ACTIVATION)
    assert reminders.send_reminders().total == 0
    assert db.session.scalar(select(func.count(RolloutReminder.id))) == 0


class TestDelivery:
    """Through a real SMTP server."""

    @pytest.fixture
    def app_settings(self, mail_settings):
        """Send mail to the test SMTP server."""
        return mail_settings

    def test_reminders_are_delivered_after_the_commit(self, db, region, fixed_today, mailbox):
        fixed_today(BEFORE_ACTIVATION)
        reminders.send_reminders()
        assert sorted(m["To"] for m in mailbox.messages) == [
            "coord1@opora.test", "mouo@opora.test", "resp1@school.test"]
        [body] = mailbox.bodies_to("resp1@school.test")
        assert "Здравствуйте" in body and "Школа 1" in body
        assert set(db.session.scalars(select(OutboundMessage.status))) == {SENT}
