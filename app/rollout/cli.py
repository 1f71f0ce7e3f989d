"""`opora rollout …` commands."""

import click
from flask.cli import with_appcontext


@click.group("rollout")
def rollout_group():
    """Control of the rollout: milestones and reminders."""


@rollout_group.command("remind")
@with_appcontext
def remind_command():
    """E-mail reminders about milestone deadlines and quarterly reports due soon (daily, for cron)."""
    from app.rollout import clock
    from app.rollout.reminders import send_reminders

    today = clock.today()
    result = send_reminders(today)
    click.echo(f"Напоминания о сроках плана на {today:%d.%m.%Y}")
    click.echo(f"  школам (координаторам и ответственным): писем {result.milestone}")
    click.echo(f"  специалистам МОУО (сводки по школам): писем {result.digest}")
    click.echo(f"  о квартальных отчётах: писем {result.report}")
    click.echo(f"Всего писем: {result.total}")
    for recipient, subject in result.letters:
        click.echo(f"  {recipient}: {subject}")
