"""E-mail about quarterly reports, queued in the caller's transaction (delivered after its commit)."""

from flask_babel import gettext as _
from sqlalchemy import select

from app.auth import roles
from app.auth.models import User
from app.directory.models import Person
from app.extensions import db
from app.mail import services as mail
from app.rollout import constants as c
from app.urls import absolute_url

SUBMITTED, ACCEPTED, RETURNED = c.SUBMITTED, c.ACCEPTED, c.RETURNED
# status reached → (template under app/rollout/templates/mail/, subject)
LETTERS = {
    SUBMITTED: ("report_submitted", lambda name, quarter: _(
        "%(municipality)s has submitted the rollout report for %(quarter)s",
        municipality=name, quarter=quarter)),
    ACCEPTED: ("report_accepted", lambda name, quarter: _(
        "The rollout report for %(quarter)s is accepted", quarter=quarter)),
    RETURNED: ("report_returned", lambda name, quarter: _(
        "The rollout report for %(quarter)s is returned for correction", quarter=quarter)),
}


def report_url(report):
    """The report page's address for a letter."""
    return absolute_url("rollout_reports.report", municipality_id=report.municipality_id, year=report.year,
                        quarter=report.quarter)


def recipients(report, status):
    """Who acts next: the region's coordinators on submission, the municipality's specialists after review."""
    query = select(User).join(Person, User.person_id == Person.id).where(User.is_enabled.is_(True))
    if status == SUBMITTED:
        query = query.where(User.role == roles.COORDINATOR)
    else:
        query = query.where(User.role == roles.MUNICIPAL, Person.organization_id == report.municipality_id)
    return db.session.scalars(query.order_by(User.email)).all()


def notify(report, status):
    """Queue one letter per recipient about the report's new status; return the outbox rows."""
    template, subject = LETTERS[status]
    quarter = c.quarter_label(report.year, report.quarter)
    name = report.municipality.display_name
    return [mail.queue(user.email, subject(name, quarter), template, report=report, reader=user,
                       municipality=name, quarter=quarter, url=report_url(report))
            for user in recipients(report, status)]
