"""`opora orgs …` commands."""

import click
from flask.cli import with_appcontext

from app.errors import ValidationFailed

REPORT_LINES = (
    ("rows", "Строк с данными"),
    ("created", "Создано организаций"),
    ("updated", "Обновлено организаций"),
    ("unchanged", "Без изменений"),
    ("people_created", "Добавлено сотрудников"),
    ("appointments_created", "Записано назначений"),
    ("appointments_updated", "Обновлено назначений"),
    ("appointments_existing", "Назначений уже было"),
)


@click.group("orgs")
def orgs_group():
    """Organizations of the region."""


def _progress(done, total):
    click.echo(f"  обработано {done * 100 // total}%")


def _fail(lines):
    for line in lines:
        click.echo(line, err=True)
    click.echo("Ничего не импортировано.", err=True)
    raise click.exceptions.Exit(1)


@orgs_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, readable=True))
@with_appcontext
def import_command(path):
    """Import schools and responsible persons from a CSV file (all or nothing)."""
    from app.directory.importer import import_organizations

    with open(path, "rb") as handle:
        raw = handle.read()
    click.echo(f"Импорт из {path}")
    try:
        report = import_organizations(None, raw, path, progress=_progress)
    except ValidationFailed as error:
        _fail([f"Ошибка: {error.message}"])
    if report.ignored_columns:
        click.echo("Столбцы не распознаны и пропущены: " + ", ".join(report.ignored_columns))
    if not report.ok:
        _fail(f"Строка {line}: {message}" for line, message in report.errors)
    counts = report.counts()
    for key, label in REPORT_LINES:
        click.echo(f"{label}: {counts[key]}")
    click.echo("Импорт завершён.")
