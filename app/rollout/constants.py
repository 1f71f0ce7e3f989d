"""Milestones, plan periodicities, report statuses and quarters of the rollout (plan items 2.1–2.7)."""

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l

# --- milestones of an organization (plan items 2.1–2.4) ------------------------------------------
APPOINTED = "appointed"  # 2.1: a responsible person appointed by order
ACTIVATED = "activated"  # 2.2: the school activated on the e-journal platform
INFO_SPACE = "info_space"  # 2.3: the school's information space organized (the checklist below)
DAILY_ENTRY = "daily_entry"  # 2.4: daily entry of marks started
MILESTONES = (APPOINTED, ACTIVATED, INFO_SPACE, DAILY_ENTRY)
MILESTONE_LABELS = {
    APPOINTED: _l("Responsible person appointed"),
    ACTIVATED: _l("Activated on the e-journal platform"),
    INFO_SPACE: _l("Information space organized"),
    DAILY_ENTRY: _l("Daily entry of marks started"),
}
# Short column titles for tables and charts.
MILESTONE_SHORT_LABELS = {
    APPOINTED: _l("Appointed"),
    ACTIVATED: _l("Activated"),
    INFO_SPACE: _l("Information space"),
    DAILY_ENTRY: _l("Daily entry"),
}
# The plan item each milestone carries out.
MILESTONE_PLAN_ITEMS = {APPOINTED: "2.1", ACTIVATED: "2.2", INFO_SPACE: "2.3", DAILY_ENTRY: "2.4"}
# A municipal office appoints its responsible person (2.1); the rest concerns schools.
SCHOOL_MILESTONES = MILESTONES
OFFICE_MILESTONES = (APPOINTED,)

# --- the information space checklist (plan item 2.3) ----------------------------------------------
CHECKLIST = ("classes", "subjects", "staff", "pupils", "timetable")
CHECKLIST_LABELS = {
    "classes": _l("Classes loaded"),
    "subjects": _l("Subjects loaded"),
    "staff": _l("Staff loaded"),
    "pupils": _l("Pupils loaded"),
    "timetable": _l("Timetable loaded"),
}

# --- milestone states -------------------------------------------------------------------------------
DONE = "done"
DUE = "due"
OVERDUE = "overdue"
STATES = (DONE, DUE, OVERDUE)
STATE_LABELS = {DONE: _l("Milestone done"), DUE: _l("Not yet due"), OVERDUE: _l("Milestone overdue")}

# --- plan activities ----------------------------------------------------------------------------------
ONCE = "once"  # by a date
PERMANENT = "permanent"  # «постоянно»
DAILY = "daily"  # «ежедневно»
QUARTERLY = "quarterly"  # «ежеквартально»
APRIL_SEPTEMBER = "april_september"  # «апрель, сентябрь»
PERIODICITIES = (ONCE, PERMANENT, DAILY, QUARTERLY, APRIL_SEPTEMBER)
PERIODICITY_LABELS = {
    ONCE: _l("By the date"),
    PERMANENT: _l("Permanently"),
    DAILY: _l("Daily"),
    QUARTERLY: _l("Quarterly"),
    APRIL_SEPTEMBER: _l("April, September"),
}

# --- quarterly reports (plan item 2.6) ----------------------------------------------------------------
DRAFT = "draft"
SUBMITTED = "submitted"
ACCEPTED = "accepted"
RETURNED = "returned"
REPORT_STATUSES = (DRAFT, SUBMITTED, ACCEPTED, RETURNED)
REPORT_STATUS_LABELS = {
    DRAFT: _l("Being prepared"),
    SUBMITTED: _l("Submitted for review"),
    ACCEPTED: _l("Accepted"),
    RETURNED: _l("Returned for correction"),
}
# Allowed workflow moves: the municipal specialist submits, the regional coordinator accepts or returns.
REPORT_TRANSITIONS = {
    DRAFT: (SUBMITTED,),
    RETURNED: (SUBMITTED,),
    SUBMITTED: (ACCEPTED, RETURNED),
    ACCEPTED: (),
}
EDITABLE_REPORT_STATUSES = (DRAFT, RETURNED)
# Free-text sections of a report.
REPORT_SECTIONS = ("problems", "measures", "proposals")
REPORT_SECTION_LABELS = {
    "problems": _l("Problems"),
    "measures": _l("Measures taken"),
    "proposals": _l("Proposals"),
}
REPORT_TEXT_MAX = 20000
# A quarter's report is due on this day of the month after the quarter.
REPORT_DUE_DAY = 10

# --- reminders ----------------------------------------------------------------------------------------
MILESTONE_REMINDER_DAYS = 7  # a milestone's deadline is this close
QUARTER_REMINDER_DAYS = 14  # the quarter ends this soon


def quarter_of(day):
    """(year, quarter 1–4) of a date."""
    return day.year, (day.month - 1) // 3 + 1


def quarter_bounds(year, quarter):
    """The first and last day of a quarter."""
    start = date(year, 3 * quarter - 2, 1)
    next_start = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return start, next_start - timedelta(days=1)


def previous_quarter(year, quarter):
    """The quarter before."""
    return (year - 1, 4) if quarter == 1 else (year, quarter - 1)


def report_due_on(year, quarter):
    """When a quarter's report is due: the REPORT_DUE_DAY of the month after the quarter."""
    _start, end = quarter_bounds(year, quarter)
    following = end + timedelta(days=1)
    return following.replace(day=REPORT_DUE_DAY)


def quarter_label(year, quarter):
    """«IV квартал 2026 г.»-style label (Roman numeral; the words are translated)."""
    from flask_babel import gettext as _

    return _("%(numeral)s quarter %(year)d", numeral=("I", "II", "III", "IV")[quarter - 1], year=year)
