"""Forms of the directory: organization, person, appointment and the CSV upload."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from wtforms import DateField, EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

REQUIRED = _l("This field is required.")
BAD_EMAIL = _l("Enter an e-mail address like name@school.ru.")
BAD_DATE = _l("Enter a date like 10.11.2010 (choose it in the calendar).")
DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]
MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def _text(label, max_length, required=False, **kwargs):
    validators = [DataRequired(REQUIRED) if required else Optional(), Length(max=max_length)]
    return StringField(label, validators=validators, **kwargs)


def _email(label):
    return EmailField(label, validators=[Optional(), Email(BAD_EMAIL), Length(max=254)])


def _date(label, required=False):
    # InputRequired (not DataRequired) keeps the "not a date" message for unparsable input.
    return DateField(label, validators=[InputRequired(REQUIRED) if required else Optional()],
                     format=DATE_FORMATS, invalid_value_message=BAD_DATE)


class OrganizationForm(FlaskForm):
    """An organization's details."""

    code = _text(_l("Code"), 32, required=True,
                 description=_l("A short unique identifier, the key of the CSV import."))
    name = _text(_l("Full name"), 300, required=True)
    short_name = _text(_l("Short name"), 120)
    address = _text(_l("Address"), 300)
    phone = _text(_l("Phone"), 40)
    email = _email(_l("E-mail"))


class PersonForm(FlaskForm):
    """A member of staff."""

    last_name = _text(_l("Last name"), 80, required=True)
    first_name = _text(_l("First name"), 80, required=True)
    middle_name = _text(_l("Middle name"), 80)
    position = _text(_l("Position"), 200)
    email = _email(_l("E-mail"))
    phone = _text(_l("Phone"), 40)


class AppointmentForm(FlaskForm):
    """An appointment by order: an existing person of the organization, or a new one."""

    person_id = SelectField(_l("Responsible person"), coerce=int,
                            invalid_value_message=_l("Choose a person from the list."))
    new_last_name = _text(_l("Last name"), 80)
    new_first_name = _text(_l("First name"), 80)
    new_middle_name = _text(_l("Middle name"), 80)
    new_position = _text(_l("Position"), 200)
    new_email = _email(_l("E-mail"))
    new_phone = _text(_l("Phone"), 40)
    order_number = _text(_l("Order number"), 40, required=True)
    order_date = _date(_l("Order date"), required=True)
    starts_on = _date(_l("Responsible from"), required=True)
    ends_on = _date(_l("Responsible until"))
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])

    def set_people(self, choices):
        """Offer the organization's staff, and "a new person" first."""
        self.person_id.choices = [(0, _l("— a new person (fill in below) —"))] + list(choices)


class EndAppointmentForm(FlaskForm):
    """The date an appointment ends."""

    end_date = _date(_l("Ends on"), required=True)


class ConfirmForm(FlaskForm):
    """A button that only needs the CSRF token (delete)."""


class ImportForm(FlaskForm):
    """The CSV file to import."""

    file = FileField(_l("CSV file"), validators=[
        FileRequired(_l("Choose a CSV file to upload.")),
        FileAllowed(["csv", "txt"], _l("Upload a .csv file: in the spreadsheet choose “Save as” → CSV.")),
        FileSize(MAX_UPLOAD_BYTES, message=_l("The file is larger than 5 MB; split it into several files.")),
    ])
