"""Responsible persons for the rollout, appointed by order (plan item 2.1)."""

from flask_babel import gettext as _
from sqlalchemy import select

from app.audit import services as audit
from app.auth import permissions
from app.directory.models import Appointment, Person
from app.directory.services import (
    PERSON_FIELDS,
    changes,
    check_person,
    clean_text,
    length_errors,
    snapshot,
    today,
    visible_organization,
)
from app.errors import NotFound, PermissionDenied, ValidationFailed
from app.extensions import db

APPOINTMENT_FIELDS = ("person_id", "order_number", "order_date", "starts_on", "ends_on", "note")
NEW_PERSON = "new_"


def appointing_organization(actor, org_id):
    """The organization whose appointments the actor is about to record (404 outside scope, else 403)."""
    organization = visible_organization(actor, org_id)
    if not permissions.can_manage_appointments(actor, organization):
        raise PermissionDenied()
    return organization


def person_choices(organization):
    """(id, name) of the organization's staff, for the appointment form."""
    people = db.session.scalars(
        select(Person).where(Person.organization_id == organization.id)
        .order_by(Person.last_name, Person.first_name, Person.id)
    ).all()
    return [(person.id, f"{person.full_name}, {person.position}" if person.position else person.full_name)
            for person in people]


def appointment_for_edit(actor, appointment_id):
    """An appointment the actor may change."""
    appointment = db.session.get(Appointment, appointment_id) if appointment_id else None
    if appointment is None:
        raise NotFound()
    appointing_organization(actor, appointment.organization_id)
    return appointment


def _resolve_person(organization, data, errors):
    if data.get("person_id"):
        person = db.session.get(Person, data["person_id"])
        if person is None or person.organization_id != organization.id:
            errors["person_id"] = [_("Choose a person of this organization, or fill in a new person.")]
        return person
    values = {name: str(data.get(NEW_PERSON + name) or "").strip() for name in PERSON_FIELDS}
    person_errors = check_person(values, prefix=NEW_PERSON)
    if person_errors:
        person_errors.setdefault("person_id", [_("Choose a person from the list, or fill in the new "
                                                 "person's last and first name below.")])
        errors.update(person_errors)
        return None
    return Person(organization_id=organization.id, **values)


def _check_dates(data, errors):
    order_date, starts_on, ends_on = data.get("order_date"), data.get("starts_on"), data.get("ends_on")
    if order_date is None:
        errors["order_date"] = [_("Enter the date of the order.")]
    elif order_date > today():
        errors["order_date"] = [_("The order date cannot be in the future.")]
    if starts_on is None:
        errors["starts_on"] = [_("Enter the date the appointment starts.")]
    elif ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = [_("The end date cannot be earlier than the start date.")]


def _check_duplicate(organization, person, values, appointment, errors):
    if person is None or person.id is None or errors:
        return
    existing = db.session.scalar(select(Appointment).where(
        Appointment.organization_id == organization.id, Appointment.person_id == person.id,
        Appointment.order_number == values["order_number"], Appointment.order_date == values["order_date"],
    ))
    if existing is not None and existing is not appointment:
        errors["order_number"] = [_("This person is already appointed by this order.")]


def _validated(organization, data, appointment=None):
    errors = length_errors(clean_text(data, ("order_number",)))
    values = {
        "order_number": str(data.get("order_number") or "").strip(),
        "order_date": data.get("order_date"), "starts_on": data.get("starts_on"),
        "ends_on": data.get("ends_on"), "note": str(data.get("note") or "").strip(),
    }
    if not values["order_number"]:
        errors["order_number"] = [_("Enter the number of the order («№»).")]
    _check_dates(values, errors)
    person = _resolve_person(organization, data, errors)
    _check_duplicate(organization, person, values, appointment, errors)
    if errors:
        raise ValidationFailed(_("Please correct the fields marked below."), errors)
    return person, values


def _summary(appointment):
    return {
        "person": appointment.person.full_name, "order_number": appointment.order_number,
        "order_date": appointment.order_date, "starts_on": appointment.starts_on,
        "ends_on": appointment.ends_on, "note": appointment.note,
    }


def record_appointment(actor, org_id, data):
    """Record that a person (existing, or new from the new_* fields) was appointed by an order."""
    organization = appointing_organization(actor, org_id)
    person, values = _validated(organization, data)
    new_person = person.id is None
    appointment = Appointment(organization=organization, person=person, **values)
    db.session.add(appointment)
    db.session.flush()
    audit.record("directory.appointment_created", actor=actor, target=appointment,
                 organization=organization.code, new_person=new_person,
                 **_summary(appointment))
    db.session.commit()
    return appointment


def update_appointment(actor, appointment_id, data):
    """Correct an appointment's person, order or period; audited with before/after."""
    appointment = appointment_for_edit(actor, appointment_id)
    person, values = _validated(appointment.organization, data, appointment)
    before = _summary(appointment)
    appointment.person = person
    for name, value in values.items():
        setattr(appointment, name, value)
    changed = changes(before, _summary(appointment))
    if changed:
        audit.record("directory.appointment_updated", actor=actor, target=appointment, changes=changed)
    db.session.commit()
    return appointment


def end_appointment(actor, appointment_id, ends_on=None):
    """End an appointment on the given date (today by default)."""
    appointment = appointment_for_edit(actor, appointment_id)
    ends_on = ends_on or today()
    if ends_on < appointment.starts_on:
        raise ValidationFailed(
            _("The end date cannot be earlier than the start date (%(date)s).",
              date=appointment.starts_on.strftime("%d.%m.%Y")),
            {"end_date": [_("Choose a date on or after %(date)s.",
                           date=appointment.starts_on.strftime("%d.%m.%Y"))]},
        )
    before = snapshot(appointment, ("ends_on",))
    appointment.ends_on = ends_on
    audit.record("directory.appointment_ended", actor=actor, target=appointment,
                 changes=changes(before, snapshot(appointment, ("ends_on",))))
    db.session.commit()
    return appointment


def delete_appointment(actor, appointment_id):
    """Remove an appointment recorded by mistake; the audit event keeps what it was."""
    appointment = appointment_for_edit(actor, appointment_id)
    organization = appointment.organization
    audit.record("directory.appointment_deleted", actor=actor, target=appointment,
                 organization=organization.code, **_summary(appointment))
    db.session.delete(appointment)
    db.session.commit()
    return organization
