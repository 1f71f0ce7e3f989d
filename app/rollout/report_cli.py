"""`opora reports …` commands."""

import time
from pathlib import Path

import click
from flask.cli import with_appcontext

from app.cli import batch_command


@click.group("reports")
def reports_group():
    """Quarterly reports on the rollout (plan item 2.6)."""


@batch_command
@reports_group.command("quarterly")
@click.option("--year", type=int, required=True, help="Год, например 2011.")
@click.option("--quarter", type=int, required=True, help="Квартал: 1–4.")
@click.option("--format", "file_format", type=click.Choice(["xlsx", "pdf"]), default="xlsx",
              show_default=True, help="Формат файла.")
@click.option("--output", type=click.Path(dir_okay=False, writable=True, path_type=Path), required=True,
              help="Куда записать файл.")
@click.option("--municipality", default="", help="Код муниципалитета: его отчёт вместо сводки по региону.")
@with_appcontext
def quarterly_command(year, quarter, file_format, output, municipality):
    """Write the regional summary of a quarter (or one municipality's report) as XLSX or PDF."""
    from app.errors import ServiceError
    from app.rollout import report_exports, report_sections, report_summary, reports

    started = time.perf_counter()
    try:
        reports.check_quarter(year, quarter)
        if municipality:
            place = reports.municipality_by_code(municipality.strip())
            click.echo(f"Отчёт: {place.display_name}, {year} — {quarter} кв.; считаю показатели…", err=True)
            document = report_sections.report_document(reports.build_page(place, year, quarter))
        else:
            click.echo(f"Сводка по региону за {year} — {quarter} кв.; считаю показатели…", err=True)
            document = report_sections.summary_document(report_summary.build_summary(year, quarter))
    except ServiceError as error:
        raise click.UsageError(error.message) from error
    builder = report_exports.xlsx_bytes if file_format == "xlsx" else report_exports.pdf_bytes
    data = builder(document)
    try:
        output.write_bytes(data)
    except OSError as error:
        raise click.UsageError(f"Не удалось записать файл {output}: {error.strerror}") from error
    seconds = time.perf_counter() - started
    size = f"{len(data):,}".replace(",", " ")
    click.echo(f"Записан {output} ({size} байт) за {seconds:.2f} с: {document.title}")
