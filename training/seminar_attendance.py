"""Attendance at a seminar, marked by the methodologist on the page or loaded from a CSV file.

The CSV is read like the directory import (UTF-8 or Windows-1251, `;` or `,`, a header row) and is
all or nothing: one bad line and nothing is written; the report lists every bad line by number.
"""

from collections import Counter
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.audit import services as audit
from app.auth import permissions
from app.auth.models import User
from app.directory import importer
from app.errors import NotFound, PermissionDenied, ValidationFailed
from app.extensions import db
from app.timeutil import utcnow
from training import constants as c
from training.models import Seminar

# Column key → accepted header titles; the second one names the column in messages.
COLUMNS = {
    "email": ("email", "E-mail", "Электронная почта", "Почта", "Адрес электронной почты"),
    "mark": ("mark", "Отметка", "Посещение", "Присутствие", "attendance", "Явка"),
}
MARK_BY_SPELLING = {spelling: mark for mark, spellings in c.ATTENDANCE_SPELLINGS.items()
                    for spelling in spellings}


def parse_mark(text):
    """The attendance mark a CSV cell spells (any case, extra spaces ignored), or None."""
    return MARK_BY_SPELLING.get(" ".join(str(text or "").lower().split()))


@dataclass
class AttendanceReport:
    """What a CSV import did, or the (line number, message) errors that stopped it."""

    rows: int = 0
    counts: dict = field(default_factory=dict)
    changed: int = 0
    errors: list = field(default_factory=list)
    ignored_columns: list = field(default_factory=list)

    @property
    def ok(self):
        """Whether the file was applied."""
        return not self.errors


def _markable_seminar(actor, seminar_id, now):
    """The seminar whose attendance the actor may mark now; refuses otherwise with the reason."""
    if not permissions.can_manage_seminars(actor):
        raise PermissionDenied()
    seminar = db.session.get(Seminar, seminar_id)
    if seminar is None:
        raise NotFound()
    if seminar.is_cancelled:
        raise ValidationFailed(_("The seminar was cancelled: there is no attendance to mark."))
    if now < seminar.starts_at:
        raise ValidationFailed(_("Attendance can be marked once the seminar has started."))
    return seminar


def _registered(seminar):
    return {row.id: row for row in seminar.registrations if row.status == c.REGISTERED}


def _save(actor, seminar, marks, now, source):
    """Set the marks ({registration: mark or None}), audit the counts, commit; return (counts, changed)."""
    changed = 0
    for row, mark in marks.items():
        if row.attendance != mark:
            row.attendance, row.attendance_marked_at = mark, now if mark else None
            changed += 1
    counts = Counter(row.attendance for row in _registered(seminar).values() if row.attendance)
    totals = {mark: counts.get(mark, 0) for mark in c.ATTENDANCE_MARKS}
    audit.record("training.attendance_marked", actor=actor, target=seminar, source=source, changed=changed,
                 **totals)
    db.session.commit()
    return totals, changed


def mark_attendance(actor, seminar_id, marks, now=None):
    """Marks from the page's form, {registration id: mark or ""}; return (counts, changed)."""
    now = now or utcnow()
    seminar = _markable_seminar(actor, seminar_id, now)
    registered, chosen = _registered(seminar), {}
    for key, value in marks.items():
        row = registered.get(int(key)) if str(key).isdigit() else None
        if row is None:
            raise ValidationFailed(_("The list of participants has changed. Reload the page and mark again."))
        if value and value not in c.ATTENDANCE_MARKS:
            raise ValidationFailed(_("Choose the attendance from the list."))
        chosen[row] = value or None
    return _save(actor, seminar, chosen, now, "form")


def import_attendance(actor, seminar_id, raw_bytes, filename="", now=None):
    """Mark attendance from CSV bytes (columns: e-mail and mark), all or nothing; return AttendanceReport."""
    now = now or utcnow()
    seminar = _markable_seminar(actor, seminar_id, now)
    if not raw_bytes or not raw_bytes.strip():
        message = _("The file is empty. Choose a CSV file with a header row and one participant per line.")
        raise ValidationFailed(message, {"file": [message]})
    report = AttendanceReport()
    rows, _titles = importer.read_rows(importer.decode(raw_bytes), report, COLUMNS, tuple(COLUMNS))
    report.rows = len(rows)
    if report.errors:
        return report
    marks = _check_rows(seminar, rows, report)
    if not report.errors:
        report.counts, report.changed = _save(actor, seminar, marks, now, filename or "csv")
    return report


def _people_by_email(rows):
    emails = {row.cells["email"].lower() for row in rows if row.cells["email"]}
    if not emails:
        return {}
    users = db.session.scalars(select(User).where(func.lower(User.email).in_(emails)))
    return {user.email.lower(): user for user in users}


def _email_error(email, user, registration, seen):
    if not email:
        return _("The e-mail is empty.")
    if email.lower() in seen:
        return _("%(email)s already appeared on line %(line)d.", email=email, line=seen[email.lower()])
    if user is None:
        return _("Nobody on the portal has the e-mail %(email)s.", email=email)
    if registration is None or registration.status != c.REGISTERED:
        return _("%(name)s (%(email)s) is not registered for this seminar.", name=user.full_name, email=email)
    return None


def _mark_error(spelled, mark):
    if mark is not None:
        return None
    if not spelled:
        return _("The mark is empty: write присутствовал, частично or не явился.")
    return _("“%(mark)s” is not an attendance mark: write присутствовал, частично or не явился.",
             mark=spelled)


def _check_rows(seminar, rows, report):
    """{registration: mark} for the rows; bad lines go to report.errors."""
    people = _people_by_email(rows)
    by_user = {row.user_id: row for row in seminar.registrations}
    marks, seen = {}, {}
    for row in rows:
        email, spelled = row.cells["email"], row.cells["mark"]
        user, mark = people.get(email.lower()), parse_mark(spelled)
        registration = by_user.get(user.id) if user else None
        errors = [e for e in (_email_error(email, user, registration, seen), _mark_error(spelled, mark)) if e]
        report.errors.extend((row.line, message) for message in errors)
        if email:
            seen.setdefault(email.lower(), row.line)
        if not errors:
            marks[registration] = mark
    return marks
