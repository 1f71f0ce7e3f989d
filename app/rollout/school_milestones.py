"""One school's milestones (plan items 2.1–2.4): its page, and the updates of its coordinators.

The checks in check_values() are shared by the page's form and the CSV import (milestone_import.py),
so a date refused on the page is refused in a file too.
"""

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from app.audit import services as audit
from app.audit.models import AuditEvent
from app.auth import permissions
from app.directory import importer, kinds
from app.directory.models import Appointment, Organization
from app.directory.services import changes, in_force
from app.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from app.extensions import db
from app.rollout import clock
from app.rollout import constants as c
from app.rollout.milestones import milestone_states, progress_rows
from app.rollout.models import RolloutStatus
from app.rollout.plan import milestone_deadlines

CHECKLIST_FIELDS = tuple(f"{item}_on" for item in c.CHECKLIST)
MILESTONE_FIELDS = ("activated_on", *CHECKLIST_FIELDS, "daily_entry_on")
FIELD_LABELS = {
    "activated_on": _l("Activation date"),
    **{f"{item}_on": c.CHECKLIST_LABELS[item] for item in c.CHECKLIST},
    "daily_entry_on": _l("Daily entry of marks started"),
}
# How the fields of an audited change are named on the page.
CHANGE_LABELS = {**FIELD_LABELS, "info_space_on": c.MILESTONE_LABELS[c.INFO_SPACE], "note": _l("Note")}
# What the audit event compares: the dates, the derived information-space date and the note.
AUDITED_FIELDS = (*MILESTONE_FIELDS, "info_space_on", "note")
EARLIEST = date(2000, 1, 1)
NOTE_MAX = 2000
EVENTS_SHOWN = 10
# Marks go into class journals by subject: these must be loaded before daily entry can start.
ENTRY_NEEDS = ("classes_on", "subjects_on", "pupils_on")
EVENT_ACTIONS = ("rollout.milestones_updated",)
# The largest id an integer column holds: a bigger one in a URL is simply not found (PostgreSQL would fail).
MAX_ID = 2**31 - 1


def _day(value):
    return value.strftime("%d.%m.%Y")


def clean_text(value):
    """Stripped text without NUL characters (PostgreSQL refuses them; they are never meant)."""
    return str(value or "").replace("\x00", "").strip()


# --- access ---------------------------------------------------------------------------------------


def school_for_view(actor, school_id):
    """The school whose milestones the actor may see; 404 hides schools outside the directory scope."""
    school = db.session.get(Organization, school_id) if school_id and 0 < school_id <= MAX_ID else None
    if school is None or school.kind != kinds.SCHOOL or not permissions.can_view_organization(actor, school):
        raise NotFound()
    if not permissions.can_view_rollout_of(actor, school):
        raise PermissionDenied()
    return school


def school_for_update(actor, school_id):
    """The school whose milestones the actor may change."""
    school = school_for_view(actor, school_id)
    if not permissions.can_update_milestones(actor, school):
        raise PermissionDenied()
    return school


def status_of(school_id):
    """The school's RolloutStatus row, or None before its first update."""
    return db.session.scalar(select(RolloutStatus).where(RolloutStatus.organization_id == school_id))


# --- validation -----------------------------------------------------------------------------------


def parse_value(value):
    """A date from a form (date), a file or the CLI (dd.mm.yyyy or yyyy-mm-dd); (date or None, is_valid)."""
    if value is None or isinstance(value, date):
        return value, True
    text = str(value).strip()
    if not text:
        return None, True
    parsed = importer.parse_date(text)
    return parsed, parsed is not None


def check_values(values, today):
    """{field: [message]} for the school's dates as they would be (every MILESTONE_FIELDS key)."""
    errors = {}
    for name in MILESTONE_FIELDS:
        day = values.get(name)
        if day is not None and day > today:
            errors[name] = [_("The date cannot be later than today (%(today)s).", today=_day(today))]
        elif day is not None and day < EARLIEST:
            errors[name] = [_("The date cannot be earlier than %(date)s.", date=_day(EARLIEST))]
    activated = values.get("activated_on")
    for name in (*CHECKLIST_FIELDS, "daily_entry_on"):
        day = values.get(name)
        if day is None or name in errors:
            continue
        if activated is None:
            errors[name] = [_("Mark the school's activation first.")]
        elif day < activated:
            errors[name] = [_("The date cannot be earlier than the activation (%(date)s).",
                              date=_day(activated))]
    if values.get("daily_entry_on") is not None and "daily_entry_on" not in errors:
        _check_daily_entry(values, errors)
    return errors


def _check_daily_entry(values, errors):
    missing = [str(FIELD_LABELS[name]).lower() for name in ENTRY_NEEDS if values.get(name) is None]
    if missing:
        errors["daily_entry_on"] = [_("Marks can be entered once classes, subjects and pupils are loaded; "
                                      "fill in first: %(items)s.", items=", ".join(missing))]
        return
    latest = max(values[name] for name in ENTRY_NEEDS)
    if values["daily_entry_on"] < latest:
        errors["daily_entry_on"] = [_("Daily entry cannot start before classes, subjects and pupils are "
                                      "all loaded (%(date)s).", date=_day(latest))]


