"""`opora user …` commands."""

import secrets

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from app.auth import roles, users
from app.directory.models import Organization
from app.errors import ValidationFailed
from app.extensions import db


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
        details = "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in error.field_errors.items())
        raise click.ClickException(f"{error.message} {details}".strip()) from error
    click.echo(f"Создан пользователь {user.email} ({user.role_label}).")
    if generated:
        click.echo(f"Пароль: {password}")
