"""Forms of the plan editor, a school's milestones and the milestone CSV upload."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from wtforms import DateField, HiddenField, SelectField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from app.directory.forms import BAD_DATE, DATE_FORMATS, MAX_UPLOAD_BYTES, REQUIRED
from app.rollout import constants as c
from app.rollout.school_milestones import FIELD_LABELS, NOTE_MAX

ACTIVITY_TEXT_MAX = 2000
RESPONSIBLE_MAX = 500
RESULT_MAX = 1000


def _date(label, description=None):
    # The service decides what is required; the form only checks that a typed date is a date.
    return DateField(label, validators=[Optional()], format=DATE_FORMATS, invalid_value_message=BAD_DATE,
                     description=description)


class PlanActivityForm(FlaskForm):
    """One activity of the plan: what, who, when (a date or a periodicity) and the expected result."""

    text = TextAreaField(_l("Activity"), validators=[DataRequired(REQUIRED), Length(max=ACTIVITY_TEXT_MAX)])
    responsible = TextAreaField(_l("Responsible"), validators=[Optional(), Length(max=RESPONSIBLE_MAX)])
    periodicity = SelectField(
        _l("Periodicity"), choices=list(c.PERIODICITY_LABELS.items()), validate_choice=False,
        validators=[AnyOf(c.PERIODICITIES, _l("Choose the periodicity from the list."))])
    deadline_on = _date(_l("Deadline"), _l("Required when the activity is done by a date; milestone "
                                           "states of every school follow it at once."))
    result = TextAreaField(_l("Expected result"), validators=[Optional(), Length(max=RESULT_MAX)])
    # The activity's version the page showed: a change made on an outdated page is refused.
    version = HiddenField()


class MilestoneForm(FlaskForm):
    """A school's milestone dates (plan items 2.2–2.4), with the version the page showed."""

    activated_on = _date(FIELD_LABELS["activated_on"])
    classes_on = _date(FIELD_LABELS["classes_on"])
    subjects_on = _date(FIELD_LABELS["subjects_on"])
    staff_on = _date(FIELD_LABELS["staff_on"])
    pupils_on = _date(FIELD_LABELS["pupils_on"])
    timetable_on = _date(FIELD_LABELS["timetable_on"])
    daily_entry_on = _date(FIELD_LABELS["daily_entry_on"])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=NOTE_MAX)])
    # The version of the school's status the page showed: a change made on an outdated page is refused.
    version = HiddenField()


class ActivateForm(FlaskForm):
    """The one-click «activated today» button."""

    version = HiddenField()


class MilestoneImportForm(FlaskForm):
    """The CSV file with schools' milestone dates."""

    file = FileField(_l("CSV file"), validators=[
        FileRequired(_l("Choose a CSV file to upload.")),
        FileAllowed(["csv", "txt"], _l("Upload a .csv file: in the spreadsheet choose “Save as” → CSV.")),
        FileSize(MAX_UPLOAD_BYTES, message=_l("The file is larger than 5 MB; split it into several files.")),
    ])
