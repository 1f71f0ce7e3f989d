"""Reminder e-mails of the rollout, sent by the daily cron run (`opora rollout remind`).

Milestones (plan items 2.1–2.4): a school's coordinators and its appointed responsible person hear about
every milestone the school has not done whose deadline is within MILESTONE_REMINDER_DAYS; each municipal
specialist gets one digest of the municipality's schools (and the office's own appointment). Done and
already overdue milestones are not reminded: the overdue ones are on the dashboards.

Quarterly reports (plan item 2.6): within QUARTER_REMINDER_DAYS before a quarter's last day, and after it
until the report's due date, the specialists of every municipality whose report is neither submitted nor
accepted (a returned one counts as not submitted).

Every reminder is recorded as a RolloutReminder row, so each goes out once however often cron runs.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select

from app.auth import roles
from app.auth.models import User
from app.directory import kinds
from app.directory.models import Appointment, Organization, Person
from app.directory.services import in_force
from app.extensions import db
from app.mail import services as mail
from app.rollout import clock
from app.rollout import constants as c
from app.rollout.milestones import office_label, progress_rows
from app.rollout.models import QuarterlyReport, RolloutReminder
from app.rollout.plan import milestone_deadlines
from app.urls import absolute_url

MILESTONE = "milestone"  # to a school's coordinators and responsible person
DIGEST = "milestone_digest"  # to a municipality's specialists
REPORT = "quarter_report"  # to a municipality's specialists
# Reports in these states need nothing more from the municipality.
REPORT_DONE_STATUSES = (c.SUBMITTED, c.ACCEPTED)
ENDING, DUE = "ending", "due"  # before a quarter's end; after it, until the report's due date


@dataclass
class ReminderResult:
    """What one run queued: messages of each kind, and the outbox rows."""

    milestone: int = 0
    digest: int = 0
    report: int = 0
    messages: list = field(default_factory=list)
    letters: list = field(default_factory=list)  # (recipient, subject): readable after the commit too

    @property
    def total(self):
        """Every message queued."""
        return self.milestone + self.digest + self.report


@dataclass
class Recipient:
    """Who a reminder goes to: an e-mail address and the name to greet."""

    email: str
    name: str


@dataclass
class DueItem:
    """A milestone of an organization that is due within the reminder window."""

    key: str
    deadline: object

    @property
    def subject(self):
        """The reminder's key in RolloutReminder («activated@2010-11-15»): a new deadline reminds anew."""
        return f"{self.key}@{self.deadline.isoformat()}"

    @property
    def label(self):
        """Translated milestone name."""
        return c.MILESTONE_LABELS[self.key]

    @property
    def plan_item(self):
        """The plan item the milestone carries out («2.2»)."""
        return c.MILESTONE_PLAN_ITEMS[self.key]


def send_reminders(today=None):
    """Queue every reminder due today that was not sent before; one commit, then deliver the mail."""
    today = today or clock.today()
    result = ReminderResult()
    sender = _Sender(today, result)
    sender.milestones()
    sender.reports()
    db.session.commit()
    ids = [message.id for message in result.messages]
    mail.deliver_soon(ids)
    return result


def due_keys(deadlines, today):
    """The milestones whose deadline falls within the reminder window (today … today + 7 days)."""
    last = today + timedelta(days=c.MILESTONE_REMINDER_DAYS)
    return [key for key in c.MILESTONES
            if deadlines.get(key) is not None and today <= deadlines[key] <= last]


def report_periods(today):
    """(year, quarter, phase) of the reports to remind of today: the quarter ending, the one just ended."""
    year, quarter = c.quarter_of(today)
    _start, end = c.quarter_bounds(year, quarter)
    periods = []
    if (end - today).days <= c.QUARTER_REMINDER_DAYS:
        periods.append((year, quarter, ENDING))
    previous = c.previous_quarter(year, quarter)
    if today <= c.report_due_on(*previous):
        periods.append((*previous, DUE))
    return periods


