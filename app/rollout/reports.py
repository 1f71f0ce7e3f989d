"""Quarterly reports of municipalities (plan item 2.6): pages, the workflow and the regional summary.

A report is created as a draft when its municipality's specialist first saves it; submitting freezes
the figures as they are at that moment; the regional coordinator accepts it or returns it with a
comment, and a returned report is edited and submitted again (its figures refrozen). Every move is a
ReportTransition row and an audit event, committed once with the e-mail it queues.
"""

import functools
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from app.audit import services as audit
from app.auth import permissions
from app.directory import kinds
from app.directory.models import Organization
from app.errors import Conflict, NotFound, PermissionDenied, ServiceError, ValidationFailed
from app.extensions import db
from app.mail import services as mail
from app.rollout import clock, report_figures, report_mail
from app.rollout import constants as c
from app.rollout.models import QuarterlyReport, ReportTransition
from app.timeutil import utcnow

# The order (No 3116 of 08.11.2010) starts the rollout: its first quarter is the first to report on.
FIRST_QUARTER = (2010, 4)
SUBMIT, ACCEPT, RETURN = "submit", "accept", "return"


# --- quarters -----------------------------------------------------------------------------------


def current_quarter():
    """The quarter today falls in."""
    return c.quarter_of(clock.today())


def default_quarter():
    """The quarter reports are being written for: the previous one (the current one in the first)."""
    previous = c.previous_quarter(*current_quarter())
    return max(previous, FIRST_QUARTER)


def quarters():
    """Every quarter that may have a report, newest first."""
    found, quarter = [], current_quarter()
    while quarter >= FIRST_QUARTER:
        found.append(quarter)
        quarter = c.previous_quarter(*quarter)
    return found


def check_quarter(year, quarter):
    """Refuse a quarter outside IV 2010 … the current quarter, with a message saying which are allowed."""
    if quarter not in (1, 2, 3, 4):
        message = _("Choose a quarter from I to IV.")
        raise ValidationFailed(message, {"quarter": [message]})
    if not FIRST_QUARTER <= (year, quarter) <= current_quarter():
        message = _("Reports cover the quarters from %(first)s to the current one, %(current)s.",
                    first=c.quarter_label(*FIRST_QUARTER), current=c.quarter_label(*current_quarter()))
        raise ValidationFailed(message, {"year": [message]})
    return year, quarter


def parse_quarter(year_text="", quarter_text=""):
    """(year, quarter) from query-string values; both empty → the default quarter."""
    year_text, quarter_text = str(year_text or "").strip(), str(quarter_text or "").strip()
    if not year_text and not quarter_text:
        return default_quarter()
    if not year_text.isdigit() or len(year_text) != 4:
        message = _("Enter the year with four digits, for example 2011.")
        raise ValidationFailed(message, {"year": [message]})
    if not quarter_text.isdigit() or len(quarter_text) > 1:
        message = _("Choose a quarter from I to IV.")
        raise ValidationFailed(message, {"quarter": [message]})
    return check_quarter(int(year_text), int(quarter_text))


def parse_version(text):
    """The version a form was built on (0: no report yet), None when not given."""
    text = str(text if text is not None else "").strip()
    if not text:
        return None
    if not text.isdigit():
        raise ValidationFailed(_("The form is damaged. Reload the page and try again."))
    return int(text)


# --- reading ------------------------------------------------------------------------------------


def visible_municipality(actor, municipality_id):
    """The municipality whose reports the actor opens (403 without access to reports, 404 outside scope)."""
    if not permissions.can_view_quarterly_reports(actor):
        raise PermissionDenied()
    municipality = db.session.get(Organization, municipality_id) if municipality_id else None
    if not permissions.can_view_quarterly_report(actor, municipality):
        raise NotFound()
    return municipality


def find_report(municipality_id, year, quarter):
    """The report of a municipality for a quarter, or None."""
    return db.session.scalar(select(QuarterlyReport).where(
        QuarterlyReport.municipality_id == municipality_id, QuarterlyReport.year == year,
        QuarterlyReport.quarter == quarter))


