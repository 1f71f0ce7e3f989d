"""Search benchmark: 10,000 articles in a fresh SQLite instance; rebuild speed and query latency.

    python bench/search_bench.py [--articles 10000] [--rounds 10] [--backend whoosh|postgres]
                                 [--database-url postgresql+psycopg://…]

The articles are the progit-ru corpus (../shared/corpora/progit-ru) plus variants made of its
paragraphs recombined under new titles, bulk-inserted into the articles table. The index is rebuilt
with app.search.services.reindex (through the knowledge base's "article" provider), then a set of
realistic Russian queries (other word forms, typos, synonyms) runs `rounds` times through
services.search; the median and the 95th percentile of the latency are printed.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CORPUS = ROOT.parent / "shared" / "corpora" / "progit-ru"

QUERIES = [
    "слияние веток", "слиянии веток", "как отменить коммит", "отмена коммита", "удалённый репозиторий",
    "удаленного репозитория", "перебазирование", "ветвление", "ветки", "создать ветку", "индекс",
    "индексация файлов", "конфликт слияния", "конфликты при слиянии", "теги", "метки версий",
    "ssh ключ", "генерация ssh ключа", "сервер git", "настройка сервера", "хуки на сервере",
    "история коммитов", "просмотр истории", "игнорирование файлов", "gitignore", "подмодули",
    "стали", "псевдонимы команд", "пароль", "учётная запись", "учетной записи", "запросы на слияние",
    "github", "форк проекта", "клонирование репозитория", "клонировать репозиторий", "рабочий каталог",
    "объекты git", "упаковка объектов", "сборка мусора", "коммит", "сравнение изменений", "git diff",
    "припрятывание изменений", "бинарный поиск ошибок", "электронная почта",
    # typos: corrected, with «did you mean»
    "перебазирвание", "репозиторй", "комит", "слиянеи веток", "ветвлние", "конфликтт",
]
AUDIENCE_SHARE = (("public", 0.8), ("staff", 0.15), ("internal", 0.05))


def parse_args():
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--backend", choices=("whoosh", "postgres"), default="whoosh")
    parser.add_argument("--database-url", help="default: SQLite in the temporary instance")
    return parser.parse_args()


def read_corpus():
    """(front matter, body) of every corpus article."""
    import yaml

    articles = []
    for path in sorted(CORPUS.glob("*.md")):
        _empty, front, body = path.read_text(encoding="utf-8").split("---", 2)
        articles.append((yaml.safe_load(front), body.strip()))
    return articles


def make_app(instance, database_url, backend):
    """A fresh app on an empty, migrated database."""
    os.environ["OPORA_INSTANCE_PATH"] = instance
    from app import create_app

    url = database_url or f"sqlite:///{instance}/bench.db"
    return create_app("development", {"SQLALCHEMY_DATABASE_URI": url, "SEARCH_BACKEND": backend})


def article_rows(corpus, count, categories):
    """Rows for the articles table: the corpus, then recombined variants up to count."""
    from app.timeutil import utcnow

    rng = random.Random(2010)
    paragraphs = [part for _meta, body in corpus for part in body.split("\n\n") if len(part) > 80]
    audiences, weights = zip(*AUDIENCE_SHARE, strict=True)
    now = utcnow()
    rows = []
    for number in range(count):
        if number < len(corpus):
            meta, body = corpus[number]
            title, slug, category = meta["title"], meta["slug"], meta["category"]
        else:
            (meta_a, _), (meta_b, _) = rng.sample(corpus, 2)
            title = f"{meta_a['title']}: {meta_b['title'].lower()}"
            slug, category = f"variant-{number}", meta_a["category"]
            body = "\n\n".join(rng.sample(paragraphs, rng.randint(4, 12)))
        rows.append({"slug": slug, "title": title[:200], "summary": "", "body": body,
                     "category_id": categories[category], "audience": rng.choices(audiences, weights)[0],
                     "status": "published", "created_at": now, "updated_at": now, "published_at": now})
    return rows


def insert_articles(corpus, count, progress=None):
    """Bulk-insert the categories and articles; progress(n) after each chunk; returns how many articles."""
    from sqlalchemy import insert

    from app.extensions import db
    from knowledge_base.models import Article, ArticleCategory

    names = sorted({meta["category"] for meta, _body in corpus})
    for position, name in enumerate(names):
        db.session.add(ArticleCategory(slug=name, name=name, position=position))
    db.session.flush()
    categories = {category.slug: category.id for category in db.session.query(ArticleCategory)}
    rows = article_rows(corpus, count, categories)
    for offset in range(0, len(rows), 1000):
        db.session.execute(insert(Article), rows[offset:offset + 1000])
        if progress:
            progress(len(rows[offset:offset + 1000]))
    db.session.commit()
    return len(rows)


def ensure_provider():
    """The knowledge base's article provider (registered when its views are imported)."""
    from app.search import registry
    from knowledge_base import search_provider

    if registry.provider("article") is None:
        search_provider.register()


