"""Demo step for the journal sandbox: a few demo teachers with a filled class and weeks of entries.

Each planned teacher gets their practice school through sandbox.build_sandbox, then lessons of the
last school weeks before today with topics, homework, marks of every kind, attendance codes and
the moments they were entered: mostly on the lesson day, some late, a few lessons never filled, so
the timeliness pages have something to show. Some also have the quarter marks of mathematics and a
diary week confirmed. A teacher who already has a practice school is left alone, so a second build
changes nothing; the step adds rows and never commits (the demo build commits once).
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import select

from app.timeutil import MOSCOW_OFFSET, local_today, utcnow
from training.journal import averages, sandbox
from training.journal import constants as c
from training.journal.lessons import is_school_day
from training.journal.models import Attendance, DiaryConfirmation, Lesson, Mark, PeriodMark, SandboxSchool


@dataclass(frozen=True)
class Plan:
    """How much a demo teacher has entered, and how punctually."""

    weeks: int
    late: float = 0.1  # share of lessons entered a day or more after the lesson
    missing: float = 0.0  # share of the last week's lessons never filled at all
    quarter_marks: bool = False
    confirmed: int = 0  # pupils whose parent confirmed the first week


PLANS = {
    "teacher@opora.test": Plan(weeks=2, late=0.1, missing=0.05, confirmed=5),
    "teacher2@opora.test": Plan(weeks=1, late=0.05, quarter_marks=True, confirmed=3),
    "teacher4@opora.test": Plan(weeks=2, late=0.45, missing=0.25),
    "teacher5@opora.test": Plan(weeks=1, late=0.15, quarter_marks=True),
}
QUARTER_SUBJECT = "Математика"
TESTED = ("Русский язык", "Математика", "Английский язык")  # a test at the last lesson of each week
NO_HOMEWORK = ("Музыка", "Физическая культура", "Изобразительное искусство", "Технология")
NO_HOMEWORK_TEXT = "Не задано"  # written, not left empty: an empty field reads as forgotten
MARKED_SHARE = 0.25  # pupils asked at an ordinary lesson
ABSENT_SHARE, ILL_SHARE, LATE_SHARE = 0.02, 0.03, 0.01
TOPICS = {
    "Русский язык": ("Морфемика", "Орфограммы в корне слова", "Правописание приставок",
                     "Синтаксис и пунктуация", "Словосочетание", "Простое предложение",
                     "Однородные члены предложения"),
    "Литература": ("Мифы Древней Греции", "Русские народные сказки", "Басни И. А. Крылова",
                   "А. С. Пушкин. «Сказка о мёртвой царевне»", "Развитие речи: сочинение"),
    "Математика": ("Натуральные числа", "Сложение и вычитание", "Умножение и деление", "Степень числа",
                   "Обыкновенные дроби", "Сравнение дробей", "Решение задач на движение"),
    "История": ("Древний Египет", "Древняя Индия", "Древний Китай", "Древняя Греция"),
    "Английский язык": ("My family", "My school day", "Present Simple", "Animals", "Reading: a fairy tale"),
}
HOMEWORK = ("§ {n}, вопросы 1–3", "упр. {n}", "№ {n}, {m}", "выучить правило на с. {n}",
            "прочитать с. {n}–{m}")


def build_sandboxes(ctx):
    """Fill the practice schools of the planned demo teachers who have none yet (no commit)."""
    users = [ctx.users[email] for email in PLANS if email in ctx.users]
    owners = set(ctx.session.scalars(select(SandboxSchool.owner_id).where(
        SandboxSchool.owner_id.in_([user.id for user in users if user.id]))))
    built = lessons = marks = 0
    for user in users:
        if user.id in owners:
            continue
        ctx.reseed(f"journal:{user.email}")
        plan = PLANS[user.email]
        school = sandbox.build_sandbox(user, ctx.rng, ctx.fake)
        ctx.session.flush()
        days = _school_days(plan.weeks)
        school.filled_at = _moment(days[0] - timedelta(days=1), 19)  # the evening before the first lesson
        made = _Entries(ctx, school, plan).build(days)
        built, lessons, marks = built + 1, lessons + made[0], marks + made[1]
    ctx.count("journal_sandboxes", built)
    ctx.count("journal_lessons", lessons)
    ctx.count("journal_marks", marks)
    if built:
        ctx.progress(f"Учебный журнал: заполнено классов {built}, уроков {lessons}, отметок {marks}")
    else:
        ctx.progress("Учебный журнал: классы демонстрационных учителей уже заполнены")


def _monday(day):
    return day - timedelta(days=day.weekday())


def _school_days(weeks):
    """School days of the last `weeks` whole weeks with lessons (the holidays skipped), and of this
    week before today, in order: the first week is a whole one."""
    today = local_today()
    monday = _monday(today)
    days = [day for day in (monday + timedelta(days=n) for n in range(today.weekday())) if is_school_day(day)]
    found = 0
    while found < weeks:
        monday -= timedelta(days=7)
        week = [day for day in (monday + timedelta(days=n) for n in range(5)) if is_school_day(day)]
        if week:
            days, found = week + days, found + 1
    return days


def _moment(day, hour, minute=0):
    """A Moscow wall-clock time on the day, as naive UTC."""
    return datetime.combine(day, time(hour, minute)) - MOSCOW_OFFSET


class _Entries:
    """Lessons, marks and attendance of one practice class, as a teacher would have entered them."""

    def __init__(self, ctx, school, plan):
        self.ctx, self.rng, self.school, self.plan = ctx, ctx.rng, school, plan
        self.school_class = school.classes[0]
        self.pupils = list(self.school_class.pupils)
        self.ability = {pupil.id: self.rng.choice((3, 3.5, 4, 4, 4.5, 5)) for pupil in self.pupils}
        self.marks = []
        self.now = utcnow()

    def build(self, days):
        """Enter the days' lessons; (lessons, marks) created."""
        lessons = []
        first_week = _monday(days[0])
        for day in days:
            for slot in (s for s in self.school_class.timetable if s.weekday == day.weekday()):
                if _monday(day) != first_week and self.rng.random() < self.plan.missing:
                    continue  # never filled: timeliness counts it as late (the first week stays whole)
                lessons.append(self._lesson(day, slot, is_test=self._is_test(slot, day, days)))
        if self.plan.quarter_marks:
            self._quarter_marks(days[-1])
        for pupil in self.pupils[:self.plan.confirmed]:
            self.ctx.session.add(DiaryConfirmation(pupil_id=pupil.id, week_start=first_week,
                                                   confirmed_at=_moment(first_week + timedelta(days=5), 11)))
        return len(lessons), len(self.marks)

    def _is_test(self, slot, day, days):
        """The subject's last lesson of its week is a test, for the subjects that have one."""
        if slot.subject.name not in TESTED:
            return False
        week = [d for d in days if _monday(d) == _monday(day)]
        later = [s for s in self.school_class.timetable if s.subject_id == slot.subject_id
                 and any(d.weekday() == s.weekday and d > day for d in week)]
        return not later

    def _lesson(self, day, slot, is_test):
        subject = slot.subject
        topics = TOPICS.get(subject.name, ("Урок по теме раздела",))
        lesson = Lesson(class_id=self.school_class.id, subject_id=subject.id, day=day, number=slot.number,
                        topic=("Контрольная работа: " if is_test else "") + self.rng.choice(topics),
                        homework=NO_HOMEWORK_TEXT if subject.name in NO_HOMEWORK else self._homework(),
                        homework_file="", homework_filename="")
        entered = self._entered_at(day)
        lesson.topic_entered_at = lesson.marks_entered_at = entered
        # Now and then the homework is written up later than the marks.
        later = self.rng.random() < self.plan.late / 2
        lesson.homework_entered_at = max(entered, self._entered_at(day, late=True)) if later else entered
        self.ctx.session.add(lesson)
        self.ctx.session.flush()
        for pupil in self.pupils:
            self._pupil_at(lesson, pupil, is_test, entered)
        return lesson

    def _homework(self):
        template = self.rng.choice(HOMEWORK)
        first = self.rng.randint(10, 120)
        return template.format(n=first, m=first + self.rng.randint(1, 4))

    def _entered_at(self, day, late=False):
        """On the lesson day after lessons, or (late) one to three days later in the evening, before now."""
        if late or self.rng.random() < self.plan.late:
            moment = _moment(day + timedelta(days=self.rng.randint(1, 3)), 20, self.rng.randrange(60))
            return min(moment, self.now - timedelta(minutes=30))
        return _moment(day, self.rng.randint(13, 18), self.rng.randrange(60))

    def _pupil_at(self, lesson, pupil, is_test, entered):
        draw = self.rng.random()
        code = (c.ABSENT if draw < ABSENT_SHARE else c.ILL if draw < ABSENT_SHARE + ILL_SHARE
                else c.LATE if draw < ABSENT_SHARE + ILL_SHARE + LATE_SHARE else None)
        if code is not None:
            self.ctx.session.add(Attendance(lesson_id=lesson.id, pupil_id=pupil.id, code=code,
                                            created_at=entered))
            if code != c.LATE:
                return
        if not is_test and self.rng.random() >= MARKED_SHARE:
            return
        kind = c.CONTROL if is_test else self.rng.choice((c.CLASSWORK, c.CLASSWORK, c.HOMEWORK))
        comment = "Выполните работу над ошибками" if is_test and self.rng.random() < 0.1 else ""
        mark = Mark(lesson_id=lesson.id, pupil_id=pupil.id, value=self._value(pupil), kind=kind,
                    weight=int(self.school.weights.get(kind, c.DEFAULT_WEIGHTS[kind])), created_at=entered,
                    updated_at=entered, comment=comment)
        self.ctx.session.add(mark)
        self.marks.append((lesson, mark))

    def _value(self, pupil):
        scale = c.SCALES[self.school.mark_scale]
        value = round(self.ability[pupil.id] + self.rng.choice((-1, 0, 0, 0, 0.5, 1)))
        return min(max(value, scale[0]), scale[-1])

    def _quarter_marks(self, last_day):
        """Mathematics' quarter marks for the whole class: the proposal from each pupil's average."""
        period = c.period_of(last_day)
        subject = next(s for s in self.school.subjects if s.name == QUARTER_SUBJECT)
        pairs = {pupil.id: [] for pupil in self.pupils}
        for lesson, mark in self.marks:
            if lesson.subject_id == subject.id and c.period_of(lesson.day) == period:
                pairs[mark.pupil_id].append((mark.value, mark.weight))
        for pupil in self.pupils:
            average = averages.weighted_average(pairs[pupil.id])
            proposal = averages.propose(average, self.school.rounding_threshold, self.school.mark_scale)
            value = proposal or self._value(pupil)
            self.ctx.session.add(PeriodMark(
                class_id=self.school_class.id, subject_id=subject.id, pupil_id=pupil.id, period=period,
                year_start=c.school_year_start(last_day), proposed=proposal, value=value,
                is_override=proposal is None, confirmed_at=_moment(last_day, 19)))