@dataclass
class ReportPage:
    """A report as a page or a download shows it: figures (frozen or live), texts, history, actions."""

    municipality: Organization
    year: int
    quarter: int
    report: QuarterlyReport | None
    figures: dict
    is_live: bool
    can_edit: bool = False
    can_submit: bool = False
    can_review: bool = False
    transitions: list = field(default_factory=list)

    @property
    def status(self):
        """The report's status, None when not started."""
        return self.report.status if self.report else None

    @property
    def as_of(self):
        """The day the figures describe."""
        return report_figures.figures_date(self.figures)

    @property
    def label(self):
        """«IV квартал 2010 г.»."""
        return c.quarter_label(self.year, self.quarter)

    @property
    def due_on(self):
        """When the report is due."""
        return c.report_due_on(self.year, self.quarter)

    @property
    def version(self):
        """The version forms send back (0 before the report exists)."""
        return self.report.version if self.report else 0

    def text(self, section):
        """A free-text section, empty before the report exists."""
        return getattr(self.report, section) if self.report else ""


def build_page(municipality, year, quarter, actor=None):
    """The page of a report without access checks (the CLI and the services below use it)."""
    report = find_report(municipality.id, year, quarter)
    if report is not None and report.is_frozen:
        figures, is_live = report.figures, False
    else:
        figures, is_live = report_figures.municipality_figures(municipality.id, year, quarter), True
    page = ReportPage(municipality, year, quarter, report, figures, is_live)
    if report is not None:
        page.transitions = db.session.scalars(
            select(ReportTransition).options(selectinload(ReportTransition.actor))
            .where(ReportTransition.report_id == report.id).order_by(ReportTransition.id)).all()
    if actor is not None:
        editable = report is None or report.is_editable
        page.can_edit = page.can_submit = editable and permissions.can_prepare_quarterly_report(
            actor, municipality)
        page.can_review = (report is not None and report.status == c.SUBMITTED
                           and permissions.can_review_quarterly_reports(actor))
    return page


def report_page(actor, municipality_id, year, quarter):
    """A municipality's report for a quarter as the actor may see and act on it."""
    municipality = visible_municipality(actor, municipality_id)
    check_quarter(year, quarter)
    return build_page(municipality, year, quarter, actor)


# --- the workflow -------------------------------------------------------------------------------


def new_report(municipality_id, year, quarter, texts=None):
    """A draft added to the session (not committed): shared by the services and the demo build."""
    report = QuarterlyReport(municipality_id=municipality_id, year=year, quarter=quarter, status=c.DRAFT,
                             **dict.fromkeys(c.REPORT_SECTIONS, ""))
    for section, text in (texts or {}).items():
        setattr(report, section, text)
    db.session.add(report)
    return report


def move(report, to_status, actor, comment="", figures=None, at=None):
    """Move a report along REPORT_TRANSITIONS and add the history row; the caller commits.

    Submitting freezes `figures`; accepting or returning records the reviewer and the comment.
    """
    if to_status not in c.REPORT_TRANSITIONS.get(report.status, ()):
        raise Conflict(_("The report is «%(status)s» now; this action is not available for it. "
                         "Reload the page.", status=report.status_label))
    at = at or utcnow()
    actor_id = actor.id if actor is not None else None
    if to_status == c.SUBMITTED:
        report.figures, report.figures_at = figures, at
        report.submitted_at, report.submitted_by_id = at, actor_id
    else:
        report.reviewed_at, report.reviewed_by_id, report.review_comment = at, actor_id, comment
    transition = ReportTransition(from_status=report.status, to_status=to_status, actor_id=actor_id,
                                  comment=comment, created_at=at)
    report.transitions.append(transition)
    report.status = to_status
    return transition


def _conflict():
    return Conflict(_("Someone else changed this report while you were working on it. "
                      "Reload the page, check the changes and try again. Copy your text first."))


def _check_version(report, expected_version):
    current = report.version if report is not None else 0
    if expected_version is not None and expected_version != current:
        raise _conflict()


def _clean_texts(texts):
    """The sections given, stripped; too long ones named."""
    cleaned, errors = {}, {}
    for section in c.REPORT_SECTIONS:
        if section not in (texts or {}):
            continue
        value = str(texts[section] or "").replace("\r\n", "\n").strip()
        if len(value) > c.REPORT_TEXT_MAX:
            errors[section] = [_("Shorten the text to %(max)d characters (now %(length)d).",
                                 max=c.REPORT_TEXT_MAX, length=len(value))]
        cleaned[section] = value
    if errors:
        raise ValidationFailed(_("Please correct the fields marked below."), errors)
    return cleaned