def proposed_values(status, data):
    """The dates and note the school would have after applying `data` (absent keys keep their value).

    Returns (values, field errors of values that are not dates or too long).
    """
    values = {name: getattr(status, name) if status else None for name in MILESTONE_FIELDS}
    values["note"] = status.note if status else ""
    errors = {}
    for name in MILESTONE_FIELDS:
        if name in data:
            values[name], is_valid = parse_value(data[name])
            if not is_valid:
                errors[name] = [_("Enter the date as 10.11.2010 or 2010-11-10.")]
    if "note" in data:
        values["note"] = clean_text(data["note"])
        if len(values["note"]) > NOTE_MAX:
            errors["note"] = [_("Shorten this to %(max)d characters.", max=NOTE_MAX)]
    return values, errors


# --- changes --------------------------------------------------------------------------------------


def apply_values(actor, school, status, values, source):
    """Set the values on the status row and audit the changes ({field: [old, new]}); no commit.

    Returns the changes (empty when nothing changed).
    """
    before = {name: getattr(status, name) for name in AUDITED_FIELDS}
    was_activated = status.activated_on is not None
    for name, value in values.items():
        setattr(status, name, value)
    if status.activated_on is None:
        status.activated_by_id = None
    elif not was_activated:
        status.activated_by_id = actor.id
    status.refresh_info_space()
    changed = changes(before, {name: getattr(status, name) for name in AUDITED_FIELDS})
    if changed:
        status.updated_by_id = actor.id
        audit.record("rollout.milestones_updated", actor=actor, target=school, school=school.code,
                     source=source, changes=changed)
    return changed


def _as_version(version):
    try:
        return int(version)
    except (TypeError, ValueError):
        return None


def _stale():
    return Conflict(_("Someone else changed this school's milestones while you were editing them. "
                      "Check the current dates and save again."))


def commit_changes():
    """Commit; a status row changed or created meanwhile by someone else is a Conflict, nothing saved."""
    try:
        db.session.commit()
    except (StaleDataError, IntegrityError) as error:
        db.session.rollback()
        raise _stale() from error


def _update(actor, school, data, version, source):
    status = status_of(school.id)
    if version is not None and _as_version(version) != (status.version if status else 0):
        raise _stale()
    values, errors = proposed_values(status, data)
    errors.update({name: messages for name, messages in check_values(values, clock.today()).items()
                   if name not in errors})
    if errors:
        raise ValidationFailed(_("Please correct the fields marked below."), errors)
    status = status or RolloutStatus(organization_id=school.id, note="")
    changed = apply_values(actor, school, status, values, source)
    if changed and status.id is None:
        db.session.add(status)
    commit_changes()
    return status, changed


def update_milestones(actor, school_id, data, version=None):
    """Change a school's milestone dates and note ({field: date or text}; absent fields keep their value).

    `version` is the status version the page showed (0 before the first update; None skips the check).
    Returns (status, changes).
    """
    school = school_for_update(actor, school_id)
    return _update(actor, school, data, version, "form")


def mark_activated_today(actor, school_id, version=None):
    """The one-click «activated today»: the activation date becomes clock.today(); (status, changes)."""
    school = school_for_update(actor, school_id)
    status = status_of(school.id)
    if status is not None and status.activated_on is not None:
        raise ValidationFailed(_("The school is already marked activated on %(date)s.",
                                 date=_day(status.activated_on)))
    return _update(actor, school, {"activated_on": clock.today()}, version, "button")


# --- the page -------------------------------------------------------------------------------------


def school_progress(school_id, day=None):
    """(ProgressRow, [MilestoneState]) of one school on the day (today by default)."""
    rows = progress_rows(day or clock.today(), organization_id=school_id, with_offices=False)
    if not rows:
        raise NotFound()
    return rows[0], milestone_states(rows[0], milestone_deadlines())


@dataclass
class SchoolPage:
    """Everything the school's milestone page shows."""

    school: Organization
    row: object
    states: list
    status: RolloutStatus | None
    appointments: list = field(default_factory=list)
    events: list = field(default_factory=list)
    can_edit: bool = False
    can_manage_appointments: bool = False
    can_view_municipality: bool = False

    @property
    def version(self):
        """The status version the form carries (0 before the first update)."""
        return self.status.version if self.status else 0

    def state(self, key):
        """The MilestoneState of one milestone."""
        return next(state for state in self.states if state.key == key)


def _status_with_people(school_id):
    return db.session.scalar(
        select(RolloutStatus).where(RolloutStatus.organization_id == school_id)
        .options(joinedload(RolloutStatus.activated_by), joinedload(RolloutStatus.updated_by))
    )


def _current_appointments(school_id, day):
    return db.session.scalars(
        select(Appointment).where(Appointment.organization_id == school_id, in_force(day))
        .order_by(Appointment.order_date, Appointment.id)
    ).all()


def _recent_events(school_id):
    return db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.action.in_(EVENT_ACTIONS), AuditEvent.target_type == "Organization",
               AuditEvent.target_id == school_id)
        .order_by(AuditEvent.id.desc()).limit(EVENTS_SHOWN)
    ).all()


def school_page(actor, school_id):
    """The school's milestones with deadlines and states, appointments, who changed what; fixed statements."""
    school = school_for_view(actor, school_id)
    row, states = school_progress(school.id)
    return SchoolPage(
        school=school, row=row, states=states, status=_status_with_people(school.id),
        appointments=_current_appointments(school.id, row.day), events=_recent_events(school.id),
        can_edit=permissions.can_update_milestones(actor, school),
        can_manage_appointments=permissions.can_manage_appointments(actor, school),
        can_view_municipality=permissions.can_view_rollout_of(actor, school.parent),
    )
