"""Fill a fresh Opora instance with a region's data for the page benchmarks (bench/run).

    python bench/generate.py --scale region|small [--instance DIR] [--db URL] [--seed N] [--force]
                             [--index-tickets]

region: 30 municipalities, 700 schools, about 20,000 staff with accounts, 100,000 tickets over three
years with 1–15 messages each and their history, 10,000 knowledge-base articles (the progit-ru corpus
and variants recombined from its paragraphs, as bench/search_bench.py makes them), 20,000 enrolments
on three published courses, practice journals of 200 teachers (one of them with a class of 30 pupils
and 80 lessons of a quarter, every lesson marked), and the search index rebuilt — of the articles;
of the tickets too with --index-tickets, which takes minutes more (each ticket's reference
«Т-000123» is a new word for the morphology). small: about a tenth of it, for a quick run. Rows go
in with bulk inserts, stage by stage, each with a progress bar.

The instance folder (default bench/instance) gets the SQLite database opora.db — or `--db` names a
PostgreSQL database (postgresql+psycopg://…) — the search index and the manifest bench.json that
bench/run reads: the database, the logins (one password for all), the pages to measure as each role
requests them, and the quarter of the regional summary. A non-empty instance or database is refused
unless --force, which wipes the database file (or drops every table), the index and the manifest.
"""

import argparse
import json
import os
import shutil
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent))

from generate_manifest import manifest  # noqa: E402
from region_data import Builder, Scale, analyze, make_app  # noqa: E402

MANIFEST = "bench.json"
DATABASE = "opora.db"
# What --force removes from the instance folder: the database, the search index, the manifest.
GENERATED = (DATABASE, f"{DATABASE}-wal", f"{DATABASE}-shm", f"{DATABASE}-journal", "search-index",
             MANIFEST)


@dataclass(frozen=True)
class Plan:
    """The sizes of one scale."""

    region: Scale
    articles: int
    journals: int


PLANS = {
    "region": Plan(Scale(municipalities=30, schools=700, tickets=100_000, ticket_days=3 * 365, messages=True,
                         enrollments=(10_000, 6_000, 4_000)), articles=10_000, journals=200),
    "small": Plan(Scale(municipalities=3, schools=70, tickets=10_000, ticket_days=3 * 365, messages=True,
                        enrollments=(1_000, 600, 400)), articles=1_000, journals=20),
}


def parse_args():
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(PLANS), default="region")
    parser.add_argument("--instance", default=str(BENCH / "instance"), help="default: bench/instance")
    parser.add_argument("--db", help="a PostgreSQL database URL instead of SQLite in the instance")
    parser.add_argument("--seed", type=int, default=2010)
    parser.add_argument("--force", action="store_true", help="wipe a non-empty instance or database first")
    parser.add_argument("--index-tickets", action="store_true",
                        help="index the tickets too (slow: several minutes at region scale)")
    return parser.parse_args()


# --- the instance -----------------------------------------------------------------------------------


def sqlite_file(url):
    """The file of a SQLite URL (None for another database)."""
    return Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None


def database_tables(url):
    """Names of the tables the database already has (none for a missing SQLite file)."""
    from sqlalchemy import create_engine, inspect

    if sqlite_file(url) and not sqlite_file(url).exists():
        return []
    engine = create_engine(url)
    try:
        return inspect(engine).get_table_names()
    finally:
        engine.dispose()


def check_empty(instance, url, force):
    """Refuse a used instance or database unless forced; when forced, wipe what a run leaves.

    Returns whether the tables of a (PostgreSQL) database are still to be dropped.
    """
    leftovers = sorted(entry.name for entry in instance.iterdir()) if instance.exists() else []
    tables = database_tables(url)
    if not (leftovers or tables):
        return False
    if not force:
        where = f"каталог {instance} не пуст ({', '.join(leftovers[:5])})" if leftovers else ""
        where += ("; " if where else "") + (f"в базе уже есть таблицы ({len(tables)})" if tables else "")
        sys.exit(f"Отказ: {where}. Чтобы стереть и заполнить заново, добавьте --force.")
    database = sqlite_file(url)
    paths = [instance / name for name in GENERATED]
    if database:
        paths += [database.with_name(database.name + suffix) for suffix in ("", "-wal", "-shm", "-journal")]
    for path in paths:
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    return bool(tables) and database is None


def drop_tables():
    """Drop every table of the app's database, and Alembic's record of the schema version."""
    from sqlalchemy import text

    from app.extensions import db

    db.drop_all()
    db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
    db.session.commit()


# --- the stages ---------------------------------------------------------------------------------------


class Stages:
    """Runs the stages one after another, each with a tqdm bar; keeps their timings."""

    def __init__(self):
        self.seconds = {}

    def run(self, title, total, action, unit="шт."):
        """Call action(advance) where advance(n) moves the bar; the bar is filled when it returns."""
        from tqdm import tqdm

        started = time.perf_counter()
        with tqdm(total=total, desc=f"{title:<22}", unit=f" {unit}", unit_scale=total >= 10_000,
                  dynamic_ncols=True, leave=True) as bar:
            def advance(count, new_total=None):
                if new_total is not None and new_total != bar.total:
                    bar.total = new_total
                bar.update(count)
            result = action(advance)
            bar.update(max(0, bar.total - bar.n))
        self.seconds[title] = time.perf_counter() - started
        return result


