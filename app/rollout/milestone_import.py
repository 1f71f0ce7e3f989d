"""Schools' milestone dates from a CSV file, and the template to fill in.

Read like the directory import (UTF-8 or Windows-1251, `;` or `,`, a header row). All or nothing: every
line is checked with the same rules as the school page's form; one bad line and nothing is written, the
report lists every bad line by number. An empty cell keeps the date, «-» clears it.
"""

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from app.audit import services as audit
from app.auth import permissions
from app.directory import importer, kinds
from app.directory.models import Organization
from app.errors import PermissionDenied
from app.extensions import db
from app.rollout import clock
from app.rollout.milestones import progress_rows
from app.rollout.models import RolloutStatus
from app.rollout.school_milestones import (
    FIELD_LABELS,
    MILESTONE_FIELDS,
    apply_values,
    check_values,
    commit_changes,
    parse_value,
    proposed_values,
)

# Column key → accepted header titles; the second one names the column in messages and the template.
COLUMNS = {
    "code": ("code", "Код школы", "Код", "school_code"),
    "name": ("name", "Наименование", "Школа", "Название"),
    "activated_on": ("activated_on", "Дата активации", "Активация", "activated"),
    "classes_on": ("classes_on", "Классы", "classes"),
    "subjects_on": ("subjects_on", "Предметы", "subjects"),
    "staff_on": ("staff_on", "Сотрудники", "staff"),
    "pupils_on": ("pupils_on", "Ученики", "pupils"),
    "timetable_on": ("timetable_on", "Расписание", "timetable"),
    "daily_entry_on": ("daily_entry_on", "Ежедневный ввод", "Ежедневный ввод отметок", "daily_entry"),
}
REQUIRED = ("code",)
# A cell with one of these clears the date.
CLEAR = ("-", "—", "–")


@dataclass
class MilestoneImportReport:
    """What an import did, or the (line number, message) errors that stopped it."""

    rows: int = 0
    changed: int = 0
    errors: list = field(default_factory=list)
    ignored_columns: list = field(default_factory=list)
    # (school, {field: [old, new]}) of each school the file changed.
    changes: list = field(default_factory=list)

    @property
    def ok(self):
        """Whether the file was applied."""
        return not self.errors


def _title(key, titles=None):
    return (titles or {}).get(key) or COLUMNS[key][1]


def _cell_data(row, report, titles):
    """{field: date or None} of the row's non-empty date cells; bad dates go to the report."""
    data, is_valid = {}, True
    for name in MILESTONE_FIELDS:
        text = row.cells.get(name, "")
        if not text:
            continue
        if text in CLEAR:
            data[name] = None
            continue
        data[name], parsed = parse_value(text)
        if not parsed:
            is_valid = False
            report.errors.append((row.line, _("Column “%(column)s”: “%(value)s” is not a date; write it as "
                                              "10.11.2010 or 2010-11-10, or “-” to clear it.",
                                              column=_title(name, titles), value=text)))
    return data, is_valid


def _school_error(actor, code, school, seen):
    if not code:
        return _("The school code is empty.")
    if code in seen:
        return _("The school %(code)s already appeared on line %(line)d.", code=code, line=seen[code])
    if school is None:
        return _("No organization has the code %(code)s.", code=code)
    if school.kind != kinds.SCHOOL:
        return _("%(code)s is the code of %(name)s, which is not a school.", code=code,
                 name=school.display_name)
    if not permissions.can_update_milestones(actor, school):
        return _("You cannot update %(name)s (%(code)s): the school is outside your scope.",
                 code=code, name=school.display_name)
    return None


def _existing(rows):
    """The organizations the file's codes name ({code: organization}) and their status rows ({id: row})."""
    codes = {row.cells["code"] for row in rows if row.cells["code"]}
    if not codes:
        return {}, {}
    schools = {org.code: org for org in db.session.scalars(
        select(Organization).where(Organization.code.in_(codes)))}
    statuses = {status.organization_id: status for status in db.session.scalars(
        select(RolloutStatus).where(RolloutStatus.organization_id.in_([s.id for s in schools.values()])))}
    return schools, statuses


def _checked_values(row, status, titles, report):
    """The school's dates after the row, or None when the row has bad dates (reported)."""
    data, is_valid = _cell_data(row, report, titles)
    if not is_valid:
        return None
    values, _errors = proposed_values(status, data)
    problems = check_values(values, clock.today())
    report.errors.extend((row.line, _("Column “%(column)s”: %(message)s", column=_title(name, titles),
                                      message=message))
                         for name, messages in problems.items() for message in messages)
    return None if problems else values


def _check_rows(actor, rows, titles, report):
    """[(school, status or None, values)] of the rows; bad lines go to report.errors."""
    schools, statuses = _existing(rows)
    checked, seen = [], {}
    for row in rows:
        code = row.cells["code"]
        school = schools.get(code)
        error = _school_error(actor, code, school, seen)
        if code:
            seen.setdefault(code, row.line)
        if error:
            report.errors.append((row.line, error))
            continue
        values = _checked_values(row, statuses.get(school.id), titles, report)
        if values is not None:
            checked.append((school, statuses.get(school.id), values))
    return checked


def import_milestones(actor, raw_bytes, filename=""):
    """Update schools' milestone dates from CSV bytes, all or nothing; return MilestoneImportReport."""
    if not permissions.can_import_milestones(actor):
        raise PermissionDenied()
    report = MilestoneImportReport()
    rows, titles = importer.read_rows(importer.decode(raw_bytes), report, COLUMNS, REQUIRED)
    report.rows = len(rows)
    if report.errors:
        return report
    checked = _check_rows(actor, rows, titles, report)
    if report.errors:
        return report
    for school, status, values in checked:
        target = status or RolloutStatus(organization_id=school.id, note="")
        changed = apply_values(actor, school, target, values, "csv")
        if changed:
            db.session.add(target)
            report.changes.append((school, changed))
    report.changed = len(report.changes)
    audit.record("rollout.milestones_imported", actor=actor, file=filename or "csv", rows=report.rows,
                 changed=report.changed)
    commit_changes()
    return report


def template_table(actor):
    """(header, rows) of the CSV template: the actor's schools with their current dates."""
    if not permissions.can_import_milestones(actor):
        raise PermissionDenied()
    schools = db.session.scalars(select(Organization).where(Organization.kind == kinds.SCHOOL)).all()
    allowed = {school.id for school in schools if permissions.can_update_milestones(actor, school)}
    header = [_title(key) for key in COLUMNS]
    rows = [[row.code, row.name, row.activated_on, *row.checklist.values(), row.daily_entry_on]
            for row in progress_rows(clock.today(), with_offices=False) if row.id in allowed]
    return header, rows


def import_page(actor):
    """The upload page's column help: (title, other accepted titles, meaning) of each column."""
    if not permissions.can_import_milestones(actor):
        raise PermissionDenied()
    meaning = {"code": _("Required: the school's code in the directory."),
               "name": _("Optional, not read: helps you find the line.")}
    return [(titles[1], [title for title in titles if title != titles[1]],
             meaning.get(key) or FIELD_LABELS[key]) for key, titles in COLUMNS.items()]
