"""Demo step for quarterly reports (plan item 2.6): last quarter's reports at every stage of the workflow.

Most municipalities have a report of the previous quarter: some accepted (one after a return), some
submitted and waiting, a few drafts, some none yet; the demo municipal specialist's municipality has its
report returned with a comment, so that user sees the workflow at once, and an empty draft of the
current quarter. Rows are added without committing (the demo build commits once); a municipality that
already has a report of the quarter is left alone, so a second run adds nothing.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import select

from app.auth import roles
from app.auth.models import User
from app.directory import kinds
from app.directory.models import Organization, Person
from app.rollout import constants as c
from app.rollout import report_figures, reports
from app.rollout.models import QuarterlyReport
from app.timeutil import moscow_to_utc, utcnow

DEMO_MUNICIPAL = "municipal@opora.test"
DEMO_COORDINATOR = "coordinator@opora.test"
NONE = "none"
# Outcome of a municipality's report and its weight in the random draw.
OUTCOMES = ((c.ACCEPTED, 40), (c.SUBMITTED, 25), (c.DRAFT, 15), (NONE, 20))

PROBLEMS = (
    "В {n} сельских школах нет устойчивого подключения к сети: учителя вносят отметки с перерывами, "
    "часть записей переносится на следующий день.\nНе во всех школах загружено расписание: мешает "
    "совмещение должностей и нехватка времени у ответственных.",
    "Часть учителей старшего возраста испытывает трудности с ведением журнала; в {n} школах отметки "
    "вносятся раз в неделю, а не ежедневно.\nНе хватает компьютеров в учительских.",
    "Смена ответственных в {n} школах задержала загрузку контингента и учебных планов. Родители "
    "спрашивают о доступе к дневникам, а не все классы заведены.",
)
MEASURES = (
    "Проведено совещание с руководителями школ; ответственным выданы памятки. {n} учителей прошли курс "
    "«Ведение электронных дневников и электронных журналов успеваемости».\nЗаключён договор с "
    "провайдером на подключение школ в сёлах.",
    "Организованы консультации методиста по вторникам; еженедельно проверяем заполнение журналов и "
    "сообщаем директорам о пропусках.\nОбращения школ передаём на горячую линию.",
    "Назначены новые ответственные приказами по школам; данные о классах и учениках загружены "
    "повторно. Для учителей проведены практические занятия в учебном журнале портала.",
)
PROPOSALS = (
    "Провести в регионе дополнительный семинар для заместителей директоров по ведению журналов.",
    "Предусмотреть средства на закупку ноутбуков для учительских малокомплектных школ.",
    "",
)
RETURN_COMMENTS = (
    "Укажите, в каких школах не организовано информационное пространство, и сроки устранения.",
    "Раздел «Принятые меры» не заполнен по существу: опишите, что сделано в школах с просрочками.",
)


def build_reports(ctx):
    """Add the previous quarter's reports in their various states (and the demo user's current draft)."""
    ctx.reseed("rollout-reports")
    year, quarter = reports.default_quarter()
    municipalities = ctx.session.scalars(select(Organization.id).where(
        Organization.kind == kinds.MUNICIPALITY).order_by(Organization.code)).all()
    demo_org = _demo_municipality(ctx)
    # Drawn for every municipality, skipped or not, so each keeps its outcome from run to run.
    outcomes = {muni_id: c.RETURNED if muni_id == demo_org else _draw(ctx) for muni_id in municipalities}
    taken = _taken(ctx, year, quarter)
    chosen = [(muni_id, outcome) for muni_id, outcome in outcomes.items()
              if muni_id not in taken and outcome != NONE]
    figures = report_figures.all_municipality_figures(year, quarter) if chosen else {}
    people = _People(_specialists(ctx), _coordinator(ctx))
    first_accepted = next((muni_id for muni_id, outcome in chosen if outcome == c.ACCEPTED), None)
    for muni_id, outcome in chosen:
        report = reports.new_report(muni_id, year, quarter, _texts(ctx, figures.get(muni_id)))
        _move(ctx, report, outcome, figures.get(muni_id), people, with_return=muni_id == first_accepted)
    added = len(chosen) + _current_draft(ctx, demo_org)
    ctx.count("quarterly_reports", added)
    ctx.progress(f"Квартальные отчёты за {c.quarter_label(year, quarter)}: добавлено {added}")


@dataclass
class _People:
    """Who moves the demo reports: each municipality's specialist and the regional coordinator."""

    specialists: dict
    coordinator: User | None


