"""`opora search …` commands."""

import json
import time

import click
from flask.cli import with_appcontext

ALL_AUDIENCES = ("public", "staff", "internal")


@click.group("search")
def search_group():
    """The search index."""


@search_group.command("reindex")
@with_appcontext
def reindex_command():
    """Rebuild the search index from the database."""
    from whoosh.index import LockError

    from app.search import services

    started = time.perf_counter()
    with click.progressbar(length=0, label="Индексирование", show_pos=True) as bar:

        def progress(done, total):
            bar.length = total
            bar.update(done - bar.pos)

        try:
            count = services.reindex(progress=progress)
        except LockError:
            click.echo("\nИндекс занят другим процессом (идёт запись); повторите команду позже.", err=True)
            raise click.exceptions.Exit(1) from None
    elapsed = time.perf_counter() - started
    rate = count / elapsed if elapsed > 0 else 0
    click.echo(f"Проиндексировано документов: {count} за {elapsed:.1f} с ({rate:.0f} в секунду).")


@search_group.command("apply")
@with_appcontext
def apply_command():
    """Write the changes that wait in the queue to the index (for cron)."""
    from app.search import services

    applied = services.apply_pending()
    click.echo(f"Применено изменений: {applied}; в очереди: {services.pending_count()}")


@search_group.command("query")
@click.argument("text")
@click.option("--json", "as_json", is_flag=True, help="Print the hits as a JSON list.")
@click.option("--kind", "kinds", multiple=True, default=("article",), show_default=True,
              help="Kind of documents (repeat for several).")
@click.option("--audience", "audiences", multiple=True, default=ALL_AUDIENCES, show_default=True,
              type=click.Choice(ALL_AUDIENCES), help="Audiences to search (repeat for several).")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100), help="Number of hits.")
@with_appcontext
def query_command(text, as_json, kinds, audiences, limit):
    """Search the index and print the ranked hits."""
    from app.search import services

    results = services.search(text, kinds=kinds, audiences=audiences, per_page=limit)
    if as_json:
        click.echo(json.dumps([_hit_json(hit) for hit in results.hits], ensure_ascii=False, indent=2))
        return
    if results.corrected:
        click.echo(f"Ничего не найдено; результаты по запросу «{results.suggestion}».")
    elif results.suggestion:
        click.echo(f"Возможно, вы имели в виду: {results.suggestion}")
    click.echo(f"Найдено: {results.total}")
    for number, hit in enumerate(results.hits, start=1):
        where = hit.url or hit.slug
        click.echo(f"{number:>3}. [{hit.kind} {hit.id}] {hit.title}  ({hit.score:.3f})  {where}")


def _hit_json(hit):
    return {"kind": hit.kind, "id": hit.id, "slug": hit.slug, "title": hit.title, "score": hit.score,
            "url": hit.url, "summary": hit.summary, "snippet_html": str(hit.snippet_html)}
