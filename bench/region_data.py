"""A region at full size for benchmarks: 30 municipalities, 700 schools, 20,000 staff, 100,000 tickets.

    python bench/region_data.py [--output DIR | --database-url postgresql+psycopg://…] [--seed N]

Builds into a fresh database (a SQLite file `region.db` in DIR, a temporary folder by default, or an
empty PostgreSQL database) with bulk inserts, and prints what it made and how long it took. The region:
30 municipalities of 23–24 schools, each school 27–30 staff with accounts (a school coordinator, the
rest teachers), one specialist per municipal office, the regional coordinator and administrator,
10 computer-center operators and 10 institute methodologists — one password hash for everyone;
responsible persons appointed in about 80 % of the schools and offices; rollout statuses made as the
demo makes them (app/rollout/demo.py: the plan re-dated around today, about 60 % of the schools
activated); 100,000 tickets in both hotlines over the last two years (older ones resolved or closed,
recent ones partly open, ratings on some; bench/generate_tickets.py); a published course with 8,000 of
the staff enrolled; six seminars of the year with registrations and attendance. A `Scale` changes the
sizes (bench/generate.py builds three years of tickets with their conversations, three courses).

Other benchmarks reuse it (issue 9 will):

    from region_data import build_region, make_app
    app = make_app(instance, database_url)
    with app.app_context():
        upgrade()
        region = build_region(seed=2010)   # region.logins, region.counts, region.today
        # another size: build_region(seed=2010, scale=Scale(municipalities=3, schools=70, tickets=10_000))
"""

import argparse
import os
import random
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bulk import copy_rows, ids_by, insert_rows  # noqa: E402

PASSWORD = "bench-password-2010"
STAFF_PER_SCHOOL = (27, 30)
AGENTS = 10  # operators, and as many methodologists
APPOINTED_SHARE = 0.8
SEMINAR_SEATS = 80
REQUESTER_ROLES = ("teacher", "school", "municipal")  # who files tickets and takes courses
COURSE_TITLES = ("Ведение электронных дневников и журналов успеваемости",
                 "Электронный журнал: отчёты и итоговые отметки",
                 "Работа с родителями через электронный дневник")
COORDINATOR = "coordinator@bench.opora.test"
ADMIN = "admin@bench.opora.test"
MUNICIPAL = "mouo01@bench.opora.test"  # the first municipality's specialist
SCHOOL = "coord-68-01-01@bench.opora.test"  # the coordinator of the first municipality's first school


@dataclass(frozen=True)
class Scale:
    """How big the region is; the defaults are the full region of rollout_bench."""

    municipalities: int = 30
    schools: int = 700
    tickets: int = 100_000
    ticket_days: int = 730
    messages: bool = False  # the tickets' conversations and history (bench/generate_tickets.py)
    enrollments: tuple = (8_000,)  # learners of each published course


@dataclass
class Region:
    """What was built: counts of rows, the sign-in e-mails of interest, the day it was built for."""

    today: object
    counts: dict = field(default_factory=dict)
    logins: dict = field(default_factory=dict)
    seconds: float = 0.0