def report_subject(year, quarter, phase):
    """The reminder's key in RolloutReminder: «report:2010Q4» before the end, «report:2010Q4:due» after."""
    subject = f"report:{year}Q{quarter}"
    return subject if phase == ENDING else f"{subject}:{DUE}"


class _Sender:
    """One run: finds what is due, skips what was sent, queues the letters and records them."""

    def __init__(self, today, result):
        self.today = today
        self.result = result
        self.sent = set()

    def milestones(self):
        """Reminders to schools and digests to municipal specialists about milestones due soon."""
        deadlines = milestone_deadlines()
        keys = due_keys(deadlines, self.today)
        if not keys:
            return
        self._load_sent((MILESTONE, DIGEST), [DueItem(key, deadlines[key]).subject for key in keys])
        pending = []
        for row in progress_rows(self.today):
            items = [DueItem(key, deadlines[key]) for key in row.milestones
                     if key in keys and not row.is_done(key)]
            if items:
                pending.append((row, items))
        if pending:
            self._school_letters([(row, items) for row, items in pending if row.kind == kinds.SCHOOL])
            self._digests(pending)

    def _school_letters(self, pending):
        """One letter per recipient per school, listing the school's milestones not yet reminded."""
        recipients = school_recipients([row.id for row, _items in pending], self.today)
        for row, items in pending:
            for recipient in recipients.get(row.id, []):
                fresh = self._fresh(MILESTONE, row.id, items, recipient)
                if fresh:
                    self._queue(recipient, _("Rollout deadlines are near: %(school)s", school=row.name),
                                "milestone_reminder", school=row, items=fresh,
                                url=absolute_url("rollout_milestones.school", school_id=row.id))
                    self.result.milestone += 1

    def _digests(self, pending):
        """One digest per municipal specialist: the municipality's schools and office with items due."""
        names = municipality_names()
        for municipality_id, recipients in users_of_role(roles.MUNICIPAL).items():
            rows = [(row, items) for row, items in pending if row.municipality_id == municipality_id]
            for recipient in recipients:
                groups = [self._digest_group(row, items, recipient) for row, items in rows]
                groups = [group for group in groups if group is not None]
                if groups:
                    self._digest(recipient, names.get(municipality_id, ""), groups)

    def _digest(self, recipient, name, groups):
        subject = _("Rollout deadlines are near for the schools of %(municipality)s", municipality=name)
        self._queue(recipient, subject, "milestone_digest", municipality=name, groups=groups,
                    url=absolute_url("rollout.index"))
        self.result.digest += 1

    def _digest_group(self, row, items, recipient):
        """The digest's lines about one organization, or None when everything was reminded before."""
        fresh = self._fresh(DIGEST, row.id, items, recipient)
        if not fresh:
            return None
        if row.kind == kinds.SCHOOL:
            url = absolute_url("rollout_milestones.school", school_id=row.id)
            return {"name": row.name, "items": fresh, "url": url}
        return {"name": office_label(), "items": fresh, "url": absolute_url("directory.show", org_id=row.id)}

    def reports(self):
        """Reminders to municipal specialists whose quarterly report is not yet submitted or accepted."""
        periods = report_periods(self.today)
        if not periods:
            return
        self._load_sent((REPORT,), [report_subject(*period) for period in periods])
        specialists = users_of_role(roles.MUNICIPAL)
        names = municipality_names()
        for year, quarter, phase in periods:
            finished = reports_done(year, quarter)
            subject = report_subject(year, quarter, phase)
            for municipality_id, recipients in specialists.items():
                if municipality_id in finished:
                    continue
                for recipient in recipients:
                    if self._first_time(REPORT, municipality_id, subject, recipient):
                        self._report_letter(recipient, municipality_id, names.get(municipality_id, ""),
                                            year, quarter, phase)

    def _report_letter(self, recipient, municipality_id, name, year, quarter, phase):
        due_on, label = c.report_due_on(year, quarter), c.quarter_label(year, quarter)
        subject = _("Quarterly report for %(quarter)s is due by %(date)s",
                    quarter=label, date=format_date(due_on, "dd.MM.yyyy"))
        url = absolute_url("rollout_reports.report", municipality_id=municipality_id, year=year,
                           quarter=quarter)
        self._queue(recipient, subject, "quarter_reminder", municipality=name, quarter=label,
                    is_ending=phase == ENDING, quarter_end=c.quarter_bounds(year, quarter)[1], due_on=due_on,
                    url=url)
        self.result.report += 1

    def _load_sent(self, kinds_, subjects):
        """Remember the reminders with these subjects sent before (one statement)."""
        rows = db.session.execute(
            select(RolloutReminder.kind, RolloutReminder.organization_id, RolloutReminder.subject,
                   RolloutReminder.recipient)
            .where(RolloutReminder.kind.in_(kinds_), RolloutReminder.subject.in_(subjects)))
        self.sent.update(tuple(row) for row in rows)

    def _fresh(self, kind, organization_id, items, recipient):
        """The items not yet reminded to the recipient; they are recorded as reminded now."""
        return [item for item in items if self._first_time(kind, organization_id, item.subject, recipient)]

    def _first_time(self, kind, organization_id, subject, recipient):
        """Whether the reminder was never sent; record it (the unique constraint backs the check)."""
        key = (kind, organization_id, subject, recipient.email)
        if key in self.sent:
            return False
        self.sent.add(key)
        db.session.add(RolloutReminder(kind=kind, organization_id=organization_id, subject=subject,
                                       recipient=recipient.email))
        return True

    def _queue(self, recipient, subject, template, **context):
        self.result.messages.append(mail.queue(recipient.email, subject, template, reader=recipient,
                                               today=self.today, **context))
        self.result.letters.append((recipient.email, subject))


