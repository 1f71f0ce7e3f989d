"""The form that creates a personal API token."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from app.api import constants as c
from app.api.tokens import NAME_MAX


class TokenForm(FlaskForm):
    """Name, scope and lifetime of a new token."""

    name = StringField(_l("Token name"), validators=[DataRequired(_l("This field is required.")),
                                                     Length(max=NAME_MAX)],
                       description=_l("What the token is for, e.g. «Support bot» or «Monitoring script»."))
    scope = SelectField(_l("Scope"), choices=[(scope, label) for scope, label in c.SCOPE_LABELS.items()],
                        default=c.READ)
    days = IntegerField(
        _l("Valid for, days"), default=c.TOKEN_DAYS_DEFAULT,
        validators=[InputRequired(_l("This field is required.")),
                    NumberRange(1, c.TOKEN_DAYS_MAX, _l("Enter a number from 1 to %(max)s."))])
