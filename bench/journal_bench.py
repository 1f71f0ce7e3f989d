"""Journal benchmark: the marks grid of 30 pupils × 80 lessons and saving 30 marks in one request.

    python bench/journal_bench.py [--rounds 30] [--database-url postgresql+psycopg://…]

A fresh instance in a temporary folder (SQLite by default) gets a teacher with a filled practice
class (topped up to 30 pupils); «Математика» gets three more lessons a week, which gives 80 lessons
in the 3rd quarter of 2025/26 (9 Jan – 22 Mar 2026), and every pupil a mark, two marks or an absence
at each of them, bulk-inserted. The journal's «today» is fixed at 20 March 2026, so the quarter is
complete and its last week still open for changes. Through the Flask test client, signed in as the
teacher, the bench times the grid page (GET, rendered HTML) and a JSON save of one lesson's cells for
the whole class (30 marks, their values alternating so that every round writes), `rounds` times each
after warm-up requests; it prints the medians, the 95th percentiles and the SQL statements per request.
"""

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from flask.testing import FlaskClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TODAY = date(2026, 3, 20)
PERIOD = "q3"
PUPILS = 30
EXTRA_SLOTS = ((0, 7), (2, 7), (4, 7))  # (weekday, lesson number): Mon, Wed, Fri get a 7th lesson
PASSWORD = "bench-password-2010"
TARGETS = {"page": 150.0, "save": 100.0}  # milliseconds, medians


def parse_args():
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--database-url", help="default: SQLite in the temporary instance")
    return parser.parse_args()


def make_app(instance, database_url):
    """A fresh app on an empty database."""
    os.environ["OPORA_INSTANCE_PATH"] = instance
    from app import create_app

    url = database_url or f"sqlite:///{instance}/bench.db"
    return create_app("development", {"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})


def fix_today():
    """The journal's «today» is 20 March 2026 in every module that asks for it."""
    from training.journal import cells, grid, lessons, marks

    for module in (cells, grid, lessons, marks):
        module.local_today = lambda: TODAY


def make_teacher():
    """A teacher of a school in a municipality of the region."""
    from app.auth import passwords, roles
    from app.auth.models import User
    from app.directory import kinds
    from app.directory.models import Organization, Person
    from app.extensions import db

    region = Organization(kind=kinds.REGION, code="REG-1", name="Тамбовская область")
    municipality = Organization(kind=kinds.MUNICIPALITY, code="MUN-1", name="Бондарский район", parent=region)
    school = Organization(kind=kinds.SCHOOL, code="SCH-1", name="Бондарская СОШ", parent=municipality)
    person = Person(organization=school, last_name="Кузнецова", first_name="Анна", middle_name="Петровна",
                    position="Учитель математики", email="bench@opora.test")
    user = User(person=person, email="bench@opora.test", role=roles.TEACHER,
                password_hash=passwords.hash_password(PASSWORD))
    db.session.add_all([region, municipality, school, person, user])
    db.session.commit()
    return user


def build_class(user):
    """The filled class with 30 pupils and «Математика» eight times a week; returns (class, subject)."""
    from faker import Faker

    from app.extensions import db
    from training.journal import names, sandbox
    from training.journal.models import Pupil, TimetableSlot

    school = sandbox.fill(user, seed=2010)
    school_class = school.classes[0]
    subject = next(s for s in school.subjects if s.name == "Математика")
    rng, fake = random.Random(2010), Faker("ru_RU")
    fake.seed_instance(2010)
    while len(school_class.pupils) < PUPILS:
        school_class.pupils.append(Pupil(**names.pupil(rng, fake)))
    for weekday, number in EXTRA_SLOTS:
        db.session.add(TimetableSlot(class_id=school_class.id, subject_id=subject.id, weekday=weekday,
                                     number=number))
    db.session.commit()
    return school_class, subject


def insert_marks(school_class, subject):
    """Lessons of the quarter and every pupil's marks or absence at each; returns (lessons, marks)."""
    from sqlalchemy import insert, select

    from app.extensions import db
    from app.timeutil import utcnow
    from training.journal import constants as c
    from training.journal import lessons
    from training.journal.models import Attendance, Lesson, Mark

    first, last = c.period_bounds(PERIOD, c.school_year_start(TODAY))
    slots = lessons.lesson_slots(school_class, subject, first, last)
    now, rng = utcnow(), random.Random(1)
    db.session.execute(insert(Lesson), [
        {"class_id": school_class.id, "subject_id": subject.id, "day": day, "number": number,
         "topic": f"Тема урока {index}", "homework": "§ 12, № 3", "homework_file": "",
         "homework_filename": "", "marks_entered_at": now}
        for index, (day, number) in enumerate(slots, start=1)])
    lesson_ids = db.session.scalars(select(Lesson.id).where(Lesson.class_id == school_class.id)).all()
    marks, codes = [], []
    for lesson_id in lesson_ids:
        for pupil in school_class.pupils:
            chance = rng.random()
            if chance < 0.05:
                codes.append({"lesson_id": lesson_id, "pupil_id": pupil.id, "code": c.ABSENT,
                              "created_at": now})
                continue
            kind = rng.choices(c.WORK_KINDS, (70, 15, 10, 5))[0]
            for position in range(2 if chance > 0.9 else 1):
                marks.append({"lesson_id": lesson_id, "pupil_id": pupil.id, "position": position,
                              "value": rng.choice((2, 3, 4, 4, 5, 5)), "kind": kind,
                              "weight": c.DEFAULT_WEIGHTS[kind], "comment": "", "is_debt": False,
                              "created_at": now, "updated_at": now})
    db.session.execute(insert(Mark), marks)
    db.session.execute(insert(Attendance), codes)
    db.session.commit()
    return slots, len(marks)


def sign_in(client):
    """Sign in through the form, as a browser does."""
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"csrf_token": token, "email": "bench@opora.test",
                                           "password": PASSWORD})
    assert response.status_code == 302, "sign-in failed"


