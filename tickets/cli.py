"""`opora tickets …` commands."""

import click
from flask.cli import with_appcontext

from tickets.constants import CLOSE_RESOLVED_AFTER_DAYS


@click.group("tickets")
def tickets_group():
    """The hotline."""


@tickets_group.command("escalate")
@with_appcontext
def escalate_command():
    """Close tickets resolved long ago and alert queue leads about overdue ones (for cron)."""
    from tickets.escalation import escalate

    result = escalate()
    days = CLOSE_RESOLVED_AFTER_DAYS
    click.echo(f"Закрыто автоматически (решены более {days} дн. назад): {len(result.closed)}")
    for reference in result.closed:
        click.echo(f"  {reference}")
    click.echo(f"Просроченных обращений, о которых сообщено: {len(result.alerted)}; писем: {result.messages}")
    for reference in result.alerted:
        click.echo(f"  {reference}")
    if result.unreported:
        click.echo(f"Некому сообщить (нет руководителя и операторов линии): {', '.join(result.unreported)}")
