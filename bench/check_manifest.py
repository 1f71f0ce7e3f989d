"""Check a generated instance against its manifest: every page answers 200 to its role.

    python bench/check_manifest.py [INSTANCE]        # default bench/instance

Signs in as each role through the /login form (Flask test client on the manifest's database and
instance), requests every page of the manifest (all the search queries), and checks what the
benchmark relies on: the ticket shows exactly ten messages, the journal 30 pupils and at least 80
lessons. Prints one line per page and exits with 1 when something is wrong.
"""

import json
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent))

from region_data import make_app  # noqa: E402
from rollout_bench import sign_in  # noqa: E402

EXPECTED = {  # page: (what to count in the HTML, how many, at least or exactly)
    "ticket": ('data-testid="message"', 10, "exactly"),
    "journal": ('data-testid="grid-row"', 30, "exactly"),
    "journal_lessons": ('data-testid="lesson-link"', 80, "at least"),
}


def check_counts(key, html):
    """(what was counted, problems) for the counts the benchmark relies on."""
    seen, problems = [], []
    for name, (marker, count, how) in EXPECTED.items():
        if name.partition("_")[0] != key:
            continue
        found = html.count(marker) + (html.count('data-testid="internal-note"') if key == "ticket" else 0)
        seen.append(f"{marker.removeprefix('data-testid=')}: {found}")
        if (how == "exactly" and found != count) or (how == "at least" and found < count):
            need = "ровно" if how == "exactly" else "не меньше"
            problems.append(f"{marker}: {found}, нужно {need} {count}")
    return seen, problems


def check(app, data):
    """Request every page as its role; returns the number of problems."""
    clients, problems = {}, 0
    for key, role in data["roles"].items():
        if role not in clients:
            clients[role] = app.test_client()
            sign_in(clients[role], data["logins"][role], data["password"])
        paths = data["pages"][key]
        for path in paths if isinstance(paths, list) else [paths]:
            started = time.perf_counter()
            response = clients[role].get(path)
            html = response.get_data(as_text=True)
            seen, wrong = check_counts(key, html)
            if response.status_code != 200:
                wrong = [f"ответ {response.status_code}"]
            problems += bool(wrong)
            verdict = "; ".join(wrong) or " ".join(["ok", *seen])
            took = (time.perf_counter() - started) * 1000
            print(f"{key:<20} {role:<12} {response.status_code} {took:7.1f} мс {len(html) / 1024:6.0f} КБ  "
                  f"{verdict}  {path[:60]}")
    return problems


def main():
    """Load the manifest, open the app on its database, check every page."""
    instance = Path(sys.argv[1] if len(sys.argv) > 1 else BENCH / "instance").resolve()
    data = json.loads((instance / "bench.json").read_text(encoding="utf-8"))
    app = make_app(data["instance"], data["database_url"])
    problems = check(app, data)
    print(f"Страниц с ошибками: {problems}" if problems else "Все страницы манифеста отвечают как нужно.")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
