"""CSV import of schools, municipal offices and their responsible persons (plan item 2.1).

All or nothing: every row is checked first; when any row is wrong nothing is written and the
report lists each bad line (physical line number in the file, the header is line 1).
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from app.audit import services as audit
from app.auth import permissions
from app.directory import kinds
from app.directory.models import Appointment, Organization, Person
from app.directory.services import MAX_LENGTHS, is_valid_email, today
from app.errors import PermissionDenied, ValidationFailed
from app.extensions import db

# Column key → accepted header titles (compared case-insensitively, "_" as a space, "ё" as "е").
COLUMNS = {
    "municipality": ("municipality", "Муниципалитет", "Муниципальное образование"),
    "code": ("code", "Код"),
    "name": ("name", "Наименование"),
    "short_name": ("short_name", "Краткое наименование"),
    "address": ("address", "Адрес"),
    "phone": ("phone", "Телефон"),
    "email": ("email", "E-mail", "Электронная почта"),
    "responsible_last_name": ("responsible_last_name", "Фамилия ответственного"),
    "responsible_first_name": ("responsible_first_name", "Имя ответственного"),
    "responsible_middle_name": ("responsible_middle_name", "Отчество ответственного"),
    "responsible_position": ("responsible_position", "Должность ответственного"),
    "responsible_email": ("responsible_email", "E-mail ответственного", "email ответственного"),
    "responsible_phone": ("responsible_phone", "Телефон ответственного"),
    "order_number": ("order_number", "Номер приказа"),
    "order_date": ("order_date", "Дата приказа"),
    "starts_on": ("starts_on", "Назначен с"),
    "ends_on": ("ends_on", "Назначен по"),
}
REQUIRED = ("municipality", "code", "name")
ORG_OPTIONAL = ("short_name", "address", "phone", "email")
PERSON_KEYS = {"last_name": "responsible_last_name", "first_name": "responsible_first_name",
               "middle_name": "responsible_middle_name", "position": "responsible_position",
               "email": "responsible_email", "phone": "responsible_phone"}
RESPONSIBLE = (*PERSON_KEYS.values(), "order_number", "order_date", "starts_on", "ends_on")
RESPONSIBLE_REQUIRED = ("responsible_last_name", "responsible_first_name", "order_number", "order_date")
DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d")
PROGRESS_EVERY = 100


def _normalize(title):
    return " ".join(title.replace("\ufeff", "").replace("_", " ").replace("ё", "е").lower().split())


def header_aliases(layout):
    """Normalized header title → column key, for a {key: (accepted titles…)} layout."""
    return {_normalize(title): key for key, titles in layout.items() for title in titles}


@dataclass
class ImportReport:
    """What an import did, or the (line number, message) errors that stopped it."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    people_created: int = 0
    appointments_created: int = 0
    appointments_updated: int = 0
    appointments_existing: int = 0
    errors: list = field(default_factory=list)
    ignored_columns: list = field(default_factory=list)

    @property
    def ok(self):
        """Whether the file was imported."""
        return not self.errors

    def counts(self):
        """The counters as a dict (for the audit event)."""
        names = ("rows", "created", "updated", "unchanged", "people_created", "appointments_created",
                 "appointments_updated", "appointments_existing")
        return {name: getattr(self, name) for name in names}


@dataclass
class _Row:
    line: int
    cells: dict
    target: Organization | None = None
    municipality: Organization | None = None
    dates: dict = field(default_factory=dict)


def decode(raw):
    """The file's text: UTF-8 (with or without BOM), else Windows-1251; ValidationFailed if not text."""
    if not raw or not raw.strip():
        _file_error(_("The file is empty. Choose a CSV file with a header row and one school per line."))
    if b"\x00" in raw or raw.startswith(b"PK\x03\x04"):
        _file_error(_("This is not a CSV file. In the spreadsheet choose “Save as” → “CSV (semicolon "
                      "delimited)” and import that file."))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1251")
    except UnicodeDecodeError:
        _file_error(_("The file's encoding is not recognized. Save it as CSV in UTF-8 or Windows-1251."))


def _file_error(message):
    raise ValidationFailed(message, {"file": [message]})


def _delimiter(text):
    first_line = text.split("\n", 1)[0]
    return ";" if first_line.count(";") >= first_line.count(",") and ";" in first_line else ","


def _map_header(header, report, layout, required):
    aliases = header_aliases(layout)
    columns, titles = {}, {}
    for index, title in enumerate(header):
        key = aliases.get(_normalize(title))
        if key is None:
            if title.strip():
                report.ignored_columns.append(title.strip())
        elif key in columns:
            report.errors.append((1, _("The column “%(name)s” appears twice in the header; keep one.",
                                       name=title.strip())))
        else:
            columns[key], titles[key] = index, title.strip().replace("\ufeff", "")
    missing = [f"{layout[key][1]} ({key})" for key in required if key not in columns]
    if missing:
        report.errors.append((1, _("Required columns are missing from the header: %(names)s. The first "
                                   "line must name the columns.", names=", ".join(missing))))
    return columns, titles