def time_reindex():
    """Rebuild the index and print the rate (wall clock and CPU time)."""
    from app.search import services

    started, started_cpu = time.perf_counter(), time.process_time()
    count = services.reindex(progress=lambda done, total: print(f"\r  {done}/{total}", end="", flush=True))
    wall, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    print(f"\nИндексирование: {count} за {wall:.1f} с — {count / wall:.0f} статей/с"
          f" (процессорное время {cpu:.1f} с — {count / cpu:.0f} статей/с)")


def time_queries(rounds):
    """Wall-clock and CPU latencies (ms) of services.search over every query, `rounds` times.

    A first pass warms up the lemma cache, the searcher and the vocabulary. CPU time is reported too:
    on a shared machine the wall clock also counts the time other processes held the cores.
    """
    from app.search import services

    audiences = ("public", "staff")
    for text in QUERIES:
        services.search(text, audiences=audiences)
    wall, cpu = [], []
    for _round in range(rounds):
        for text in QUERIES:
            started, started_cpu = time.perf_counter(), time.process_time()
            services.search(text, audiences=audiences)
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
    return wall, cpu


def report_queries(rounds):
    """Run the queries and print the latency figures."""
    wall, cpu = time_queries(rounds)
    print(f"Поиск: {len(QUERIES)} запросов × {rounds}: медиана {statistics.median(wall):.1f} мс,"
          f" p95 {percentile(wall, 0.95):.1f} мс, максимум {max(wall):.1f} мс")
    print(f"  процессорное время: медиана {statistics.median(cpu):.1f} мс,"
          f" p95 {percentile(cpu, 0.95):.1f} мс; load average {os.getloadavg()[0]:.1f}")


def percentile(values, share):
    """The value below which `share` of the values lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[max(0, int(round(share * len(ordered))) - 1)]


def show_examples():
    """A few queries with their totals and top hits, to see that the answers make sense."""
    from app.search import services

    for text in ("слиянии веток", "перебазирвание", "удалённого репозитория"):
        results = services.search(text, audiences=("public", "staff"), per_page=3)
        hint = f" (исправлено на «{results.suggestion}»)" if results.corrected else ""
        print(f"  «{text}»{hint}: {results.total} — " + "; ".join(hit.title for hit in results.hits))


def time_single_update():
    """Milliseconds to index one changed article (queue in the transaction, commit, apply)."""
    from app.extensions import db
    from app.search import services
    from knowledge_base.models import Article

    article = db.session.query(Article).first()
    started = time.perf_counter()
    article.title = article.title + " (обновлено)"
    services.document_changed("article", article.id)
    db.session.commit()
    services.apply_pending()
    return (time.perf_counter() - started) * 1000


def main():
    """Build, index, query, report."""
    args = parse_args()
    from flask_migrate import upgrade

    with tempfile.TemporaryDirectory(prefix="opora-bench-") as instance:
        app = make_app(instance, args.database_url, args.backend)
        with app.app_context():
            upgrade()
            count = insert_articles(read_corpus(), args.articles)
            ensure_provider()
            print(f"Статей: {count} (бэкенд: {args.backend})")
            time_reindex()
            show_examples()
            report_queries(args.rounds)
            print(f"Обновление одной статьи: {time_single_update():.1f} мс")
            from app.extensions import db

            db.engine.dispose()


if __name__ == "__main__":
    main()
