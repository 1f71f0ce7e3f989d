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
recent ones partly open, ratings on some); a published course with about 40 % of the staff enrolled;
six seminars of the year with registrations and attendance.

Other benchmarks reuse it (issue 9 will):

    from region_data import build_region, make_app
    app = make_app(instance, database_url)
    with app.app_context():
        upgrade()
        region = build_region(seed=2010)   # region.logins, region.counts, region.today
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

PASSWORD = "bench-password-2010"
MUNICIPALITIES = 30
SCHOOLS = 700
STAFF_PER_SCHOOL = (27, 30)
TICKETS = 100_000
TICKET_DAYS = 730
ENROLLED_SHARE = 0.4
APPOINTED_SHARE = 0.8
CHUNK = 10_000
COORDINATOR = "coordinator@bench.opora.test"
ADMIN = "admin@bench.opora.test"
MUNICIPAL = "mouo01@bench.opora.test"  # the first municipality's specialist
SCHOOL = "coord-68-01-01@bench.opora.test"  # the coordinator of the first municipality's first school


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


def insert_rows(model, rows):
    """Bulk insert in chunks (executemany), not ORM objects one by one."""
    from sqlalchemy import insert

    from app.extensions import db

    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(model), rows[start:start + CHUNK])


def ids_by(column, key_column, keys=None):
    """{key: id} read back after a bulk insert."""
    from sqlalchemy import select

    from app.extensions import db

    query = select(key_column, column)
    if keys is not None:
        query = query.where(key_column.in_(keys))
    return dict(db.session.execute(query).all())