def load_articles(count, advance):
    """The corpus and its variants, bulk-inserted (bench/search_bench.py); returns how many."""
    from search_bench import insert_articles, read_corpus

    return insert_articles(read_corpus(), count, progress=advance)


def rebuild_index(advance, kinds):
    """The search index rebuilt from the database with the providers of those kinds only."""
    from app.search import registry, services

    left_out = [provider for provider in registry.providers() if provider.kind not in kinds]
    for provider in left_out:
        registry.unregister_provider(provider.kind)
    last = [0]

    def progress(done, total):
        advance(done - last[0], total)
        last[0] = done

    try:
        return services.reindex(progress=progress)
    finally:
        for provider in left_out:
            registry.register_provider(provider.kind, provider.load, provider.all_ids)


def journal_users(builder, count):
    """(measured teacher's e-mail, user ids): a teacher of the school login's school and count-1 more."""
    from app.auth import roles

    teachers = [email for _org, role, email, _p in builder.people if role == roles.TEACHER]
    school = builder.region.logins["school"].removeprefix("coord-").partition("@")[0]
    main = f"t0-{school}@bench.opora.test"
    others = builder.rng.sample([email for email in teachers if email != main], count - 1)
    return main, [builder.users[email] for email in (main, *others)]


def build(plan, seed, stages, index_tickets=False):
    """Every stage in order; returns (counts, the journal built, the builder)."""
    from generate_journals import JournalBuilder
    from generate_manifest import busiest_school

    from app.rollout import clock
    from app.timeutil import local_today

    builder = Builder(seed, clock.today(), plan.region)
    for title, step in (("Организации", builder.organizations), ("Сотрудники", builder.staff),
                        ("Мониторинг внедрения", builder.rollout)):
        stages.run(title, 1, lambda _advance, step=step: step())
    stages.run("Обращения и переписка", plan.region.tickets, builder.tickets, unit="обращ.")
    stages.run("Курсы и семинары", sum(plan.region.enrollments), builder.training, unit="зап.")
    builder.region.logins["school"] = busiest_school(builder)
    teacher, users = journal_users(builder, plan.journals)
    builder.region.logins["teacher"] = teacher
    journals = stages.run("Журналы", 2 * plan.journals, lambda advance: JournalBuilder(
        seed, local_today(), advance).build(users, users[0]), unit="журн.")
    articles = stages.run("Статьи базы знаний", plan.articles,
                          lambda advance: load_articles(plan.articles, advance), unit="ст.")
    kinds = ("article", "ticket") if index_tickets else ("article",)
    stages.run("Поисковый индекс", plan.articles, lambda advance: rebuild_index(advance, kinds), unit="док.")
    stages.run("Статистика СУБД", 1, lambda _advance: analyze())
    counts = {**builder.region.counts, **journals.counts, "articles": articles}
    return counts, journals, builder


def print_summary(counts, stages, seconds, cpu, path):
    """The final summary in Russian: what was made, how long each stage took."""
    labels = {"organizations": "организаций", "users": "учётных записей", "appointments": "назначений",
              "rollout_statuses": "статусов внедрения", "tickets": "обращений",
              "ticket_messages": "сообщений в обращениях", "ticket_changes": "записей истории обращений",
              "enrollments": "записей на курсы", "seminar_registrations": "регистраций на семинары",
              "journals": "учебных журналов", "journal_lessons": "уроков", "journal_marks": "отметок",
              "journal_attendance": "отметок посещаемости", "articles": "статей базы знаний"}
    print("\nСоздано: " + "; ".join(f"{labels.get(name, name)} — {count:,}".replace(",", " ")
                                    for name, count in counts.items()))
    print("Этапы: " + "; ".join(f"{title.lower()} {value:.1f} с" for title, value in stages.seconds.items()))
    print(f"Всего: {seconds:.1f} с ({seconds / 60:.1f} мин; процессорное время {cpu:.1f} с, "
          f"load average {os.getloadavg()[0]:.1f}). Манифест: {path}")


def main():
    """Check the instance, build every stage, write the manifest, print the summary."""
    from flask_migrate import upgrade

    args = parse_args()
    plan, instance = PLANS[args.scale], Path(args.instance).resolve()
    url = args.db or f"sqlite:///{instance / DATABASE}"
    must_drop = check_empty(instance, url, args.force)
    instance.mkdir(parents=True, exist_ok=True)
    started, started_cpu, stages = time.perf_counter(), time.process_time(), Stages()
    app = make_app(str(instance), url)
    with app.app_context():
        from app.extensions import db

        if must_drop:
            stages.run("Удаление таблиц", 1, lambda _advance: drop_tables())
        stages.run("Схема базы", 1, lambda _advance: upgrade())
        counts, journals, builder = build(plan, args.seed, stages, args.index_tickets)
        seconds = time.perf_counter() - started
        data = manifest(builder, journals, args.scale, url, instance)
        data.update(generated_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), seconds=round(seconds, 1),
                    counts=counts)
        db.engine.dispose()
    path = instance / MANIFEST
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print_summary(counts, stages, seconds, time.process_time() - started_cpu, path)


if __name__ == "__main__":
    main()
