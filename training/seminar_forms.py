"""Forms of the seminar pages: the seminar editor, buttons, the attendance CSV upload."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, FileField, IntegerField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields import TimeField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.auth import roles
from training.seminars import DEFAULT_AUDIENCE, MAX_CAPACITY

REQUIRED = _l("This field is required.")


class SeminarForm(FlaskForm):
    """A seminar: what, when (Moscow time), where, for whom, how many places, which guides to read."""

    title = StringField(_l("Title"), validators=[DataRequired(REQUIRED), Length(max=250)])
    description = TextAreaField(
        _l("Description"), validators=[Optional(), Length(max=20_000)],
        description=_l("Markdown: ## headings, **bold**, lists, [links](https://…). The programme, who "
                       "should come, what to bring."))
    day = DateField(_l("Date"), validators=[InputRequired(_l("Enter the date of the seminar."))],
                    format="%Y-%m-%d")
    starts = TimeField(_l("Starts at (Moscow time)"), format="%H:%M",
                       validators=[InputRequired(_l("Enter the start time, e.g. 10:00."))])
    ends = TimeField(_l("Ends at (Moscow time)"), format="%H:%M",
                     validators=[InputRequired(_l("Enter the end time, e.g. 13:00."))])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=300)],
                        description=_l("Town, building, address and room, e.g. Тамбов, ТОИПКРО, ул. "
                                       "Советская, 108, ауд. 21. Leave empty for an online-only seminar."))
    online_url = StringField(_l("Link for online participants"), validators=[Optional(), Length(max=500)],
                             description=_l("An http:// or https:// address of the video meeting, if any."))
    capacity = IntegerField(_l("Places"), default=30, validators=[
        InputRequired(_l("Enter the number of places.")),
        NumberRange(min=1, max=MAX_CAPACITY,
                    message=_l("The number of places must be a whole number from %(min)s to %(max)s."))])
    audience = SelectMultipleField(
        _l("Who may register"), choices=[(role, roles.ROLE_LABELS[role]) for role in roles.ALL_ROLES],
        default=list(DEFAULT_AUDIENCE), widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
        description=_l("Leave every box empty to open the seminar to everyone."))
    materials = TextAreaField(
        _l("Materials from the knowledge base"), validators=[Optional(), Length(max=5000)],
        description=_l("One published guide per line: its address (e.g. aktivatsiya-shkoly), its link "
                       "/kb/… or its exact title."))

    def data_for_service(self):
        """The values the services take."""
        return {name: getattr(self, name).data for name in (
            "title", "description", "day", "starts", "ends", "place", "online_url", "capacity", "audience",
            "materials")}


class ConfirmForm(FlaskForm):
    """A button that only needs the CSRF token (register, cancel, mark attendance)."""


class AttendanceUploadForm(FlaskForm):
    """A CSV file with the columns e-mail and mark."""

    file = FileField(_l("CSV file"), description=_l(
        "Columns «E-mail» and «Отметка» (присутствовал, частично, не явился), a header row; UTF-8 or "
        "Windows-1251, separated by «;» or «,»."))
