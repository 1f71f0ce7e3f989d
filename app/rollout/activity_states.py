"""Where each activity of the plan stands, computed from the data (the plan page's «state» column).

One call, a fixed number of statements whatever the number of schools, tickets or seminars:
the progress rows (1), the deadlines (1), the hotline (2), seminars (1), courses (1 + 3 for completion)
and last quarter's reports (1).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import and_, case, distinct, func, or_, select

from app.auth import permissions
from app.directory import kinds
from app.errors import PermissionDenied
from app.extensions import db
from app.rollout import clock
from app.rollout import constants as c
from app.rollout.milestones import overdue_items, progress_rows, total_counts
from app.rollout.models import QuarterlyReport
from app.rollout.plan import milestone_deadlines, plan_activities
from tickets import constants as ticket_constants
from tickets.municipal_stats import hotline_totals
from training import constants as tc
from training import reports as training_reports
from training.models import Course, Registration, Seminar

# States of an activity (a milestone activity is done / in progress / overdue; a permanent one is
# being carried out, or needs attention while milestones are overdue).
DONE, IN_PROGRESS, OVERDUE, ACTIVE, ATTENTION, IDLE = (
    "done", "in_progress", "overdue", "active", "attention", "idle")
STATE_LABELS = {
    DONE: _l("Carried out"), IN_PROGRESS: _l("Under way"), OVERDUE: _l("Deadline missed"),
    ACTIVE: _l("Being carried out"), ATTENTION: _l("Needs attention"), IDLE: _l("No activity yet"),
}
STATE_STYLES = {DONE: "success", IN_PROGRESS: "primary", OVERDUE: "danger", ACTIVE: "success",
                ATTENTION: "warning", IDLE: "secondary"}
HOTLINE_DAYS = 30
# Plan items whose state comes from other packages' figures (milestone ones follow PlanActivity.milestone).
HOTLINE_ITEMS = {"1.1": ticket_constants.TECHNICAL, "1.2": ticket_constants.METHODOLOGICAL}
SEMINAR_ITEM, COURSE_ITEM, REPORT_ITEM = "1.3", "1.4", "2.6"
CONTROL_ITEMS = ("2.5", "2.7")
SEMINAR_MONTHS = (4, 9)
# Who may follow each activity's link to the details; the link is left out for everyone else.
LINK_RULES = {
    "rollout.index": permissions.can_view_rollout,
    "rollout_reports.index": permissions.can_view_quarterly_reports,
    "tickets.index": permissions.can_file_ticket,
    "training_seminars.index": permissions.is_signed_in,
    "training_reports.index": permissions.can_view_training_reports,
}


@dataclass
class ActivityState:
    """An activity's state, the figures behind it (translated lines) and the page with the details."""

    state: str
    lines: list = field(default_factory=list)
    endpoint: str = ""

    @property
    def label(self):
        """Translated state."""
        return STATE_LABELS[self.state]

    @property
    def style(self):
        """Bootstrap colour of the state's badge."""
        return STATE_STYLES[self.state]


def _share(done, total):
    return ngettext("%(done)d of %(num)d school (%(percent)d %%)",
                    "%(done)d of %(num)d schools (%(percent)d %%)", total, done=done,
                    percent=round(100 * done / total))


def _milestone_state(key, rows, counts, deadline, day):
    if not counts.total:
        return ActivityState(IDLE, [_("No schools in the directory yet.")], "rollout.index")
    done, everyone = counts.done[key], counts.total
    lines = [_share(done, counts.total)]
    if key == c.APPOINTED:
        offices = [row for row in rows if row.kind == kinds.MUNICIPALITY]
        appointed = sum(row.is_done(key) for row in offices)
        lines.append(_("Education offices: %(done)d of %(total)d", done=appointed, total=len(offices)))
        done, everyone = done + appointed, everyone + len(offices)
    if counts.overdue[key]:
        lines.append(_("Overdue at schools: %(count)d", count=counts.overdue[key]))
    late = deadline is not None and deadline < day
    state = DONE if done == everyone else (OVERDUE if late else IN_PROGRESS)
    return ActivityState(state, lines, "rollout.index")


def _hotline_state(figures, queue):
    count = figures.by_queue.get(queue, 0)
    lines = [_("Tickets in the last %(days)d days: %(count)d", days=HOTLINE_DAYS, count=count),
             _("Of them open now: %(count)d", count=figures.open_by_queue.get(queue, 0))]
    return ActivityState(ACTIVE if count else IDLE, lines, "tickets.index")


def _month_bounds(year, month, day):
    """The month's first day and its last day that has come (None when the month has not begun)."""
    start = date(year, month, 1)
    end = (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)
    return (start, min(end, day), end) if start <= day else None


def _seminar_counts(day):
    """{month: (seminars held, places registered, attended fully or partly)} of April and September."""
    months = {month: bounds for month in SEMINAR_MONTHS if (bounds := _month_bounds(day.year, month, day))}
    if not months:
        return {}
    conditions = {month: and_(*training_reports.Period(start, last).criteria(Seminar.starts_at))
                  for month, (start, last, _end) in months.items()}
    month_of = case(*((condition, month) for month, condition in conditions.items()))
    query = (
        select(month_of, func.count(distinct(Seminar.id)),
               func.count(case((Registration.status == tc.REGISTERED, Registration.id))),
               func.count(case((Registration.attendance.in_((tc.ATTENDED, tc.PARTIAL)), Registration.id))))
        .select_from(Seminar).outerjoin(Registration, Registration.seminar_id == Seminar.id)
        .where(Seminar.status != tc.CANCELLED, or_(*conditions.values())).group_by(month_of)
    )
    return {row[0]: tuple(row[1:]) for row in db.session.execute(query)}


