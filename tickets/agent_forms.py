"""Forms of the agent tools: ticket operations, canned replies and queue settings."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from tickets import constants as c

REQUIRED = _l("This field is required.")
STALE_PAGE = _l("The form is incomplete. Reload the ticket page and try again.")


def _id_or_none(value):
    """Select values: '' or '0' mean «none»; anything else must be a number."""
    if value in (None, "", "0", 0):
        return None
    return int(value)


def _id_select(label):
    # The service checks that the chosen id fits the ticket; the form only parses it.
    return SelectField(label, coerce=_id_or_none, validate_choice=False,
                       invalid_value_message=_l("Choose a value from the list."))


class TicketActionForm(FlaskForm):
    """Any change of a ticket carries the version the agent saw."""

    # The label WTForms would make, given: making it loads WTForms' catalog on each request.
    version = IntegerField("Version", widget=HiddenInput(), validators=[InputRequired(STALE_PAGE)])


class AssignForm(TicketActionForm):
    """Give the ticket to an agent of the queue, or to nobody."""

    assignee_id = _id_select(_l("Assignee"))


class PriorityForm(TicketActionForm):
    """The ticket's priority."""

    priority = SelectField(_l("Priority"), choices=[(p, c.PRIORITY_LABELS[p]) for p in c.PRIORITIES],
                           validate_choice=False)


class CategoryForm(TicketActionForm):
    """The ticket's category within its queue."""

    category_id = _id_select(_l("Category"))


class WatcherForm(TicketActionForm):
    """A user to follow the ticket."""

    email = StringField(_l("E-mail of the user"), validators=[DataRequired(REQUIRED), Length(max=254)])


class TransferForm(TicketActionForm):
    """Move the ticket to the other hotline, saying why."""

    queue_key = SelectField(_l("Hotline"), choices=[(q, c.QUEUE_LABELS[q]) for q in c.QUEUES],
                            validate_choice=False)
    reason = TextAreaField(_l("Reason for the transfer"),
                           validators=[DataRequired(REQUIRED), Length(max=5000)],
                           description=_l("An internal note for the agents of the other hotline."))


class ReferenceForm(TicketActionForm):
    """Another ticket, by its number (merge into it, or link to it)."""

    reference = StringField(_l("Ticket number"), validators=[DataRequired(REQUIRED), Length(max=40)],
                            description=_l("Like Т-000123; a bare number means this hotline."))


class CannedReplyForm(FlaskForm):
    """A canned reply's title and text."""

    title = StringField(_l("Title"), validators=[DataRequired(REQUIRED), Length(max=120)])
    body = TextAreaField(_l("Text"), validators=[DataRequired(REQUIRED), Length(max=10000)],
                         render_kw={"rows": 10})


class ConfirmForm(FlaskForm):
    """A bare confirmation (CSRF only), for deletions."""


MAX_HOURS = 24 * 365
HOURS = _l("Enter a whole number of hours from 1 to %(max)d.", max=MAX_HOURS)


def _hours_field(label):
    validators = [InputRequired(HOURS), NumberRange(min=1, max=MAX_HOURS, message=HOURS)]
    return IntegerField(label, validators=validators,
                        render_kw={"min": 1, "max": MAX_HOURS}, invalid_value_message=HOURS)


class QueueSettingsForm(FlaskForm):
    """SLA hours per priority, round-robin assignment, the inbound address and the queue lead."""

    is_auto_assign = BooleanField(_l("Assign new tickets to the agents in turn (round-robin)"))
    inbound_address = EmailField(_l("Inbound e-mail address"), validators=[Optional(), Length(max=254)],
                                 description=_l("Letters to this address become tickets of the hotline."))
    lead_id = _id_select(_l("Queue lead"))

    def sla_fields(self):
        """(priority label, first response field, resolution field) for each priority."""
        return [(c.PRIORITY_LABELS[p], self[f"first_{p}"], self[f"resolution_{p}"]) for p in c.PRIORITIES]

    def sla_hours(self):
        """{priority: (first response, resolution)} as entered."""
        return {p: (self[f"first_{p}"].data, self[f"resolution_{p}"].data) for p in c.PRIORITIES}


for _priority in c.PRIORITIES:
    setattr(QueueSettingsForm, f"first_{_priority}", _hours_field(_l("First response, hours")))
    setattr(QueueSettingsForm, f"resolution_{_priority}", _hours_field(_l("Resolution, hours")))