def _coordinator(ctx):
    return ctx.users.get(DEMO_COORDINATOR) or ctx.session.scalar(
        select(User).where(User.role == roles.COORDINATOR).order_by(User.id).limit(1))


def _draw(ctx):
    """An outcome drawn with OUTCOMES' weights."""
    keys, weights = zip(*OUTCOMES, strict=True)
    return ctx.rng.choices(keys, weights)[0]


def _taken(ctx, year, quarter):
    """Municipalities that already have a report of the quarter."""
    return set(ctx.session.scalars(select(QuarterlyReport.municipality_id).where(
        QuarterlyReport.year == year, QuarterlyReport.quarter == quarter)))


def _specialists(ctx):
    """{municipality id: its first municipal specialist} (the demo one where it is theirs)."""
    found = {}
    rows = ctx.session.execute(select(Person.organization_id, User).join(User, User.person_id == Person.id)
                               .where(User.role == roles.MUNICIPAL).order_by(User.id))
    for organization_id, user in rows:
        found.setdefault(organization_id, user)
    demo = ctx.users.get(DEMO_MUNICIPAL)
    if demo is not None and demo.person is not None:
        found[demo.person.organization_id] = demo
    return found


def _demo_municipality(ctx):
    demo = ctx.users.get(DEMO_MUNICIPAL) or ctx.session.scalar(
        select(User).where(User.email == DEMO_MUNICIPAL))
    return demo.person.organization_id if demo is not None and demo.person is not None else None


def _moment(ctx, day, not_before=None):
    """A working-hours moment of a Moscow day as naive UTC, never in the future nor before `not_before`."""
    at = moscow_to_utc(datetime.combine(day, time(ctx.rng.randint(9, 17), ctx.rng.choice((0, 15, 30, 45)))))
    if not_before is not None:
        at = max(at, not_before + timedelta(minutes=30))
    return min(at, utcnow())


def _texts(ctx, figures):
    schools = (figures or {}).get("schools", {})
    late = max(1, schools.get("total", 0) - schools.get("info_space", 0))
    trained = (figures or {}).get("trained", 0) or ctx.rng.randint(10, 40)
    return {"problems": ctx.rng.choice(PROBLEMS).format(n=late),
            "measures": ctx.rng.choice(MEASURES).format(n=trained),
            "proposals": ctx.rng.choice(PROPOSALS)}


def _move(ctx, report, outcome, figures, people, with_return=False):
    """Move a new report by hand through the workflow to `outcome` (frozen figures, history rows)."""
    if outcome == c.DRAFT:
        return report
    author, coordinator = people.specialists.get(report.municipality_id), people.coordinator
    _start, end = c.quarter_bounds(report.year, report.quarter)
    at = _moment(ctx, end + timedelta(days=ctx.rng.randint(2, 9)))
    reports.move(report, c.SUBMITTED, author, figures=figures, at=at)
    if outcome == c.RETURNED or with_return:
        at = _moment(ctx, at.date() + timedelta(days=ctx.rng.randint(1, 3)), not_before=at)
        reports.move(report, c.RETURNED, coordinator, comment=ctx.rng.choice(RETURN_COMMENTS), at=at)
        if outcome == c.RETURNED:
            return report
        at = _moment(ctx, at.date() + timedelta(days=ctx.rng.randint(1, 3)), not_before=at)
        reports.move(report, c.SUBMITTED, author, figures=figures, at=at)
    if outcome == c.ACCEPTED:
        at = _moment(ctx, at.date() + timedelta(days=ctx.rng.randint(1, 4)), not_before=at)
        reports.move(report, c.ACCEPTED, coordinator, at=at)
    return report


def _current_draft(ctx, municipality_id):
    """An empty draft of the current quarter for the demo municipality, once."""
    if municipality_id is None:
        return 0
    year, quarter = reports.current_quarter()
    if (year, quarter) == reports.default_quarter() or municipality_id in _taken(ctx, year, quarter):
        return 0
    reports.new_report(municipality_id, year, quarter)
    return 1
