"""Rollout benchmark: the regional dashboard and the regional quarterly summary (XLSX) at a region's size.

    python bench/rollout_bench.py [--rounds 30] [--database-url postgresql+psycopg://…] [--reuse PATH|URL]

Builds the region of bench/region_data.py (30 municipalities, 700 schools, 20,000 staff, 100,000
tickets) into a fresh database — SQLite in a temporary folder by default, or an empty PostgreSQL
database — or reuses one built before (`--reuse region.db` or a database URL). Then, through the Flask
test client signed in as the regional coordinator (a fresh app context per request, as a server runs
it), it times GET /rollout/ (the regional dashboard: municipalities × milestones, the chart, overdue
items, hotline load and training) `rounds` times after three warm-ups, and the regional summary of the
last quarter as XLSX (GET /rollout/reports/summary.xlsx) five times; it prints medians, 95th
percentiles and SQL statements per request against the targets (300 ms and 3 s).
"""

import argparse
import io
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from journal_bench import FreshContextClient, StatementCounter, report, timed  # noqa: E402
from region_data import build_region, make_app  # noqa: E402

TARGETS = {"dashboard": 300.0, "summary": 3000.0}  # milliseconds, medians
SUMMARY_ROUNDS = 5


def parse_args():
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--database-url", help="an empty database to build the region in (default: SQLite)")
    parser.add_argument("--reuse",
                        help="a region built before (region.db of region_data.py --output, or a URL)")
    return parser.parse_args()


def database_url(args):
    """The database to use: the reused one, the given empty one, or None for SQLite in the instance."""
    if args.reuse:
        return args.reuse if "://" in args.reuse else f"sqlite:///{Path(args.reuse).resolve()}"
    return args.database_url


def sign_in(client, email, password):
    """Sign in through the form, as a browser does."""
    import re

    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"csrf_token": token, "email": email, "password": password})
    assert response.status_code == 302, "sign-in failed"


def describe():
    """Print how big the region is."""
    from sqlalchemy import func, select

    from app.auth.models import User
    from app.directory import kinds
    from app.directory.models import Organization
    from app.extensions import db
    from tickets.models import Ticket

    def count(query):
        return db.session.scalar(query)

    schools = count(select(func.count(Organization.id)).where(Organization.kind == kinds.SCHOOL))
    municipalities = count(select(func.count(Organization.id)).where(Organization.kind == kinds.MUNICIPALITY))
    print(f"Муниципалитетов: {municipalities}, школ: {schools}, учётных записей: "
          f"{count(select(func.count(User.id)))}, обращений: {count(select(func.count(Ticket.id)))}")


def check_summary(response):
    """The summary is a workbook openpyxl reads; print its sheets once."""
    from openpyxl import load_workbook

    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    workbook = load_workbook(io.BytesIO(response.data), read_only=True)
    print(f"Сводный отчёт: {len(response.data) / 1024:.0f} КБ, листы: {', '.join(workbook.sheetnames)}")


def run(app, rounds, logins):
    """Time the dashboard and the summary."""
    from app.extensions import db
    from app.rollout import clock
    from app.rollout import constants as c

    describe()
    counter = StatementCounter(db.engine)
    app.test_client_class = FreshContextClient
    client = app.test_client()
    sign_in(client, logins["coordinator"], logins["password"])
    page = client.get("/rollout/")
    assert page.status_code == 200, page.get_data(as_text=True)[:300]
    print(f"Панель региона: {len(page.data) / 1024:.0f} КБ")
    year, quarter = c.previous_quarter(*c.quarter_of(clock.today()))
    summary_url = f"/rollout/reports/summary.xlsx?year={year}&quarter={quarter}"
    check_summary(client.get(summary_url))

    def dashboard(_number):
        assert client.get("/rollout/").status_code == 200

    def summary(_number):
        assert client.get(summary_url).status_code == 200

    report("Панель региона GET /rollout/", *timed(dashboard, rounds, counter), TARGETS["dashboard"])
    report(f"Сводный отчёт за {quarter} кв. {year} г. (XLSX)", *timed(summary, SUMMARY_ROUNDS, counter),
           TARGETS["summary"])
    print(f"load average {os.getloadavg()[0]:.1f}")


def main():
    """Build (or reuse) the region, measure, report."""
    from flask_migrate import upgrade
    from region_data import ADMIN, COORDINATOR, PASSWORD

    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="opora-rollout-bench-") as instance:
        app = make_app(instance, database_url(args))
        with app.app_context():
            upgrade()
            if not args.reuse:
                region = build_region()
                print(f"Регион построен за {region.seconds:.1f} с")
            run(app, args.rounds, {"coordinator": COORDINATOR, "admin": ADMIN, "password": PASSWORD})
            from app.extensions import db

            db.engine.dispose()


if __name__ == "__main__":
    main()