def read_rows(text, report, layout=COLUMNS, required=REQUIRED):
    """The non-empty data rows as (first physical line number, {column key: value}) and column titles.

    `layout` maps column keys to accepted header titles (the second one names the column in messages).
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    rows, titles = [], {}
    try:
        columns, titles = _map_header(next(reader, []), report, layout, required)
        last = reader.line_num
        for cells in reader:
            start, last = last + 1, reader.line_num
            if any(cell.strip() for cell in cells):
                rows.append(_Row(start, {key: cells[i].strip() if i < len(cells) else ""
                                         for key, i in columns.items()}))
    except csv.Error as error:
        report.errors.append((reader.line_num, _("The line cannot be read as CSV (%(error)s); check the "
                                                 "quotes in it.", error=str(error))))
    return rows, titles


def parse_date(value):
    """A date written as dd.mm.yyyy or yyyy-mm-dd, or None."""
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


class _Checker:
    """Validates rows against the directory as it is, without writing anything."""

    def __init__(self, titles):
        self.titles = titles
        organizations = db.session.scalars(select(Organization)).all()
        self.by_code = {org.code: org for org in organizations}
        self.municipalities = [org for org in organizations if org.kind == kinds.MUNICIPALITY]
        self.seen = {}

    def title(self, key):
        """The column's title as the file spells it."""
        return self.titles.get(key) or COLUMNS[key][1]

    def find_municipality(self, text, errors):
        """The municipality named by code or name; records why not when there is none."""
        wanted = text.casefold()
        matches = [m for m in self.municipalities if m.code.casefold() == wanted]
        matches = matches or [m for m in self.municipalities
                              if wanted in (m.name.casefold(), m.short_name.casefold())]
        if len(matches) == 1:
            return matches[0]
        if matches:
            errors.append(_("Several municipalities are called “%(name)s”; write the municipality's code "
                            "instead.", name=text))
        else:
            errors.append(_("Unknown municipality “%(name)s”: write the name or code of a municipality "
                            "from the directory.", name=text))
        return None

    def check(self, row):
        """The row's error messages (empty when it can be imported); fills in row.target and dates."""
        errors = []
        self._check_lengths(row, errors)
        self._check_organization(row, errors)
        if any(row.cells.get(key) for key in RESPONSIBLE):
            self._check_responsible(row, errors)
        return errors

    def _check_lengths(self, row, errors):
        for key in ("code", "name", *ORG_OPTIONAL, *RESPONSIBLE):
            limit = MAX_LENGTHS.get(key.removeprefix("responsible_"), 40)
            if len(row.cells.get(key, "")) > limit:
                errors.append(_("The value in column “%(column)s” is too long: at most %(max)d characters.",
                                column=self.title(key), max=limit))

    def _check_organization(self, row, errors):
        code, name, email = row.cells["code"], row.cells["name"], row.cells.get("email", "")
        if not code:
            errors.append(_("The code is empty: every school needs its code."))
        elif code in self.seen:
            errors.append(_("The code %(code)s already appeared on line %(line)d; each organization must "
                            "appear once.", code=code, line=self.seen[code]))
        else:
            self.seen[code] = row.line
            self._resolve_target(row, code, errors)
        if not name:
            errors.append(_("The name is empty: write the full name of the school."))
        if email and not is_valid_email(email):
            errors.append(_("Bad e-mail “%(email)s”: write it like school@example.ru.", email=email))

    def _resolve_target(self, row, code, errors):
        row.target = self.by_code.get(code)
        named = row.cells["municipality"]
        if row.target is not None and row.target.kind == kinds.MUNICIPALITY:
            row.municipality = row.target
            if named and self.find_municipality(named, []) is not row.target:
                errors.append(_("The code %(code)s is the municipality “%(name)s”, but the row names "
                                "“%(other)s”.", code=code, name=row.target.name, other=named))
        elif row.target is not None and row.target.kind != kinds.SCHOOL:
            errors.append(_("The code %(code)s belongs to “%(name)s”, which is not a school or a "
                            "municipality.", code=code, name=row.target.name))
        elif not named:
            errors.append(_("The municipality is empty: write the name or code of the school's "
                            "municipality."))
        else:
            row.municipality = self.find_municipality(named, errors)

    def _check_responsible(self, row, errors):
        missing = [self.title(key) for key in RESPONSIBLE_REQUIRED if not row.cells.get(key)]
        if missing:
            errors.append(_("The responsible person is incomplete: fill in %(columns)s.",
                            columns=", ".join(f"“{title}”" for title in missing)))
        for key in ("order_date", "starts_on", "ends_on"):
            value = row.cells.get(key, "")
            row.dates[key] = parse_date(value) if value else None
            if value and row.dates[key] is None:
                errors.append(_("Bad date “%(value)s” in column “%(column)s”: write it as 10.11.2010 or "
                                "2010-11-10.", value=value, column=self.title(key)))
        self._check_dates(row.dates, errors)
        email = row.cells.get("responsible_email", "")
        if email and not is_valid_email(email):
            errors.append(_("Bad e-mail of the responsible person “%(email)s”: write it like "
                            "name@example.ru.", email=email))

    def _check_dates(self, dates, errors):
        dates["starts_on"] = dates["starts_on"] or dates["order_date"]
        if dates["order_date"] and dates["order_date"] > today():
            errors.append(_("The order date %(date)s is in the future.",
                            date=dates["order_date"].strftime("%d.%m.%Y")))
        if dates["starts_on"] and dates["ends_on"] and dates["ends_on"] < dates["starts_on"]:
            errors.append(_("The appointment ends (%(end)s) before it starts (%(start)s).",
                            end=dates["ends_on"].strftime("%d.%m.%Y"),
                            start=dates["starts_on"].strftime("%d.%m.%Y")))


