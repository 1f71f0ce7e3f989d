"""`opora user …` commands."""

import secrets

import click
from flask.cli import with_appcontext

from app.api import constants as api_constants
from app.auth import roles
from app.errors import PermissionDenied, ValidationFailed

# The services are imported by the commands that use them: every `opora` command loads this module.


@click.group("user")
def user_group():
    """Manage accounts."""


@user_group.command("create")
@click.option("--email", required=True, help="E-mail, used to sign in.")
@click.option("--role", required=True, type=click.Choice(roles.ALL_ROLES))
@click.option("--organization", "org_code", required=True, help="Code of the user's organization.")
@click.option("--last-name", required=True)
@click.option("--first-name", required=True)
@click.option("--middle-name", default="")
@click.option("--position", default="")
@click.option("--password", help="Password (generated and printed when omitted).")
@with_appcontext
def create_command(email, role, org_code, last_name, first_name, middle_name, position, password):
    """Create an account (for the first administrator, or scripted setup)."""
    from sqlalchemy import select

    from app.auth import users
    from app.directory.models import Organization
    from app.extensions import db

    organization = db.session.scalar(select(Organization).where(Organization.code == org_code))
    if organization is None:
        raise click.ClickException(f"Организация с кодом {org_code!r} не найдена.")
    generated = password is None
    password = password or secrets.token_urlsafe(12)
    data = {
        "email": email, "role": role, "organization_id": organization.id, "last_name": last_name,
        "first_name": first_name, "middle_name": middle_name, "position": position,
        "password": password, "is_enabled": True,
    }
    try:
        user = users.create_user(None, data, send_invite=False)
    except ValidationFailed as error:
        raise click.ClickException(_error_text(error)) from error
    click.echo(f"Создан пользователь {user.email} ({user.role_label}).")
    if generated:
        click.echo(f"Пароль: {password}")


def _error_text(error):
    details = "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in error.field_errors.items())
    return f"{error.message} {details}".strip()


@user_group.command("token")
@click.argument("email")
@click.option("--scope", type=click.Choice(api_constants.SCOPES), default=api_constants.READ,
              show_default=True, help="read: only reading; write: also filing tickets, replies and changes.")
@click.option("--days", type=click.IntRange(1, api_constants.TOKEN_DAYS_MAX),
              default=api_constants.TOKEN_DAYS_DEFAULT, show_default=True,
              help="How many days the token lives.")
@click.option("--name", default="Командная строка", show_default=True, help="What the token is for.")
@with_appcontext
def token_command(email, scope, days, name):
    """Create a personal API token for an account and print it (it is shown only once)."""
    from app.api import tokens as api_tokens
    from app.auth.services import find_user_by_email
    from app.timeutil import utc_to_moscow

    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"Пользователь с адресом {email!r} не найден.")
    try:
        raw, token = api_tokens.create_token(user, name, scope, days)
    except (ValidationFailed, PermissionDenied) as error:
        raise click.ClickException(_error_text(error)) from error
    expires = utc_to_moscow(token.expires_at).strftime("%d.%m.%Y %H:%M")
    click.echo(f"Токен для {user.email} ({token.scope_label}), действует до {expires} МСК:", err=True)
    click.echo(raw)