class FreshContextClient(FlaskClient):
    """Each request in its own app context and database session, as a server runs it."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


class StatementCounter:
    """Counts the SQL statements the engine executes while active."""

    def __init__(self, engine):
        from sqlalchemy import event

        self.count = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args):
        self.count += 1


def timed(action, rounds, counter):
    """Wall-clock and CPU milliseconds of each call after three warm-up calls; statements of the last call.

    CPU time is reported too: on a shared machine the wall clock also counts the time other
    processes held the cores.
    """
    for _warm_up in range(3):
        action(0)
    wall, cpu = [], []
    for number in range(1, rounds + 1):
        before = counter.count
        started, started_cpu = time.perf_counter(), time.process_time()
        action(number)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        statements = counter.count - before
    return wall, cpu, statements


def percentile(values, share):
    """The value below which `share` of the values lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[max(0, int(round(share * len(ordered))) - 1)]


def report(name, wall, cpu, statements, target):
    """Print one measurement against its target."""
    median = statistics.median(wall)
    verdict = "цель достигнута" if median < target else "ЦЕЛЬ НЕ ДОСТИГНУТА"
    print(f"{name}: медиана {median:.1f} мс, p95 {percentile(wall, 0.95):.1f} мс, "
          f"минимум {min(wall):.1f} мс; SQL-запросов: {statements} (цель < {target:.0f} мс: {verdict})")
    print(f"  процессорное время: медиана {statistics.median(cpu):.1f} мс, "
          f"p95 {percentile(cpu, 0.95):.1f} мс")


def run(app, rounds):
    """Build the data, then time the page and the save."""
    from app.extensions import db

    teacher = make_teacher()
    school_class, subject = build_class(teacher)
    slots, marks = insert_marks(school_class, subject)
    url = f"/journal/classes/{school_class.id}/{subject.id}"
    pupils = [pupil.id for pupil in school_class.pupils]
    last_day, last_number = slots[-1]
    print(f"Учеников: {len(pupils)}, уроков в четверти: {len(slots)}, отметок: {marks}")
    counter = StatementCounter(db.engine)
    app.test_client_class = FreshContextClient
    client = app.test_client()
    sign_in(client)
    page = client.get(f"{url}?period={PERIOD}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and html.count('data-testid="grid-row"') == len(pupils)
    token = re.search(r'data-csrf="([^"]+)"', html).group(1)
    columns = html.count('data-testid="lesson-link"')
    print(f"Страница журнала: {len(html) / 1024:.0f} КБ, столбцов-уроков: {columns}")

    def get_page(_number):
        assert client.get(f"{url}?period={PERIOD}").status_code == 200

    def save(number):
        value = "5" if number % 2 else "4"
        cells = [{"day": last_day.isoformat(), "number": last_number, "pupil": pupil_id, "value": value}
                 for pupil_id in pupils]
        response = client.post(f"{url}/cells", json={"period": PERIOD, "cells": cells},
                               headers={"X-CSRFToken": token})
        assert response.status_code == 200, response.get_data(as_text=True)[:300]

    report("Страница журнала (GET)", *timed(get_page, rounds, counter), TARGETS["page"])
    report("Сохранение 30 отметок одним запросом (POST)", *timed(save, rounds, counter), TARGETS["save"])
    print(f"load average {os.getloadavg()[0]:.1f}")


def main():
    """Build a fresh instance, measure, report."""
    args = parse_args()
    from flask_migrate import upgrade

    with tempfile.TemporaryDirectory(prefix="opora-journal-bench-") as instance:
        app = make_app(instance, args.database_url)
        fix_today()
        with app.app_context():
            upgrade()
            run(app, args.rounds)
            from app.extensions import db

            db.engine.dispose()


if __name__ == "__main__":
    main()