def _save_organization(row, report):
    cells = row.cells
    organization = row.target
    if organization is None:
        organization = Organization(kind=kinds.SCHOOL, code=cells["code"], parent=row.municipality,
                                    **{key: cells.get(key, "") for key in ("name", *ORG_OPTIONAL)})
        db.session.add(organization)
        report.created += 1
        return organization
    values = {"name": cells["name"], **{key: cells[key] for key in ORG_OPTIONAL if cells.get(key)}}
    if organization.kind == kinds.SCHOOL:
        values["parent_id"] = row.municipality.id
    changed = {key: value for key, value in values.items() if getattr(organization, key) != value}
    for key, value in changed.items():
        setattr(organization, key, value)
    if changed:
        report.updated += 1
    else:
        report.unchanged += 1
    return organization


def _save_person(organization, row, report):
    values = {name: row.cells.get(key, "") for name, key in PERSON_KEYS.items()}
    names = ("last_name", "first_name", "middle_name")
    wanted = tuple(values[name].casefold() for name in names)
    people = organization.people if organization.id is not None else []
    for person in people:
        if tuple(getattr(person, name).casefold() for name in names) == wanted:
            for name in ("position", "email", "phone"):
                if values[name]:
                    setattr(person, name, values[name])
            return person
    report.people_created += 1
    person = Person(organization=organization, **values)
    db.session.add(person)
    return person


def _save_appointment(organization, row, report):
    person = _save_person(organization, row, report)
    number, dates = row.cells["order_number"], row.dates
    existing = None
    if person.id is not None:
        existing = db.session.scalar(select(Appointment).where(
            Appointment.organization_id == organization.id, Appointment.person_id == person.id,
            Appointment.order_number == number, Appointment.order_date == dates["order_date"]))
    if existing is None:
        db.session.add(Appointment(organization=organization, person=person, order_number=number,
                                   order_date=dates["order_date"], starts_on=dates["starts_on"],
                                   ends_on=dates["ends_on"]))
        report.appointments_created += 1
    elif dates["ends_on"] and existing.ends_on != dates["ends_on"]:
        existing.ends_on = dates["ends_on"]
        report.appointments_updated += 1
    else:
        report.appointments_existing += 1


def _checked_rows(raw_bytes, report, progress):
    rows, titles = read_rows(decode(raw_bytes), report)
    report.rows = len(rows)
    if report.errors:
        return rows
    checker = _Checker(titles)
    for number, row in enumerate(rows, 1):
        report.errors.extend((row.line, message) for message in checker.check(row))
        _tick(progress, number, 2 * len(rows))
    return rows


def _tick(progress, done, total):
    if progress is not None and (done % PROGRESS_EVERY == 0 or done == total):
        progress(done, total)


def import_organizations(actor, raw_bytes, filename="", progress=None):
    """Import schools (and responsible persons) from CSV bytes, all or nothing; return an ImportReport.

    Encoding UTF-8 (with or without BOM) or Windows-1251; columns separated by ";" or ",";
    a header row naming the columns in Russian or English (see COLUMNS), any case.
    Required: municipality (name or code), code, name. Rows are matched by code, so importing
    the same file again changes nothing: an existing school is updated (empty optional cells keep
    the stored value), a new one is created in the named municipality. A row whose code is an
    existing municipality's code targets that municipal office itself: its details are updated
    and the appointment attaches to the municipality (its municipality cell may be empty).
    Appointment columns are optional; once any is filled, the responsible person's last and first
    name, the order number and date are required; "starts on" defaults to the order date.
    The person is matched by organization and full name; the same organization, person, order
    number and date is never recorded twice. `progress(done, total)` is called as rows are handled.
    """
    if actor is not None and not permissions.can_import_organizations(actor):
        raise PermissionDenied()
    report = ImportReport()
    rows = _checked_rows(raw_bytes, report, progress)
    if report.errors:
        return report
    try:
        for number, row in enumerate(rows, len(rows) + 1):
            organization = _save_organization(row, report)
            if row.dates:
                _save_appointment(organization, row, report)
            _tick(progress, number, 2 * len(rows))
        audit.record("directory.imported", actor=actor, filename=filename, **report.counts())
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return report