def _seminar_state(day):
    counts, lines, missed, ended = _seminar_counts(day), [], 0, 0
    for month in SEMINAR_MONTHS:
        bounds = _month_bounds(day.year, month, day)
        if bounds is None:
            continue
        held, registered, attended = counts.get(month, (0, 0, 0))
        name = _("April") if month == 4 else _("September")
        lines.append(_("%(month)s %(year)d: seminars %(held)d, registered %(registered)d, attended "
                       "%(attended)d", month=name, year=day.year, held=held, registered=registered,
                       attended=attended))
        if bounds[2] < day:
            ended += 1
            missed += not held
    if not lines:
        return ActivityState(IDLE, [_("The first seminars of the year are due in April.")],
                             "training_seminars.index")
    state = OVERDUE if missed else (DONE if ended == len(SEMINAR_MONTHS) else IN_PROGRESS)
    return ActivityState(state, lines, "training_seminars.index")


def _course_state():
    published = db.session.scalar(select(func.count(Course.id)).where(Course.status == tc.PUBLISHED))
    total = training_reports.total(training_reports.completion_by_organization(), "")
    lines = [_("Courses open for enrolment: %(count)d", count=published)]
    if total is not None and total.staff:
        lines.append(_("Finished the course: %(finished)d of %(staff)d school staff (%(share)s %%)",
                       finished=total.finished, staff=total.staff, share=total.share))
    return ActivityState(ACTIVE if published else IDLE, lines, "training_reports.index")


def _control_state(rows, deadlines):
    items = overdue_items(rows, deadlines)
    if not items:
        return ActivityState(ACTIVE, [_("No overdue milestones.")], "rollout.index")
    organizations = len({item.row.id for item in items})
    return ActivityState(ATTENTION, [_("Overdue milestones: %(count)d at %(organizations)d organizations",
                                       count=len(items), organizations=organizations)], "rollout.index")


def _report_state(rows, day):
    year, quarter = c.previous_quarter(*c.quarter_of(day))
    statuses = dict(db.session.execute(
        select(QuarterlyReport.status, func.count(QuarterlyReport.id))
        .where(QuarterlyReport.year == year, QuarterlyReport.quarter == quarter)
        .group_by(QuarterlyReport.status)
    ).all())
    municipalities = sum(row.kind == kinds.MUNICIPALITY for row in rows)
    accepted = statuses.get(c.ACCEPTED, 0)
    submitted = accepted + statuses.get(c.SUBMITTED, 0)
    lines = [_("%(quarter)s: submitted %(submitted)d of %(total)d, accepted %(accepted)d",
               quarter=c.quarter_label(year, quarter), submitted=submitted, total=municipalities,
               accepted=accepted)]
    if municipalities and accepted == municipalities:
        state = DONE
    elif submitted < municipalities and c.report_due_on(year, quarter) < day:
        state = OVERDUE
    else:
        state = IN_PROGRESS
    return ActivityState(state, lines, "rollout_reports.index")


def activity_states(activities, day=None):
    """{activity number: ActivityState} of the plan's activities on the day (today by default)."""
    day = day or clock.today()
    deadlines, rows = milestone_deadlines(), progress_rows(day)
    counts = total_counts(rows, deadlines)
    hotline = hotline_totals(day - timedelta(days=HOTLINE_DAYS - 1), day)
    control = _control_state(rows, deadlines)
    states = {}
    for activity in activities:
        number = activity.number
        if activity.milestone in c.MILESTONES:
            key = activity.milestone
            states[number] = _milestone_state(key, rows, counts, deadlines[key], day)
        elif number in HOTLINE_ITEMS:
            states[number] = _hotline_state(hotline, HOTLINE_ITEMS[number])
        elif number == SEMINAR_ITEM:
            states[number] = _seminar_state(day)
        elif number == COURSE_ITEM:
            states[number] = _course_state()
        elif number in CONTROL_ITEMS:
            states[number] = control
        elif number == REPORT_ITEM:
            states[number] = _report_state(rows, day)
    return states


@dataclass
class PlanSection:
    """A section of the plan («1. Технологическое и методическое обеспечение») and its activities."""

    number: str
    title: str
    activities: list = field(default_factory=list)  # [(PlanActivity, ActivityState or None)]


def plan_overview(actor):
    """The plan's sections with each activity and its state, for the plan page."""
    if not permissions.can_view_plan(actor):
        raise PermissionDenied()
    activities = plan_activities()
    states = activity_states(activities)
    for state in states.values():
        rule = LINK_RULES.get(state.endpoint)
        if rule is None or not rule(actor):
            state.endpoint = ""
    sections = []
    for activity in activities:
        if not sections or sections[-1].number != activity.section_number:
            sections.append(PlanSection(activity.section_number, activity.section_title))
        sections[-1].activities.append((activity, states.get(activity.number)))
    return sections
