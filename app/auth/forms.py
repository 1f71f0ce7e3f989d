"""Sign-in, password and account forms."""

import email_validator
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from app.auth.roles import ALL_ROLES, ROLE_LABELS

# The demo accounts live under the reserved .test domain (RFC 2606); accept it.
if "test" in email_validator.SPECIAL_USE_DOMAIN_NAMES:
    email_validator.SPECIAL_USE_DOMAIN_NAMES.remove("test")

REQUIRED = _l("This field is required.")
BAD_EMAIL = _l("Enter an e-mail address like name@school.ru.")


class LoginForm(FlaskForm):
    """E-mail and password."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(REQUIRED), Email(BAD_EMAIL)])
    password = PasswordField(_l("Password"), validators=[DataRequired(REQUIRED)])
    remember = BooleanField(_l("Remember me on this computer"))


class ChangePasswordForm(FlaskForm):
    """The current password and the new one twice."""

    current_password = PasswordField(_l("Current password"), validators=[DataRequired(REQUIRED)])
    new_password = PasswordField(_l("New password"), validators=[DataRequired(REQUIRED)])
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(REQUIRED), EqualTo("new_password", _l("The passwords do not match."))],
    )


class ForgotPasswordForm(FlaskForm):
    """The e-mail to send a reset link to."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(REQUIRED), Email(BAD_EMAIL)])


class ResetPasswordForm(FlaskForm):
    """The new password twice."""

    new_password = PasswordField(_l("New password"), validators=[DataRequired(REQUIRED)])
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(REQUIRED), EqualTo("new_password", _l("The passwords do not match."))],
    )


class UserForm(FlaskForm):
    """An account as the administrator edits it."""

    last_name = StringField(_l("Last name"), validators=[DataRequired(REQUIRED), Length(max=80)])
    first_name = StringField(_l("First name"), validators=[DataRequired(REQUIRED), Length(max=80)])
    middle_name = StringField(_l("Middle name"), validators=[Optional(), Length(max=80)])
    position = StringField(_l("Position"), validators=[Optional(), Length(max=200)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(REQUIRED), Email(BAD_EMAIL)])
    role = SelectField(_l("Role"), choices=[(r, ROLE_LABELS[r]) for r in ALL_ROLES])
    organization_id = SelectField(_l("Organization"), coerce=int, validators=[DataRequired(REQUIRED)])
    is_enabled = BooleanField(_l("Account enabled"), default=True)
    password = PasswordField(
        _l("Password"),
        validators=[Optional()],
        description=_l(
            "Leave empty to keep the current password (for a new user: to send a link by e-mail)."
        ),
    )
