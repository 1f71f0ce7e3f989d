"""Practice journals of the bench region: many teachers' sandboxes and one big class to measure.

Each teacher gets the standard sandbox (training.journal.sandbox.build_sandbox: a class of 25–30
generated pupils, eleven subjects, the week's timetable), built for all of them in one flush. Lessons
of «Математика» and «Русский язык» from the start of the school year until yesterday hold marks of
about a third of the pupils (a few absences). The measured teacher's class is topped up to 30 pupils
and «Математика» gets extra timetable lessons until the chosen quarter — the last finished one —
holds at least 80 of them; every pupil has a mark (10 % two marks, 5 % an absence instead) at each,
as in bench/journal_bench.py. Lessons, marks and absences go in as bulk inserts.
"""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

MAIN_PUPILS = 30
MAIN_LESSONS = 80
MAIN_SUBJECT = "Математика"
MARKED_SUBJECTS = ("Математика", "Русский язык")
MARK_SHARE = 0.3  # share of the pupils marked at a lesson, outside the measured quarter
ABSENT_SHARE = 0.05
TOPICS = {
    "Математика": ("Натуральные числа", "Сложение и вычитание", "Умножение и деление", "Уравнения",
                   "Обыкновенные дроби", "Десятичные дроби", "Площадь прямоугольника", "Проценты"),
    "Русский язык": ("Фонетика", "Орфография", "Состав слова", "Имя существительное",
                     "Имя прилагательное", "Глагол", "Синтаксис и пунктуация", "Развитие речи"),
}


@dataclass
class Journals:
    """What was built: the measured class and the counts of rows."""

    class_id: int = 0
    subject_id: int = 0
    period: str = ""
    pupils: int = 0
    lessons: int = 0
    counts: dict = field(default_factory=dict)


def measured_period(today):
    """(period, first day, last day) of the last quarter that ended before today."""
    from training.journal import constants as c

    year_start = c.school_year_start(today)
    for start in (year_start, date(year_start.year - 1, 9, 1)):
        for period in (c.Q4, c.Q3, c.Q2, c.Q1):
            first, last = c.period_bounds(period, start)
            if last < today:
                return period, first, last
    raise ValueError(f"no finished quarter before {today}")


def school_days(first, last):
    """Monday to Friday within the quarters, from first to last."""
    from training.journal.lessons import is_school_day

    days, day = [], first
    while day <= last:
        if is_school_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def lesson_slots(school_class, subject, days):
    """[(day, number)] of the subject's timetable lessons on those days (timetable in memory)."""
    numbers = {}
    for slot in school_class.timetable:
        if slot.subject is subject:
            numbers.setdefault(slot.weekday, []).append(slot.number)
    return [(day, number) for day in days for number in sorted(numbers.get(day.weekday(), ()))]


