"""`opora training …`: load a course from files, send seminar reminders."""

from pathlib import Path

import click
from flask.cli import with_appcontext

training_group = click.Group("training", help="Курсы и семинары.")


@training_group.command("import")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def import_command(directory):
    """Load a course from DIRECTORY (course.yml, lessons, quizzes): all or nothing, again and again."""
    from training import importer

    try:
        result = importer.import_course(directory)
    except importer.ImportFailed as failure:
        for number, message in enumerate(failure.errors, 1):
            click.echo(f"{number}. {message}", err=True)
        click.echo("Курс не загружен, ничего не изменено.", err=True)
        raise click.exceptions.Exit(1) from failure
    outcome = "загружен" if result.created else "обновлён" if result.changed else "без изменений"
    counts = result.counts
    click.echo(f"Курс «{result.course.title}» {outcome}: модулей {counts['modules']}, "
               f"вопросов {counts['questions']}")


@training_group.command("remind")
@with_appcontext
def remind_command():
    """E-mail the people registered for seminars starting within a day (for cron; each person once)."""
    from app.timeutil import utc_to_moscow
    from training.constants import REMINDER_HOURS_BEFORE
    from training.seminar_registration import send_reminders

    result = send_reminders()
    click.echo(f"Напоминания о семинарах в ближайшие {REMINDER_HOURS_BEFORE} ч: писем {result.messages}")
    for seminar, letters in result.seminars:
        click.echo(f"  {utc_to_moscow(seminar.starts_at):%d.%m.%Y %H:%M} (МСК) «{seminar.title}»: {letters}")