def _prepared(actor, municipality_id, year, quarter, texts, expected_version):
    """The editable report with the texts applied (created as a draft if new); audited, not committed."""
    municipality = visible_municipality(actor, municipality_id)
    if not permissions.can_prepare_quarterly_report(actor, municipality):
        raise PermissionDenied(_("Only the municipality's specialists write its report."))
    check_quarter(year, quarter)
    texts = _clean_texts(texts)
    report = find_report(municipality.id, year, quarter)
    _check_version(report, expected_version)
    if report is None:
        report = new_report(municipality.id, year, quarter, texts)
        db.session.flush()
        audit.record("rollout.report_created", actor=actor, target=report, municipality=municipality.code,
                     quarter=f"{year}-{quarter}")
        return report
    if not report.is_editable:
        raise Conflict(_("The report has been submitted and cannot be changed now."))
    changed = [section for section, text in texts.items() if getattr(report, section) != text]
    for section in changed:
        setattr(report, section, texts[section])
    if changed:
        audit.record("rollout.report_updated", actor=actor, target=report, sections=changed)
    return report


def _commit(outgoing=()):
    """The one commit of a workflow step, then the queued letters go out; a lost race is a Conflict."""
    try:
        db.session.commit()
    except (StaleDataError, IntegrityError) as error:
        db.session.rollback()
        raise _conflict() from error
    mail.deliver_soon([message.id for message in outgoing])


def _rolls_back(service):
    """A refused step leaves nothing half-done in the session (a new draft, changed texts)."""

    @functools.wraps(service)
    def wrapper(*args, **kwargs):
        try:
            return service(*args, **kwargs)
        except ServiceError:
            db.session.rollback()
            raise

    return wrapper


@_rolls_back
def save_report(actor, municipality_id, year, quarter, texts, expected_version=None):
    """Save the free-text sections of a draft or returned report (creating the draft on first save)."""
    report = _prepared(actor, municipality_id, year, quarter, texts, expected_version)
    _commit()
    return report


@_rolls_back
def submit_report(actor, municipality_id, year, quarter, texts=None, expected_version=None):
    """Save the sections given, then submit: the figures are computed now and frozen."""
    report = _prepared(actor, municipality_id, year, quarter, texts or {}, expected_version)
    if not any(getattr(report, section).strip() for section in c.REPORT_SECTIONS):
        message = _("Fill in at least one section (problems, measures taken or proposals) before submitting.")
        raise ValidationFailed(message, {"problems": [message]})
    figures = report_figures.municipality_figures(report.municipality_id, year, quarter)
    move(report, c.SUBMITTED, actor, figures=figures)
    audit.record("rollout.report_submitted", actor=actor, target=report, quarter=f"{year}-{quarter}",
                 schools=figures["schools"])
    outgoing = report_mail.notify(report, report_mail.SUBMITTED)
    _commit(outgoing)
    return report


@_rolls_back
def review_report(actor, municipality_id, year, quarter, decision, comment="", expected_version=None):
    """The regional coordinator accepts a submitted report or returns it with a required comment."""
    municipality = visible_municipality(actor, municipality_id)
    if not permissions.can_review_quarterly_reports(actor):
        raise PermissionDenied(_("Only the regional coordinator accepts or returns reports."))
    report = find_report(municipality.id, year, quarter)
    if report is None:
        raise NotFound(_("The municipality has not started this report yet."))
    _check_version(report, expected_version)
    comment = str(comment or "").replace("\r\n", "\n").strip()
    if decision == RETURN and not comment:
        message = _("Say what must be corrected: a returned report needs a comment.")
        raise ValidationFailed(message, {"comment": [message]})
    if len(comment) > c.REPORT_TEXT_MAX:
        message = _("Shorten the text to %(max)d characters (now %(length)d).", max=c.REPORT_TEXT_MAX,
                    length=len(comment))
        raise ValidationFailed(message, {"comment": [message]})
    to_status = {ACCEPT: c.ACCEPTED, RETURN: c.RETURNED}.get(decision)
    if to_status is None:
        raise ValidationFailed(_("Choose to accept or to return the report."))
    move(report, to_status, actor, comment=comment)
    action = "rollout.report_accepted" if to_status == c.ACCEPTED else "rollout.report_returned"
    audit.record(action, actor=actor, target=report, quarter=f"{year}-{quarter}", comment=comment)
    outgoing = report_mail.notify(report, to_status)
    _commit(outgoing)
    return report


def municipality_by_code(code):
    """A municipality by its code (the CLI's --municipality), NotFound if there is none."""
    municipality = db.session.scalar(select(Organization).where(
        Organization.code == code, Organization.kind == kinds.MUNICIPALITY))
    if municipality is None:
        raise NotFound(_("There is no municipality with the code «%(code)s».", code=code))
    return municipality
