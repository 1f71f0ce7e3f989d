"""Sorting of the dashboards' tables and their XLSX sheets (the same figures the pages show)."""

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.rollout import constants as c

ASC, DESC = "asc", "desc"
DEFAULT_SORT = "name"
NAME, SCHOOLS, OFFICE, OVERDUE = "name", "schools", "office", "overdue"

# (column key, header) of the region's table and of a municipality's table, in page order.
REGION_COLUMNS = (
    (NAME, _l("Municipality")),
    (SCHOOLS, _l("Schools")),
    *((key, c.MILESTONE_SHORT_LABELS[key]) for key in c.SCHOOL_MILESTONES),
    (OFFICE, _l("Office: responsible appointed")),
    (OVERDUE, _l("Overdue milestones")),
)
SCHOOL_COLUMNS = (
    (NAME, _l("School")),
    *((key, c.MILESTONE_SHORT_LABELS[key]) for key in c.SCHOOL_MILESTONES),
    (OVERDUE, _l("Overdue milestones")),
)


def parse_sort(sort, direction, columns):
    """(column, direction) asked for; anything unknown falls back to the default order, not an error."""
    keys = {key for key, _label in columns}
    sort = sort if sort in keys else DEFAULT_SORT
    return sort, direction if direction in (ASC, DESC) else ASC


def _by_name(row_name):
    return row_name.casefold().replace("ё", "е")


def _percent_key(value):
    return -1 if value is None else value  # municipalities without schools sort below 0 %


def sort_municipalities(rows, sort, direction):
    """The region's rows by the column; equal values keep name order in both directions."""
    rows = sorted(rows, key=lambda row: _by_name(row.name))
    if sort == SCHOOLS:
        key = lambda row: row.counts.total  # noqa: E731
    elif sort in c.SCHOOL_MILESTONES:
        key = lambda row: _percent_key(row.percent(sort))  # noqa: E731
    elif sort == OFFICE:
        key = lambda row: row.is_office_appointed  # noqa: E731
    elif sort == OVERDUE:
        key = lambda row: row.overdue  # noqa: E731
    else:
        return rows[::-1] if direction == DESC else rows
    return sorted(rows, key=key, reverse=direction == DESC)


def _done_key(done_on):
    # Done earliest first, then those not done; descending puts the not-done ones on top.
    return (done_on is None, done_on or date.min)


def sort_schools(rows, sort, direction):
    """A municipality's school rows by the column; equal values keep name order."""
    rows = sorted(rows, key=lambda school: _by_name(school.row.name))
    if sort in c.SCHOOL_MILESTONES:
        key = lambda school: _done_key(school.states[sort].done_on)  # noqa: E731
    elif sort == OVERDUE:
        key = lambda school: school.overdue  # noqa: E731
    else:
        return rows[::-1] if direction == DESC else rows
    return sorted(rows, key=key, reverse=direction == DESC)


def next_direction(current_sort, current_direction, column):
    """The direction a header link asks for: the opposite on the current column, ascending elsewhere."""
    if column == current_sort and current_direction == ASC:
        return DESC
    return ASC


# --- XLSX -------------------------------------------------------------------------------------------


def _yes_no(value):
    return _("Yes") if value else _("No")


def _headers(columns):
    return [str(label) + (", %" if key in c.SCHOOL_MILESTONES else "") for key, label in columns]


def overdue_sheet(items):
    """(title, header, rows) of overdue items."""
    header = [_("Organization"), _("Municipality"), _("Milestone"), _("Deadline"), _("Days overdue")]
    rows = [(item.row.name, item.row.municipality_name, str(item.label), item.deadline, item.days_overdue)
            for item in items]
    return _("Overdue milestones"), header, rows


def region_sheets(dashboard):
    """The region's table (with the totals row) and its longest-overdue items, as XLSX sheets."""
    rows = [(row.name, row.counts.total, *(row.percent(key) for key in c.SCHOOL_MILESTONES),
             _yes_no(row.is_office_appointed), row.overdue) for row in dashboard.rows]
    totals = dashboard.totals
    rows.append((_("Region total"), totals.total, *(totals.percent(key) for key in c.SCHOOL_MILESTONES),
                 f"{dashboard.offices_appointed} / {dashboard.offices_total}", len(dashboard.overdue)))
    return [(_("Municipalities"), _headers(REGION_COLUMNS), rows)]


def _cell(state):
    """A school's milestone in a sheet: the date it was done, or its state."""
    if state.done_on:
        return state.done_on
    return _("past due") if state.state == c.OVERDUE else str(state.state_label)


def municipality_sheets(dashboard):
    """A municipality's schools by milestone (with the % row) and its overdue items, as XLSX sheets."""
    header = [str(label) for _key, label in SCHOOL_COLUMNS]
    rows = [(school.row.name, *(_cell(school.states[key]) for key in c.SCHOOL_MILESTONES), school.overdue)
            for school in dashboard.schools]
    counts = dashboard.counts
    rows.append((_("Share of schools done, %"), *(counts.percent(key) for key in c.SCHOOL_MILESTONES),
                 counts.overdue_total))
    return [(_("Schools"), header, rows), overdue_sheet(dashboard.overdue)]


def export_filename(name, day):
    """A download name that says what and when: «rollout-…-2010-12-20.xlsx»."""
    prefix = _("rollout")
    return f"{prefix}-{name}-{day.isoformat()}.xlsx"