class Builder:
    """Fills an empty, migrated database; one commit at the end."""

    def __init__(self, seed, today):
        from faker import Faker

        from app.timeutil import utcnow

        self.rng = random.Random(seed)
        self.seed = seed
        self.today = today
        self.now = utcnow()
        fake = Faker("ru_RU")
        fake.seed_instance(seed)
        self.names = [(fake.last_name_female(), fake.first_name_female(), fake.middle_name_female())
                      for _ in range(300)] + [(fake.last_name_male(), fake.first_name_male(),
                                                fake.middle_name_male()) for _ in range(150)]
        self.region = Region(today=today)
        self.people = []  # (organization id, role, e-mail, position)

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
                          for n in range(1, MUNICIPALITIES + 1)]
        insert_rows(Organization, [org(kinds.INSTITUTE, "68-IPKRO", "ИПКРО", region_id),
                                   org(kinds.COMPUTER_CENTER, "68-KC", "Компьютерный центр", region_id),
                                   *municipalities])
        self.orgs = ids_by(Organization.id, Organization.code)
        schools = []
        for index in range(SCHOOLS):
            municipality = f"68-{index % MUNICIPALITIES + 1:02d}"
            number = index // MUNICIPALITIES + 1
            schools.append(org(kinds.SCHOOL, f"{municipality}-{number:02d}",
                               f"СОШ № {number} ({municipality})", self.orgs[municipality]))
        insert_rows(Organization, schools)
        self.orgs = ids_by(Organization.id, Organization.code)
        self.schools = [row["code"] for row in schools]
        self.municipalities = [row["code"] for row in municipalities]
        self.region.counts["organizations"] = len(self.orgs)

    def staff(self):
        """People with accounts: school staff, municipal specialists, regional staff, hotline agents."""
        from app.auth import roles

        add = self.people.append
        add((self.orgs["68"], roles.COORDINATOR, COORDINATOR, "Специалист отдела мониторинга"))
        add((self.orgs["68"], roles.ADMIN, ADMIN, "Администратор портала"))
        for n in range(10):
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
            last, first, middle = self.rng.choice(self.names)
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

    def tickets(self):
        """TICKETS tickets over TICKET_DAYS days in both hotlines, numbered per queue by creation time."""
        from sqlalchemy import select

        from app.extensions import db
        from tickets import constants as c
        from tickets.models import Category, Ticket, TicketQueue
        from tickets.services import ensure_queues

        queues = {queue.key: queue for queue in ensure_queues().values()}
        categories = {key: db.session.scalars(select(Category.id).where(Category.queue_id == queue.id)).all()
                      for key, queue in queues.items()}
        agents = {c.TECHNICAL: [self.users[f"operator{n}@bench.opora.test"] for n in range(10)],
                  c.METHODOLOGICAL: [self.users[f"metod{n}@bench.opora.test"] for n in range(10)]}
        requesters = [(self.users[email], org_id) for org_id, role, email, _p in self.people
                      if role in ("teacher", "school", "municipal")]
        span = TICKET_DAYS * 86400
        moments = sorted(self.now - timedelta(seconds=self.rng.randrange(span)) for _ in range(TICKETS))
        numbers = dict.fromkeys(c.QUEUES, 0)
        rows = []
        for created in moments:
            key = c.TECHNICAL if self.rng.random() < 0.7 else c.METHODOLOGICAL
            numbers[key] += 1
            rows.append(self._ticket(key, queues[key].id, numbers[key], created, categories[key],
                                     agents[key], self.rng.choice(requesters)))
        insert_rows(Ticket, rows)
        for key, queue in queues.items():
            db.session.get(TicketQueue, queue.id).last_number = numbers[key]
        self.region.counts["tickets"] = len(rows)

    def _ticket(self, key, queue_id, number, created, categories, agents, requester):
        from tickets import constants as c

        rng, age = self.rng, (self.now - created).days
        if age > 30:
            status = rng.choices((c.CLOSED, c.RESOLVED, c.IN_PROGRESS), (85, 10, 5))[0]
        else:
            status = rng.choices((c.NEW, c.IN_PROGRESS, c.WAITING, c.RESOLVED, c.CLOSED),
                                 (15, 25, 10, 25, 25))[0]
        is_resolved = status in (c.RESOLVED, c.CLOSED)
        responded = created + timedelta(minutes=rng.randint(10, 600)) if status != c.NEW else None
        resolved = min(created + timedelta(hours=rng.expovariate(1 / 30)), self.now) if is_resolved else None
        is_rated = is_resolved and rng.random() < 0.4
        rating = rng.choices((5, 4, 3, 2, 1), (50, 30, 10, 6, 4))[0] if is_rated else None
        return {
            "queue_id": queue_id, "number": number, "subject": f"Обращение {number} ({key})",
            "body": "Не получается выставить отметки в электронном журнале.",
            "category_id": rng.choice(categories),
            "priority": rng.choices(c.PRIORITIES, (10, 70, 15, 5))[0], "status": status, "source": c.WEB,
            "requester_id": requester[0], "organization_id": requester[1],
            "assignee_id": rng.choice(agents) if status != c.NEW else None, "merged_into_id": None,
            "version": 1, "created_at": created, "updated_at": resolved or responded or created,
            "first_response_due_at": created + timedelta(hours=8),
            "resolution_due_at": created + timedelta(hours=40),
            "first_responded_at": responded, "resolved_at": resolved,
            "closed_at": resolved if status == c.CLOSED else None, "rating": rating, "rating_comment": "",
            "rated_at": resolved if rating else None, "overdue_notified_at": None,
        }

    def training(self):
        """A published course with about 40 % of the staff enrolled, and six seminars of the year."""
        from app.extensions import db
        from training import constants as c
        from training.models import Course, Enrollment

        course = Course(slug="bench-course", title="Ведение электронных дневников и журналов успеваемости",
                        hours=36, status=c.PUBLISHED, published_at=self.now - timedelta(days=400))
        db.session.add(course)
        db.session.flush()
        enrollments = []
        for org_id, role, email, _p in self.people:
            if role in ("teacher", "school", "municipal") and self.rng.random() < ENROLLED_SHARE:
                enrollments.append(self._enrollment(course.id, self.users[email], org_id))
        insert_rows(Enrollment, enrollments)
        self.region.counts["enrollments"] = len(enrollments)
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
                              place="ТОИПКРО", capacity=80, audience=["municipal", "school"])
            db.session.add(seminar)
            db.session.flush()
            rows = []
            for user_id, org_id in self.rng.sample(audience, 80):
                attendance = (self.rng.choices((c.ATTENDED, c.PARTIAL, c.NO_SHOW), (80, 10, 10))[0]
                              if days < 0 else None)
                rows.append({"seminar_id": seminar.id, "user_id": user_id, "organization_id": org_id,
                             "status": c.REGISTERED, "queued_at": starts - timedelta(days=20),
                             "registered_at": starts - timedelta(days=20), "attendance": attendance,
                             "attendance_marked_at": starts if attendance else None})
            insert_rows(Registration, rows)
            registrations += len(rows)
        self.region.counts["seminar_registrations"] = registrations


def build_region(seed=2010, today=None, progress=print):
    """Fill the empty, migrated database of the current app; commit once; return the Region."""
    from sqlalchemy import text

    from app.extensions import db
    from app.rollout import clock

    started = time.perf_counter()
    builder = Builder(seed, today or clock.today())
    for step in (builder.organizations, builder.staff, builder.rollout, builder.tickets, builder.training):
        step_started = time.perf_counter()
        step()
        progress(f"  {step.__name__}: {time.perf_counter() - step_started:.1f} с")
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        # Autovacuum would gather statistics a while later; without them the planner picks poor plans
        # for the freshly filled tables (the hotline figures took 118 ms instead of 4).
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    builder.region.seconds = time.perf_counter() - started
    return builder.region


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