def school_recipients(school_ids, day):
    """{school id: [Recipient]}: its enabled coordinators and its responsible person in office on the day."""
    recipients = {}
    for org_id, users in users_of_role(roles.SCHOOL, school_ids).items():
        recipients.setdefault(org_id, []).extend(users)
    disabled = select(User.person_id).where(User.is_enabled.is_(False))
    appointees = db.session.execute(
        select(Appointment.organization_id, Person.email, Person.last_name, Person.first_name,
               Person.middle_name)
        .join(Person, Person.id == Appointment.person_id)
        .where(in_force(day, Appointment), Appointment.organization_id.in_(school_ids), Person.email != "",
               Person.id.not_in(disabled))
        .order_by(Appointment.organization_id, Appointment.starts_on, Appointment.id))
    for org_id, email, *names in appointees:
        known = recipients.setdefault(org_id, [])
        if email.lower() not in {recipient.email.lower() for recipient in known}:
            known.append(Recipient(email, " ".join(part for part in names if part)))
    return recipients


def users_of_role(role, organization_ids=None):
    """{organization id: [Recipient]} of the enabled accounts of a role that have an e-mail."""
    query = (select(Person.organization_id, User.email, Person.last_name, Person.first_name,
                    Person.middle_name)
             .join(Person, Person.id == User.person_id)
             .where(User.role == role, User.is_enabled.is_(True), User.email != "")
             .order_by(Person.organization_id, User.email))
    if organization_ids is not None:
        query = query.where(Person.organization_id.in_(organization_ids))
    users = {}
    for org_id, email, *names in db.session.execute(query):
        users.setdefault(org_id, []).append(Recipient(email, " ".join(part for part in names if part)))
    return users


def municipality_names():
    """{municipality id: its short name, else full name}."""
    rows = db.session.execute(select(Organization.id, Organization.short_name, Organization.name)
                              .where(Organization.kind == kinds.MUNICIPALITY))
    return {org_id: short or name for org_id, short, name in rows}


def reports_done(year, quarter):
    """Ids of the municipalities whose report for the quarter is submitted or accepted."""
    return set(db.session.scalars(
        select(QuarterlyReport.municipality_id)
        .where(QuarterlyReport.year == year, QuarterlyReport.quarter == quarter,
               QuarterlyReport.status.in_(REPORT_DONE_STATUSES))))
