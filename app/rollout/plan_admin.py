"""The administrator's edits of the plan: an activity's text, responsible party, deadline and result.

Milestone states everywhere read their deadlines from the plan (plan.milestone_deadlines()), so a
changed deadline of 2.1–2.4 changes every school's state at once.
"""

import re
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from app.audit import services as audit
from app.auth import permissions
from app.directory.services import changes
from app.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from app.extensions import db
from app.rollout import constants as c
from app.rollout.models import PlanActivity
from app.rollout.school_milestones import EARLIEST, clean_text, parse_value

EDITABLE_FIELDS = ("text", "responsible", "periodicity", "deadline_on", "result")
MAX_LENGTHS = {"text": 2000, "responsible": 500, "result": 1000}
LATEST = date(2100, 12, 31)
# How the plan numbers its activities («2.2»); anything else in a URL is not looked up at all.
NUMBER = re.compile(r"\d{1,3}(\.\d{1,3}){0,2}")


def activity_for_edit(actor, number):
    """The plan activity with that number («2.2»), if the actor may edit the plan."""
    if not permissions.can_edit_plan(actor):
        raise PermissionDenied()
    number = str(number or "")
    if not NUMBER.fullmatch(number):
        raise NotFound()
    activity = db.session.scalar(select(PlanActivity).where(PlanActivity.number == number))
    if activity is None:
        raise NotFound()
    return activity


def _text_values(data, errors):
    values = {name: clean_text(data.get(name)) for name in MAX_LENGTHS}
    if not values["text"]:
        errors["text"] = [_("Describe the activity.")]
    for name, limit in MAX_LENGTHS.items():
        if len(values[name]) > limit:
            errors[name] = [_("Shorten this to %(max)d characters.", max=limit)]
    return values


def _when(data, errors):
    """(periodicity, deadline) of the data, with what to fix."""
    periodicity = data.get("periodicity") or c.ONCE
    if periodicity not in c.PERIODICITIES:
        errors["periodicity"] = [_("Choose the periodicity from the list.")]
    deadline, is_valid = parse_value(data.get("deadline_on"))
    if not is_valid:
        errors["deadline_on"] = [_("Enter the date as 10.11.2010 or 2010-11-10.")]
    elif deadline is None and periodicity == c.ONCE:
        errors["deadline_on"] = [_("An activity done by a date needs the deadline; or choose another "
                                   "periodicity.")]
    elif deadline is not None and not EARLIEST <= deadline <= LATEST:
        errors["deadline_on"] = [_("Enter a deadline between %(first)s and %(last)s.",
                                   first=EARLIEST.strftime("%d.%m.%Y"), last=LATEST.strftime("%d.%m.%Y"))]
    return periodicity, deadline


def _validated(data):
    errors = {}
    values = _text_values(data, errors)
    values["periodicity"], values["deadline_on"] = _when(data, errors)
    if errors:
        raise ValidationFailed(_("Please correct the fields marked below."), errors)
    return values


def _check_version(activity, version):
    """Refuse a change made on a page that showed an older version of the activity."""
    if version is not None and str(version).strip() != str(activity.version):
        raise Conflict(_("Someone else changed this activity while you were editing it. Check the current "
                         "text and deadline and save again."))


def update_activity(actor, number, data, version=None):
    """Change an activity of the plan ({field: value} of EDITABLE_FIELDS); audited with before/after.

    `version` is the activity version the form showed (None skips the check). Returns (activity, changes).
    """
    activity = activity_for_edit(actor, number)
    _check_version(activity, version)
    values = _validated(data)
    before = {name: getattr(activity, name) for name in EDITABLE_FIELDS}
    changed = changes(before, values)
    if changed:
        for name, value in values.items():
            setattr(activity, name, value)
        activity.updated_by_id = actor.id
        audit.record("rollout.plan_updated", actor=actor, target=activity, number=activity.number,
                     changes=changed)
    try:
        db.session.commit()
    except StaleDataError as error:
        db.session.rollback()
        raise Conflict(_("Someone else changed this activity while you were editing it. Check the current "
                         "text and deadline and save again.")) from error
    return activity, changed