def make_app(instance, database_url=None):
    """An app on the given database (default: SQLite region.db in the instance folder)."""
    os.environ["OPORA_INSTANCE_PATH"] = instance
    from app import create_app

    url = database_url or f"sqlite:///{instance}/region.db"
    return create_app("development", {"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})


class Builder:
    """Fills an empty, migrated database; one commit at the end."""

    def __init__(self, seed, today, scale=None):
        from faker import Faker

        from app.timeutil import utcnow

        self.rng = random.Random(seed)
        self.seed = seed
        self.today = today
        self.scale = scale or Scale()
        self.now = utcnow()
        fake = Faker("ru_RU")
        fake.seed_instance(seed)
        self.names = [(fake.last_name_female(), fake.first_name_female(), fake.middle_name_female())
                      for _ in range(300)] + [(fake.last_name_male(), fake.first_name_male(),
                                                fake.middle_name_male()) for _ in range(150)]
        self.region = Region(today=today)
        self.people = []  # (organization id, role, e-mail, position)
        self.person_names = {}  # e-mail: (last, first, middle)

    def steps(self):
        """The building steps in order."""
        return (self.organizations, self.staff, self.rollout, self.tickets, self.training)

    def organizations(self):
        """The region, the two support centres, the municipalities and their schools."""
        from app.directory import kinds
        from app.directory.models import Organization

        def org(kind, code, name, parent_id):
            return {"kind": kind, "code": code, "name": name, "short_name": name, "parent_id": parent_id,
                    "address": "", "phone": "", "email": "", "created_at": self.now, "updated_at": self.now}

        insert_rows(Organization, [org(kinds.REGION, "68", "Тамбовская область", None)])
        region_id = ids_by(Organization.id, Organization.code, ["68"])["68"]
        municipalities = [org(kinds.MUNICIPALITY, f"68-{n:02d}", f"Район № {n}", region_id)
                          for n in range(1, self.scale.municipalities + 1)]
        insert_rows(Organization, [org(kinds.INSTITUTE, "68-IPKRO", "ИПКРО", region_id),
                                   org(kinds.COMPUTER_CENTER, "68-KC", "Компьютерный центр", region_id),
                                   *municipalities])
        self.orgs = ids_by(Organization.id, Organization.code)
        schools = []
        for index in range(self.scale.schools):
            municipality = f"68-{index % self.scale.municipalities + 1:02d}"
            number = index // self.scale.municipalities + 1
            schools.append(org(kinds.SCHOOL, f"{municipality}-{number:02d}",
                               f"СОШ № {number} ({municipality})", self.orgs[municipality]))
        insert_rows(Organization, schools)
        self.orgs = ids_by(Organization.id, Organization.code)
        self.schools = [row["code"] for row in schools]
        self.municipalities = [row["code"] for row in municipalities]
        self.org_names = {row["code"]: row["name"] for row in (*municipalities, *schools)}
        self.org_names.update({"68-IPKRO": "ИПКРО", "68-KC": "Компьютерный центр"})
        self.region.counts["organizations"] = len(self.orgs)

    def staff(self):
        """People with accounts: school staff, municipal specialists, regional staff, hotline agents."""
        from app.auth import roles

        add = self.people.append
        add((self.orgs["68"], roles.COORDINATOR, COORDINATOR, "Специалист отдела мониторинга"))
        add((self.orgs["68"], roles.ADMIN, ADMIN, "Администратор портала"))
        for n in range(AGENTS):
            add((self.orgs["68-KC"], roles.OPERATOR, f"operator{n}@bench.opora.test", "Оператор"))
            add((self.orgs["68-IPKRO"], roles.METHODOLOGIST, f"metod{n}@bench.opora.test", "Методист"))
        for n, code in enumerate(self.municipalities, start=1):
            add((self.orgs[code], roles.MUNICIPAL, f"mouo{n:02d}@bench.opora.test", "Специалист МОУО"))
        for code in self.schools:
            add((self.orgs[code], roles.SCHOOL, f"coord-{code}@bench.opora.test", "Заместитель директора"))
            for n in range(self.rng.randint(*STAFF_PER_SCHOOL) - 1):
                add((self.orgs[code], roles.TEACHER, f"t{n}-{code}@bench.opora.test", "Учитель"))
        self._insert_people()

    def _insert_people(self):
        from app.auth import passwords
        from app.auth.models import User
        from app.directory.models import Person

        rows = []
        for org_id, _role, email, position in self.people:
            last, first, middle = self.person_names[email] = self.rng.choice(self.names)
            rows.append({"organization_id": org_id, "last_name": last, "first_name": first,
                         "middle_name": middle, "position": position, "email": email, "phone": "",
                         "created_at": self.now, "updated_at": self.now})
        insert_rows(Person, rows)
        person_ids = ids_by(Person.id, Person.email)
        password_hash = passwords.hash_password(PASSWORD)  # once: hashing is slow on purpose
        insert_rows(User, [{"person_id": person_ids[email], "email": email, "password_hash": password_hash,
                            "role": role, "is_enabled": True, "locale": None, "created_at": self.now,
                            "password_changed_at": self.now} for _org, role, email, _p in self.people])
        self.users = ids_by(User.id, User.email)
        self.person_ids = person_ids
        self.region.counts["users"] = len(self.users)
        self.region.logins = {"coordinator": COORDINATOR, "admin": ADMIN, "municipal": MUNICIPAL,
                              "school": SCHOOL, "password": PASSWORD}

    def rollout(self):
        """The plan re-dated around today, appointments (about 80 %) and the demo's school statuses."""
        from app.directory.models import Appointment
        from app.rollout import constants as c
        from app.rollout.demo import redate_plan, school_status
        from app.rollout.models import RolloutStatus
        from app.rollout.plan import ensure_plan

        ensure_plan()
        deadlines = redate_plan(self.today)
        appointees = [(code, f"coord-{code}@bench.opora.test") for code in self.schools]
        appointees += [(code, f"mouo{n:02d}@bench.opora.test")
                       for n, code in enumerate(self.municipalities, start=1)]
        appointments = []
        for code, email in appointees:
            if self.rng.random() < APPOINTED_SHARE:
                day = deadlines[c.APPOINTED] - timedelta(days=self.rng.randint(-10, 20))
                appointments.append({"organization_id": self.orgs[code], "person_id": self.person_ids[email],
                                     "order_number": f"{self.rng.randint(40, 320)}-о", "order_date": day,
                                     "starts_on": day, "ends_on": None, "note": "", "created_at": self.now})
        insert_rows(Appointment, appointments)
        columns = [column.key for column in RolloutStatus.__table__.columns if column.key != "id"]
        statuses = []
        for code in self.schools:
            status = school_status(random.Random(f"{self.seed}:rollout:{code}"), self.orgs[code], deadlines,
                                   self.today, self.users[f"coord-{code}@bench.opora.test"])
            if status is not None:
                statuses.append({key: getattr(status, key) for key in columns}
                                | {"version": 1, "note": "", "updated_at": self.now})
        insert_rows(RolloutStatus, statuses)
        self.region.counts["appointments"] = len(appointments)
        self.region.counts["rollout_statuses"] = len(statuses)

    def tickets(self, progress=None):
        """The scale's tickets over its days in both hotlines (bench/generate_tickets.py)."""
        from generate_tickets import TicketWriter

        from tickets import constants as c
        from tickets.services import ensure_queues

        queues = {queue.key: queue for queue in ensure_queues().values()}
        agents = {c.TECHNICAL: [self.party(f"operator{n}@bench.opora.test", "68-KC") for n in range(AGENTS)],
                  c.METHODOLOGICAL: [self.party(f"metod{n}@bench.opora.test", "68-IPKRO")
                                     for n in range(AGENTS)]}
        codes = {org_id: code for code, org_id in self.orgs.items()}
        requesters = [self.party(email, codes[org_id], requester=True)
                      for org_id, role, email, _p in self.people if role in REQUESTER_ROLES]
        writer = TicketWriter(self.rng, self.now, queues, agents, requesters, messages=self.scale.messages)
        counts = writer.write(self.scale.tickets, self.scale.ticket_days, progress)
        self.region.counts.update({name: count for name, count in counts.items() if count})

    def party(self, email, code, requester=False):
        """A requester («Имя Отчество») or an agent («Фамилия И. О.») for the ticket texts."""
        from generate_tickets import Party

        last, first, middle = self.person_names[email]
        name = f"{first} {middle}" if requester else f"{last} {first[0]}. {middle[0]}."
        return Party(self.users[email], self.orgs[code], email, name, self.org_names[code])

    def training(self, progress=None):
        """Published courses with the scale's learners each (distinct people per course), six seminars."""
        from app.extensions import db
        from training import constants as c
        from training.models import Course, Enrollment

        learners = [(self.users[email], org_id) for org_id, role, email, _p in self.people
                    if role in REQUESTER_ROLES]
        total = 0
        for number, count in enumerate(self.scale.enrollments, start=1):
            course = Course(slug=f"bench-course-{number}", title=COURSE_TITLES[number - 1], hours=36,
                            status=c.PUBLISHED, published_at=self.now - timedelta(days=400 - 60 * number))
            db.session.add(course)
            db.session.flush()
            chosen = self.rng.sample(learners, min(count, len(learners)))
            copy_rows(Enrollment.__table__, [self._enrollment(course.id, user, org) for user, org in chosen])
            total += len(chosen)
            if progress:
                progress(len(chosen))
        self.region.counts["enrollments"] = total
        self._seminars()

    def _enrollment(self, course_id, user_id, org_id):
        from training import constants as c

        rng = self.rng
        enrolled = self.now - timedelta(days=rng.randint(1, 365))
        status = rng.choices((c.COMPLETED, c.IN_PROGRESS, c.NOT_STARTED), (50, 30, 20))[0]
        completed = None
        if status == c.COMPLETED:
            completed = min(enrolled + timedelta(days=rng.randint(3, 60)), self.now)
        return {"course_id": course_id, "user_id": user_id, "organization_id": org_id, "source": c.SELF,
                "assignment_id": None, "due_on": None, "status": status, "enrolled_at": enrolled,
                "started_at": enrolled if status != c.NOT_STARTED else None, "completed_at": completed,
                "score": rng.randint(70, 100) if completed else None,
                "completed_modules": 6 if completed else rng.randint(0, 5)}

    def _seminars(self):
        from app.extensions import db
        from training import constants as c
        from training.models import Registration, Seminar

        audience = [(self.users[email], org_id) for org_id, role, email, _p in self.people
                    if role in ("school", "municipal")]
        registrations = 0
        for n, days in enumerate((-300, -240, -120, -60, 30, 60), start=1):
            starts = self.now + timedelta(days=days)
            seminar = Seminar(title=f"Семинар № {n}", starts_at=starts, ends_at=starts + timedelta(hours=3),
                              place="ТОИПКРО", capacity=SEMINAR_SEATS, audience=["municipal", "school"])
            db.session.add(seminar)
            db.session.flush()
            rows = []
            for user_id, org_id in self.rng.sample(audience, min(SEMINAR_SEATS, len(audience))):
                attendance = (self.rng.choices((c.ATTENDED, c.PARTIAL, c.NO_SHOW), (80, 10, 10))[0]
                              if days < 0 else None)
                rows.append({"seminar_id": seminar.id, "user_id": user_id, "organization_id": org_id,
                             "status": c.REGISTERED, "queued_at": starts - timedelta(days=20),
                             "registered_at": starts - timedelta(days=20), "attendance": attendance,
                             "attendance_marked_at": starts if attendance else None})
            insert_rows(Registration, rows)
            registrations += len(rows)
        self.region.counts["seminar_registrations"] = registrations


def build_region(seed=2010, today=None, progress=print, scale=None):
    """Fill the empty, migrated database of the current app; commit once; return the Region."""
    from app.extensions import db
    from app.rollout import clock

    started = time.perf_counter()
    builder = Builder(seed, today or clock.today(), scale)
    for step in builder.steps():
        step_started = time.perf_counter()
        step()
        progress(f"  {step.__name__}: {time.perf_counter() - step_started:.1f} с")
    db.session.commit()
    analyze()
    builder.region.seconds = time.perf_counter() - started
    return builder.region


def analyze():
    """PostgreSQL: vacuum and gather the planner's statistics of the freshly filled tables now."""
    from sqlalchemy import text

    from app.extensions import db

    if db.engine.dialect.name == "postgresql":
        # Autovacuum would do this a while later, as it has on any database in use. Without statistics
        # the planner picks poor plans for the freshly filled tables (the hotline figures took 118 ms
        # instead of 4), and without the visibility map it cannot count from an index alone (the
        # operator's ticket count took 90 ms instead of 1.3).
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))


def parse_args():
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", help="folder for region.db (default: a temporary folder, removed)")
    parser.add_argument("--database-url", help="an empty database instead of SQLite")
    parser.add_argument("--seed", type=int, default=2010)
    return parser.parse_args()


def main():
    """Build the region and print what was made."""
    from flask_migrate import upgrade

    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="opora-region-") as scratch:
        instance = args.output or scratch
        os.makedirs(instance, exist_ok=True)
        app = make_app(instance, args.database_url)
        with app.app_context():
            upgrade()
            region = build_region(args.seed)
            counts = ", ".join(f"{name} {count:,}".replace(",", " ")
                               for name, count in region.counts.items())
            print(f"Регион построен за {region.seconds:.1f} с: {counts}")
            if args.output and not args.database_url:
                print(f"База: {instance}/region.db "
                      f"(python bench/rollout_bench.py --reuse {instance}/region.db)")
            from app.extensions import db

            db.engine.dispose()


if __name__ == "__main__":
    main()
