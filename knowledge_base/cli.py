"""`opora kb …` commands."""

from pathlib import Path

import click
from flask.cli import with_appcontext

PROGRESS_FROM_FILES = 50  # a bar for a handful of files would only flicker


@click.group("kb")
def kb_group():
    """The knowledge base."""


class _ProgressBar:
    """A click progress bar that opens once the importer says how many steps there are."""

    def __init__(self):
        self.bar = None
        self.done = 0

    def __call__(self, done, total):
        if total < 2 * PROGRESS_FROM_FILES:
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label="Импорт статей",
                                         file=click.get_text_stream("stderr"))
            self.bar.__enter__()
        self.bar.update(done - self.done)
        self.done = done

    def close(self):
        """Finish the bar's line, if a bar was shown."""
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


@kb_group.command("import")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--create-categories", is_flag=True,
              help="Create the categories that files name but neither the database nor categories.yml has.")
@with_appcontext
def import_command(directory, create_categories):
    """Import guides from DIRECTORY: *.md files with YAML front matter and categories.yml (all or nothing)."""
    from knowledge_base import importer

    click.echo(f"Импорт статей из {directory}")
    bar = _ProgressBar()
    try:
        report = importer.import_directory(None, directory, progress=bar,
                                           create_missing_categories=create_categories)
    finally:
        bar.close()
    if not report.ok:
        for filename, message in report.errors:
            click.echo(f"{filename}: {message}", err=True)
        click.echo("Ничего не импортировано.", err=True)
        if report.unknown_categories and not create_categories:
            click.echo("Создать недостающие категории (" + ", ".join(report.unknown_categories)
                       + ") можно ключом --create-categories.", err=True)
        raise click.exceptions.Exit(1)
    if report.categories_created or report.categories_updated:
        click.echo(f"Категорий создано: {report.categories_created}, обновлено: {report.categories_updated}")
    click.echo(f"Создано статей: {report.created}, обновлено: {report.updated}, "
               f"без изменений: {report.unchanged}")
