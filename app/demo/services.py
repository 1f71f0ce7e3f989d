"""The demo region: Tambov region with generated schools, staff and one account per role.

The build is a list of steps (DEMO_STEPS); each takes the shared DemoContext. Later features add
their own steps (tickets, guides, courses). Every step creates only what is missing, so running
the build twice changes nothing; the whole build commits once at the end.
"""

import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from faker import Faker

from app.audit import services as audit
from app.demo import accounts, region, tambov
from app.extensions import db
from app.rollout import demo as rollout_demo
from app.rollout import report_demo
from knowledge_base import demo as kb_demo
from tickets import demo as tickets_demo
from training import demo as training_demo
from training import seminar_demo
from training.journal import demo as journal_demo


@dataclass
class DemoContext:
    """What the demo steps share: generators, the session and what exists or was created."""

    password: str | None
    progress: Callable[[str], object]
    fake: Faker = field(default_factory=lambda: Faker("ru_RU"))
    rng: random.Random = field(default_factory=lambda: random.Random(tambov.SEED))
    orgs: dict = field(default_factory=dict)
    new_orgs: list = field(default_factory=list)
    users: dict = field(default_factory=dict)
    created: Counter = field(default_factory=Counter)
    password_set: str | None = None

    @property
    def session(self):
        """The database session the steps add rows to."""
        return db.session

    def reseed(self, key):
        """Seed Faker and the random generator from a key, so each part is reproducible on its own."""
        seed = f"{tambov.SEED}:{key}"
        self.fake.seed_instance(seed)
        self.rng.seed(seed)

    def count(self, what, number):
        """Remember how many rows of a kind the build created."""
        self.created[what] += number


@dataclass
class DemoResult:
    """The outcome the `demo` command prints."""

    logins: list
    password: str | None
    created: dict


DEMO_STEPS = [
    region.build_organizations,
    region.build_staff,
    accounts.build_users,
    tickets_demo.build_tickets,
    kb_demo.build_guides,
    training_demo.build_course,
    seminar_demo.build_seminars,
    journal_demo.build_sandboxes,
    rollout_demo.build_rollout,
    report_demo.build_reports,
]


def build_demo_region(password=None, progress=print):
    """Build (or complete) the demo region; return the logins and the password set, if any."""
    started = time.perf_counter()
    ctx = DemoContext(password=password or None, progress=progress)
    progress("Демонстрационный регион: Тамбовская область (приказ № 3116 от 08.11.2010)")
    for step in DEMO_STEPS:
        step(ctx)
        db.session.flush()
    if sum(ctx.created.values()):
        audit.record("demo.built", **ctx.created)
    db.session.commit()
    seconds = f"{time.perf_counter() - started:.1f}".replace(".", ",")
    progress(f"Готово за {seconds} с")
    return DemoResult(logins=accounts.demo_logins(), password=ctx.password_set, created=dict(ctx.created))