class JournalBuilder:
    """Builds the sandboxes of the given teachers; see the module docstring."""

    def __init__(self, seed, today, progress=None):
        from faker import Faker

        from app.timeutil import utcnow

        self.rng, self.today, self.now = random.Random(seed), today, utcnow()
        self.fake = Faker("ru_RU")
        self.fake.seed_instance(seed)
        self.progress = progress or (lambda _n: None)
        self.period, self.first, self.last = measured_period(today)
        self.result = Journals(period=self.period)
        self.counts = {"journal_lessons": 0, "journal_marks": 0, "journal_attendance": 0}

    def build(self, user_ids, main_user_id):
        """Sandboxes for every user (the main one measured); returns Journals."""
        from app.extensions import db
        from training.journal.constants import school_year_start

        schools = self._sandboxes(user_ids)
        main = schools[main_user_id]
        subject = self._enlarge(main)
        self.result.class_id, self.result.subject_id = main.classes[0].id, subject.id
        self.result.pupils = len(main.classes[0].pupils)
        days = school_days(min(self.first, school_year_start(self.today)), self.today - timedelta(days=1))
        self._lessons(schools, subject, days)
        db.session.commit()
        self.result.counts = {"journals": len(schools), **self.counts}
        return self.result

    def _sandboxes(self, user_ids):
        from sqlalchemy import select
        from sqlalchemy.orm import joinedload

        from app.auth.models import User
        from app.extensions import db
        from training.journal import sandbox

        users = db.session.scalars(select(User).options(joinedload(User.person)).where(User.id.in_(user_ids)))
        schools = {}
        with db.session.no_autoflush:
            for user in users:
                schools[user.id] = sandbox.build_sandbox(user, self.rng, self.fake)
                self.progress(1)
        db.session.flush()
        return schools

    def _enlarge(self, school):
        """The main class: 30 pupils, and enough «Математика» lessons in the measured quarter."""
        from app.extensions import db
        from training.journal import names
        from training.journal.models import Pupil, TimetableSlot

        school_class = school.classes[0]
        taken = {(pupil.last_name, pupil.first_name) for pupil in school_class.pupils}
        while len(school_class.pupils) < MAIN_PUPILS:
            person = names.pupil(self.rng, self.fake)
            if (person["last_name"], person["first_name"]) not in taken:
                taken.add((person["last_name"], person["first_name"]))
                school_class.pupils.append(Pupil(**person))
        subject = next(s for s in school.subjects if s.name == MAIN_SUBJECT)
        days = school_days(self.first, self.last)
        extra = ((weekday, number) for number in (7, 8) for weekday in range(5))
        while len(lesson_slots(school_class, subject, days)) < MAIN_LESSONS:
            weekday, number = next(extra)
            school_class.timetable.append(TimetableSlot(subject=subject, weekday=weekday, number=number))
        db.session.flush()
        self.result.lessons = len(lesson_slots(school_class, subject, days))
        return subject

    def _lessons(self, schools, measured, days):
        """Lessons of the marked subjects until yesterday with marks (everyone in the measured quarter)."""
        rows, pupils = [], {}
        for school in schools.values():
            school_class = school.classes[0]
            pupils[school_class.id] = [pupil.id for pupil in school_class.pupils]
            for name in MARKED_SUBJECTS:
                subject = next(s for s in school.subjects if s.name == name)
                rows.extend(self._lesson_rows(school_class, subject, days))
            self.progress(1)
        ids = self._insert_lessons(rows, list(pupils))
        marks, codes = [], []
        for lesson_id, row in zip(ids, rows, strict=True):
            every = row["subject_id"] == measured.id and self.first <= row["day"] <= self.last
            self._marks(lesson_id, pupils[row["class_id"]], every, row["marks_entered_at"], marks, codes)
        self._insert_marks(marks, codes)

    def _lesson_rows(self, school_class, subject, days):
        """Rows of the subject's timetable lessons on the days, with topic and homework."""
        slots = lesson_slots(school_class, subject, days)
        topics = TOPICS[subject.name]
        rows = []
        for index, (day, number) in enumerate(slots, start=1):
            entered = datetime.combine(day, time(11, self.rng.randrange(60)))  # 14:xx in Moscow
            rows.append({"class_id": school_class.id, "subject_id": subject.id, "day": day, "number": number,
                         "topic": f"{topics[index * len(topics) // (len(slots) + 1)]}. Урок {index}",
                         "homework": f"§ {index // 3 + 1}, № {self.rng.randint(1, 40)}", "homework_file": "",
                         "homework_filename": "", "topic_entered_at": entered, "homework_entered_at": entered,
                         "marks_entered_at": entered})
        return rows

    def _insert_lessons(self, rows, class_ids):
        """Bulk-insert the lessons; their ids in the order of the rows."""
        from bulk import copy_rows
        from sqlalchemy import select

        from app.extensions import db
        from training.journal.models import Lesson

        copy_rows(Lesson.__table__, rows)
        found = {tuple(key): lesson_id for *key, lesson_id in db.session.execute(
            select(Lesson.class_id, Lesson.subject_id, Lesson.day, Lesson.number, Lesson.id)
            .where(Lesson.class_id.in_(class_ids)))}
        self.counts["journal_lessons"] += len(rows)
        return [found[(row["class_id"], row["subject_id"], row["day"], row["number"])] for row in rows]

    def _marks(self, lesson_id, pupils, every, entered, marks, codes):
        """One lesson's marks and absences: everyone (every) or about a third of the pupils."""
        from training.journal import constants as c

        rng = self.rng
        for pupil_id in pupils:
            chance = rng.random()
            if chance < ABSENT_SHARE:
                codes.append({"lesson_id": lesson_id, "pupil_id": pupil_id, "code": c.ABSENT,
                              "created_at": entered})
                continue
            if not every and chance > ABSENT_SHARE + MARK_SHARE:
                continue
            kind = rng.choices(c.WORK_KINDS, (70, 15, 10, 5))[0]
            for position in range(2 if every and chance > 0.9 else 1):
                marks.append({"lesson_id": lesson_id, "pupil_id": pupil_id, "position": position,
                              "value": rng.choice((2, 3, 4, 4, 5, 5)), "kind": kind,
                              "weight": c.DEFAULT_WEIGHTS[kind], "comment": "", "is_debt": False,
                              "created_at": entered, "updated_at": entered})

    def _insert_marks(self, marks, codes):
        from bulk import copy_rows

        from training.journal.models import Attendance, Mark

        for model, rows in ((Mark, marks), (Attendance, codes)):
            copy_rows(model.__table__, rows)
            self.counts[model.__tablename__] += len(rows)
