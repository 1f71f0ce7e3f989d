"""Demo step for seminars (plan item 1.3): the April and September seminars of the current year.

Three seminars in April and three in September, at the institute in Tambov and online, for the
municipal and school coordinators (the practicums also for teachers). A seminar is made once, found
again by its title and start; when it is made, demo users of its audience register (the practicums
fill up and keep a waiting line, after one person cancelled and the first in line moved up). Past
seminars get their attendance marked (most attended, some partially, some did not come) when none is
marked yet. Dates are relative to the caller's clock, so the build works on any day of the year.
Rows are added without committing and without e-mail: the demo build commits once.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from app.auth import roles
from app.auth.models import User
from app.timeutil import moscow_to_utc, utc_to_moscow, utcnow
from knowledge_base.models import Article
from training import constants as c
from training.models import Registration, Seminar

ORGANIZER = "methodologist@opora.test"
INSTITUTE = "Тамбов, ТОИПКРО, ул. Советская, 108"
ONLINE = "https://vks.opora.test/toipkro/"
TUESDAY, THURSDAY = 1, 3
COORDINATORS = (roles.MUNICIPAL, roles.SCHOOL)
# Demo logins shown on the first places (school@ and municipal@) and, in a full practicum, waiting (teacher@).
FIRST = ("school@opora.test", "municipal@opora.test")
WAITING_FIRST = "teacher@opora.test"
EXTRA_WAITING = 2  # people left in the line of a full practicum


@dataclass(frozen=True)
class DemoSeminar:
    """A seminar of the plan: its month, the n-th weekday, the Moscow start time and length."""

    title: str
    month: int
    week: int
    weekday: int
    start: time
    minutes: int
    room: str  # "" for online only
    online: str  # "" for in person only
    capacity: int
    audience: tuple
    materials: tuple
    description: str
    full: bool = False  # a practicum that fills up and keeps a waiting line


PRACTICUM = ("Практическое занятие в учебном журнале портала: урок, тема, отметки, пропуски, домашнее "
             "задание; исправление ошибочной отметки. Количество мест ограничено числом компьютеров.")
SEMINARS = (
    DemoSeminar("Назначение ответственных и активация ОУ на платформе", 4, 2, TUESDAY, time(10), 180,
                "актовый зал", "", 40, COORDINATORS,
                ("prikaz-o-naznachenii-otvetstvennogo", "aktivatsiya-shkoly", "seminary-aprel-sentyabr"),
                "## Программа\n\n1. Приказ о назначении ответственного: образец и сроки.\n"
                "2. Активация школы на платформе, проверка результата.\n3. Ответы на вопросы."),
    DemoSeminar("Ведение электронного журнала: ежедневное выставление отметок", 4, 3, THURSDAY, time(10), 150,
                "компьютерный класс, ауд. 14", "", 6, (*COORDINATORS, roles.TEACHER),
                ("ezhednevnoe-zapolnenie-zhurnala", "otmetki-poseshchaemosti"), PRACTICUM, full=True),
    DemoSeminar("Итоговые отметки и закрытие учебного года", 4, 4, TUESDAY, time(15), 90, "",
                f"{ONLINE}itogi-goda", 100, COORDINATORS, ("itogovye-otmetki-za-chetvert-i-god",),
                "Вебинар: отметки за четверть и год, правила округления, типичные ошибки года."),
    DemoSeminar("Начало учебного года: классы, предметы, расписание", 9, 2, TUESDAY, time(10), 180,
                "актовый зал", f"{ONLINE}nachalo-goda", 40, COORDINATORS,
                ("klassy-predmety-sotrudniki", "zagruzka-uchashchikhsya-i-raspisaniya"),
                "Перевод классов, новые учащиеся и сотрудники, расписание. Можно участвовать дистанционно."),
    DemoSeminar("Ведение электронного журнала: ежедневное выставление отметок", 9, 3, THURSDAY, time(10), 150,
                "компьютерный класс, ауд. 14", "", 6, (*COORDINATORS, roles.TEACHER),
                ("ezhednevnoe-zapolnenie-zhurnala", "otmetki-poseshchaemosti"), PRACTICUM, full=True),
    DemoSeminar("Электронный дневник: доступ родителей первоклассников", 9, 4, TUESDAY, time(15), 90, "",
                f"{ONLINE}roditeli", 100, COORDINATORS,
                ("dostup-roditeley-k-dnevniku", "chto-vidyat-roditeli-v-dnevnike"),
                "Вебинар: как выдать родителям доступ к дневнику на собрании и что им объяснить."),
)


def nth_weekday(year, month, weekday, n):
    """The n-th given weekday (0 = Monday) of the month."""
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def build_seminars(ctx, now=None):
    """Schedule the missing seminars of the current year with registrations; mark past attendance."""
    now = now or utcnow()
    ctx.reseed("seminars")
    organizer = ctx.session.scalar(select(User).where(User.email == ORGANIZER))
    created = registrations = 0
    for spec in SEMINARS:
        seminar, is_new = _seminar(ctx, spec, now, organizer)
        if is_new:
            created += 1
            registrations += _register(ctx, seminar, spec, now)
        if seminar.ends_at <= now:
            _mark_attendance(seminar, now)
    ctx.count("seminars", created)
    ctx.count("seminar_registrations", registrations)
    ctx.progress(f"Семинары: создано {created}, записей {registrations}, уже было {len(SEMINARS) - created}")


def _seminar(ctx, spec, now, organizer):
    """(the seminar of this year, whether it was created now)."""
    day = nth_weekday(utc_to_moscow(now).year, spec.month, spec.weekday, spec.week)
    starts_at = moscow_to_utc(datetime.combine(day, spec.start))
    seminar = ctx.session.scalar(select(Seminar).where(Seminar.title == spec.title,
                                                       Seminar.starts_at == starts_at))
    if seminar is not None:
        return seminar, False
    materials = ctx.session.scalars(select(Article).where(Article.slug.in_(spec.materials),
                                                          Article.status == "published")).all()
    seminar = Seminar(
        title=spec.title, description=spec.description, starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=spec.minutes), capacity=spec.capacity,
        place=f"{INSTITUTE}, {spec.room}" if spec.room else "", online_url=spec.online,
        audience=list(spec.audience), status=c.SCHEDULED, organizer=organizer, materials=list(materials),
        created_at=min(starts_at - timedelta(days=45), now - timedelta(days=2)),
    )
    ctx.session.add(seminar)
    return seminar, True


def _people(ctx, spec):
    """Who registers, in order: the demo logins first, then others of the audience in a seeded order."""
    users = ctx.session.scalars(select(User).where(User.role.in_(spec.audience), User.is_enabled.is_(True))
                                .order_by(User.id)).all()
    first = [u for email in FIRST for u in users if u.email == email]
    late = [u for u in users if u.email == WAITING_FIRST] if spec.full else []
    others = [u for u in users if u not in first and u not in late]
    ctx.rng.shuffle(others)
    if not spec.full:
        return (first + others)[: max(spec.capacity * 2 // 3, 1)], []
    places = (first + others)[: spec.capacity + 1]  # one of them will cancel
    return places, late + others[spec.capacity + 1 - len(first):][:EXTRA_WAITING]


def _register(ctx, seminar, spec, now):
    """Add the registrations (and for a full practicum one cancellation and a move up); return the count."""
    holders, waiting = _people(ctx, spec)
    start = min(seminar.starts_at - timedelta(days=21), now - timedelta(days=1))
    rows = []
    for number, user in enumerate([*holders, *waiting]):
        moment = start + timedelta(minutes=7 * number)
        status = c.REGISTERED if number < spec.capacity else c.WAITLISTED
        rows.append(Registration(seminar=seminar, user=user, organization_id=user.organization_id,
                                 status=status, queued_at=moment, registered_at=moment))
    if spec.full and len(rows) > spec.capacity:
        _cancel_one(rows, spec.capacity, start + timedelta(hours=5))
    ctx.session.add_all(rows)
    return len(rows)


def _cancel_one(rows, capacity, moment):
    """The last registered person (not a demo login) cancels; the first in line takes the place."""
    leaving = next(row for row in reversed(rows[:capacity]) if row.user.email not in FIRST)
    leaving.status, leaving.withdrawn_at = c.WITHDRAWN, moment
    mover = rows[capacity]
    mover.status, mover.promoted_at, mover.registered_at = c.REGISTERED, moment, moment


def _mark_attendance(seminar, now):
    """Attendance of a past seminar, unless someone already marked it: mostly present, a few not."""
    registered = [row for row in seminar.registrations if row.status == c.REGISTERED]
    if any(row.attendance for row in seminar.registrations):
        return
    for number, row in enumerate(registered):
        row.attendance = c.PARTIAL if number % 4 == 2 else c.NO_SHOW if number % 4 == 3 else c.ATTENDED
        row.attendance_marked_at = min(seminar.ends_at + timedelta(hours=2), now)
