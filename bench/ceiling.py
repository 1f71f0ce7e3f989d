"""The ceiling of bench/run: the least a Flask page can do here — 50 rows read with raw sqlite3, one template.

    BENCH_CEILING_DB=/path/to/opora.db gunicorn --workers 4 --pythonpath bench 'ceiling:create_app()'

The Flask tutorial's shape: a sqlite3 connection per request in `get_db` (kept on `g`, closed on
teardown), the 50 newest tickets (number, subject, status, created_at) rendered as an HTML table by one
Jinja template file (bench/templates/ceiling.html). No caching of any kind: every request connects,
queries and renders. bench/run serves it with the same gunicorn settings as the portal and measures it
with the same wrk command; a page's rps divided by this one's is its «ratio to the ceiling».

The database is the generated instance's SQLite file. A PostgreSQL run has none of its own: bench/run
then takes the SQLite file given with --ceiling-db, that of the SQLite run given with --compare, or
bench/instance/opora.db; failing those, `prepare_database` copies the 1,000 newest tickets of the
portal's database into <instance>/bench-run/ceiling.db (made-up rows when it has none), indexed on
created_at. Prefer a full copy of the region: SQLite parses the schema on every new connection, and the
portal's 60-odd tables make that about 1 ms of the ceiling's ~3 ms per request.
"""

import os
import sqlite3
from pathlib import Path

from flask import Flask, g, render_template

ROWS = 50
COPIED_ROWS = 1000
QUERY = "SELECT number, subject, status, created_at FROM tickets ORDER BY created_at DESC LIMIT ?"
SCHEMA = ("CREATE TABLE tickets (id INTEGER PRIMARY KEY, number INTEGER NOT NULL, subject VARCHAR(200) "
          "NOT NULL, status VARCHAR(20) NOT NULL, created_at DATETIME NOT NULL)")
INDEX = "CREATE INDEX ix_tickets_created_at ON tickets (created_at)"
INSERT = "INSERT INTO tickets (number, subject, status, created_at) VALUES (?, ?, ?, ?)"


def get_db():
    """The request's connection to the ceiling's database, opened on first use."""
    if "db" not in g:
        g.db = sqlite3.connect(os.environ["BENCH_CEILING_DB"])
        g.db.row_factory = sqlite3.Row
    return g.db


def close_db(_error=None):
    """Close the request's connection, if one was opened."""
    connection = g.pop("db", None)
    if connection is not None:
        connection.close()


def tickets():
    """The newest tickets as a table."""
    rows = get_db().execute(QUERY, (ROWS,)).fetchall()
    return render_template("ceiling.html", rows=rows)


def create_app():
    """The ceiling app; its database is the SQLite file named by BENCH_CEILING_DB."""
    if not Path(os.environ.get("BENCH_CEILING_DB", "")).is_file():
        raise RuntimeError("BENCH_CEILING_DB must name an existing SQLite database with a tickets table")
    app = Flask(__name__, root_path=str(Path(__file__).resolve().parent))
    app.teardown_appcontext(close_db)
    app.add_url_rule("/", view_func=tickets)
    return app


def has_tickets(path):
    """Whether the SQLite file exists and holds at least ROWS tickets."""
    if not Path(path).is_file():
        return False
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        count = connection.execute("SELECT count(*) FROM (SELECT 1 FROM tickets LIMIT ?)", (ROWS,)).fetchone()
        return count[0] >= ROWS
    except sqlite3.Error:
        return False
    finally:
        connection.close()


def newest_tickets(database_url):
    """(number, subject, status, created_at) of the newest tickets of the portal's database (any kind)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT number, subject, status, created_at FROM tickets "
                                           "ORDER BY created_at DESC LIMIT :n"), {"n": COPIED_ROWS}).all()
    finally:
        engine.dispose()
    return [(number, subject, status, str(created)) for number, subject, status, created in rows]


def made_up_tickets():
    """Rows shaped as the generator's, for a portal database without tickets."""
    return [(n, f"Обращение {n}: не получается выставить отметки", "new",
             f"2026-01-01 {n // 3600:02d}:{n // 60 % 60:02d}:{n % 60:02d}")
            for n in range(1, COPIED_ROWS + 1)]


def prepare_database(path, database_url):
    """Write the ceiling's own SQLite file of the portal's newest tickets (or made-up rows); say which."""
    rows, source = newest_tickets(database_url), "copied"
    if len(rows) < ROWS:
        rows, source = made_up_tickets(), "made-up"
    Path(path).unlink(missing_ok=True)
    connection = sqlite3.connect(path)
    with connection:
        connection.execute(SCHEMA)
        connection.execute(INDEX)
        connection.executemany(INSERT, rows)
    connection.close()
    return source
