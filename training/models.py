"""Courses of modules with quizzes, enrolments with per-module progress, certificates and seminars."""

from datetime import date, datetime

from sqlalchemy import JSON, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.directory.models import Organization
from app.extensions import db
from app.timeutil import utcnow
from knowledge_base.models import Article
from training import constants as c

module_prerequisites = Table(
    "training_module_prerequisites",
    db.metadata,
    Column("module_id", ForeignKey("training_modules.id", ondelete="CASCADE"), primary_key=True),
    Column("required_id", ForeignKey("training_modules.id", ondelete="CASCADE"), primary_key=True),
)

seminar_articles = Table(
    "training_seminar_articles",
    db.metadata,
    Column("seminar_id", ForeignKey("training_seminars.id", ondelete="CASCADE"), primary_key=True),
    Column("article_id", ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
)


class Course(db.Model):
    """A course: an ordered list of modules; sequential courses open each module after the previous."""

    __tablename__ = "training_courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(250))
    summary: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    hours: Mapped[int] = mapped_column(default=0)
    is_sequential: Mapped[bool] = mapped_column(default=True)
    status: Mapped[str] = mapped_column(String(12), default=c.DRAFT, index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]

    author: Mapped[User | None] = relationship()
    modules: Mapped[list["Module"]] = relationship(
        back_populates="course", order_by="Module.position", cascade="all, delete-orphan"
    )

    @property
    def is_published(self):
        """Whether learners can see and enrol in the course."""
        return self.status == c.PUBLISHED

    @property
    def status_label(self):
        """Translated status."""
        return c.COURSE_STATUS_LABELS.get(self.status, self.status)

    def __repr__(self):
        return f"<Course {self.slug!r} {self.status}>"


class Module(db.Model):
    """A module: a Markdown lesson, optionally a quiz and a practical task checked by a task plug-in."""

    __tablename__ = "training_modules"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("training_courses.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    slug: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(250))
    lesson: Mapped[str] = mapped_column(Text, default="")
    minutes: Mapped[int] = mapped_column(default=0)
    pass_mark: Mapped[int] = mapped_column(default=c.DEFAULT_PASS_MARK)
    max_attempts: Mapped[int | None]
    is_shuffled: Mapped[bool] = mapped_column(default=True)
    # Key of a practical task registered in training.tasks; its parameters, if any.
    task_key: Mapped[str | None] = mapped_column(String(60))
    task_params: Mapped[dict] = mapped_column(JSON, default=dict)

    course: Mapped[Course] = relationship(back_populates="modules")
    questions: Mapped[list["Question"]] = relationship(
        back_populates="module", order_by="Question.position", cascade="all, delete-orphan"
    )
    prerequisites: Mapped[list["Module"]] = relationship(
        secondary=module_prerequisites,
        primaryjoin=lambda: Module.id == module_prerequisites.c.module_id,
        secondaryjoin=lambda: Module.id == module_prerequisites.c.required_id,
        order_by="Module.position",
    )

    @property
    def has_quiz(self):
        """Whether the module ends with a quiz."""
        return bool(self.questions)

    @property
    def has_task(self):
        """Whether the module asks for a practical task."""
        return bool(self.task_key)

    def __repr__(self):
        return f"<Module {self.course_id}:{self.position} {self.slug!r}>"


class Question(db.Model):
    """A quiz question; short answers list their accepted spellings, choices mark their correct options."""

    __tablename__ = "training_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("training_modules.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(10), default=c.SINGLE)
    text: Mapped[str] = mapped_column(Text)
    explanation: Mapped[str] = mapped_column(Text, default="")
    points: Mapped[int] = mapped_column(default=1)
    accepted_answers: Mapped[list] = mapped_column(JSON, default=list)

    module: Mapped[Module] = relationship(back_populates="questions")
    options: Mapped[list["Option"]] = relationship(
        back_populates="question", order_by="Option.position", cascade="all, delete-orphan"
    )

    def __repr__(self):
        return f"<Question {self.id} {self.kind}>"


class Option(db.Model):
    """A choice of a single- or multiple-choice question."""

    __tablename__ = "training_options"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("training_questions.id", ondelete="CASCADE"),
                                             index=True)
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(Text)
    is_correct: Mapped[bool] = mapped_column(default=False)

    question: Mapped[Question] = relationship(back_populates="options")

    def __repr__(self):
        return f"<Option {self.id} correct={self.is_correct}>"


class Assignment(db.Model):
    """A course assigned to one person or a whole organization, with a due date."""

    __tablename__ = "training_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("training_courses.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"),
                                                        index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    due_on: Mapped[date | None]
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    course: Mapped[Course] = relationship()
    organization: Mapped[Organization | None] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    assigned_by: Mapped[User | None] = relationship(foreign_keys=[assigned_by_id])

    def __repr__(self):
        return f"<Assignment course={self.course_id} org={self.organization_id} user={self.user_id}>"


class Enrollment(db.Model):
    """One person on one course: status, dates and score are kept current by every step they take."""

    __tablename__ = "training_enrollments"
    __table_args__ = (UniqueConstraint("course_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("training_courses.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The user's organization when they enrolled: reports group by it without joining users.
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id", ondelete="SET NULL"),
                                                        index=True)
    source: Mapped[str] = mapped_column(String(10), default=c.SELF)
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("training_assignments.id",
                                                                 ondelete="SET NULL"))
    due_on: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(12), default=c.NOT_STARTED, index=True)
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    score: Mapped[int | None]  # mean of the best quiz results, per cent
    completed_modules: Mapped[int] = mapped_column(default=0)

    course: Mapped[Course] = relationship()
    user: Mapped[User] = relationship()
    organization: Mapped[Organization | None] = relationship()
    assignment: Mapped[Assignment | None] = relationship()
    progress: Mapped[list["ModuleProgress"]] = relationship(
        back_populates="enrollment", cascade="all, delete-orphan"
    )
    certificate: Mapped["Certificate | None"] = relationship(back_populates="enrollment", uselist=False)

    @property
    def status_label(self):
        """Translated progress status."""
        return c.PROGRESS_LABELS.get(self.status, self.status)

    @property
    def source_label(self):
        """How the person came to the course: enrolled themselves or assigned."""
        return c.SOURCE_LABELS.get(self.source, self.source)

    @property
    def is_completed(self):
        """Whether every module is done."""
        return self.status == c.COMPLETED

    def __repr__(self):
        return f"<Enrollment course={self.course_id} user={self.user_id} {self.status}>"


class ModuleProgress(db.Model):
    """Where a learner stands in one module: lesson read, best quiz score, task checked, completed."""

    __tablename__ = "training_module_progress"
    __table_args__ = (UniqueConstraint("enrollment_id", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("training_enrollments.id", ondelete="CASCADE"),
                                               index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("training_modules.id", ondelete="CASCADE"), index=True)
    lesson_read_at: Mapped[datetime | None]
    best_score: Mapped[int | None]
    attempts_used: Mapped[int] = mapped_column(default=0)
    # Attempts a methodologist granted beyond the quiz's limit.
    extra_attempts: Mapped[int] = mapped_column(default=0)
    quiz_passed_at: Mapped[datetime | None]
    task_done_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]

    enrollment: Mapped[Enrollment] = relationship(back_populates="progress")
    module: Mapped[Module] = relationship()

    def __repr__(self):
        return f"<ModuleProgress enrollment={self.enrollment_id} module={self.module_id}>"


class QuizAttempt(db.Model):
    """A submitted quiz: the order shown, the answers given and, per question, what was right."""

    __tablename__ = "training_quiz_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("training_enrollments.id", ondelete="CASCADE"),
                                               index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("training_modules.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(default=1)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    # The question and option order the learner saw: [[question_id, [option_id, ...]], ...]
    layout: Mapped[list] = mapped_column(JSON, default=list)
    # Graded answers, kept with the question text so a later edit of the quiz cannot change a result.
    results: Mapped[list] = mapped_column(JSON, default=list)
    score: Mapped[int | None]
    is_passed: Mapped[bool] = mapped_column(default=False)

    enrollment: Mapped[Enrollment] = relationship()
    module: Mapped[Module] = relationship()

    def __repr__(self):
        return f"<QuizAttempt {self.id} module={self.module_id} score={self.score}>"


class Certificate(db.Model):
    """A certificate of completion; names are frozen as printed, the number verifies it publicly."""

    __tablename__ = "training_certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("training_enrollments.id", ondelete="CASCADE"),
                                               unique=True)
    full_name: Mapped[str] = mapped_column(String(250))
    course_title: Mapped[str] = mapped_column(String(250))
    hours: Mapped[int] = mapped_column(default=0)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    enrollment: Mapped[Enrollment] = relationship(back_populates="certificate")

    @property
    def is_valid(self):
        """Whether the certificate stands (was not revoked)."""
        return self.revoked_at is None

    def __repr__(self):
        return f"<Certificate {self.number}>"


class Seminar(db.Model):
    """A seminar with a capacity; registrations beyond it wait in line."""

    __tablename__ = "training_seminars"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(250))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    place: Mapped[str] = mapped_column(String(300), default="")
    online_url: Mapped[str] = mapped_column(String(500), default="")
    capacity: Mapped[int] = mapped_column(default=30)
    # Roles that may register (plan item 1.3: the specialists responsible for the rollout).
    audience: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(12), default=c.SCHEDULED)
    # iCalendar SEQUENCE: bumped when the time, place or status changes, so calendars update the event.
    sequence: Mapped[int] = mapped_column(default=0)
    organizer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reminders_sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organizer: Mapped[User | None] = relationship()
    registrations: Mapped[list["Registration"]] = relationship(
        back_populates="seminar", order_by="Registration.id", cascade="all, delete-orphan"
    )
    materials: Mapped[list[Article]] = relationship(secondary=seminar_articles, order_by=Article.title)

    @property
    def is_cancelled(self):
        """Whether the seminar was called off."""
        return self.status == c.CANCELLED

    def __repr__(self):
        return f"<Seminar {self.id} {self.starts_at:%Y-%m-%d}>"


class Registration(db.Model):
    """A person's place at a seminar (or in its waiting line) and, afterwards, their attendance."""

    __tablename__ = "training_registrations"
    __table_args__ = (UniqueConstraint("seminar_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    seminar_id: Mapped[int] = mapped_column(ForeignKey("training_seminars.id", ondelete="CASCADE"),
                                            index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id", ondelete="SET NULL"),
                                                        index=True)
    status: Mapped[str] = mapped_column(String(12), default=c.REGISTERED, index=True)
    # Waiting-line order: the time the person joined the line.
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)
    registered_at: Mapped[datetime] = mapped_column(default=utcnow)
    promoted_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
    attendance: Mapped[str | None] = mapped_column(String(10))
    attendance_marked_at: Mapped[datetime | None]

    seminar: Mapped[Seminar] = relationship(back_populates="registrations")
    user: Mapped[User] = relationship()
    organization: Mapped[Organization | None] = relationship()

    @property
    def status_label(self):
        """Translated registration status."""
        return c.REGISTRATION_LABELS.get(self.status, self.status)

    @property
    def attendance_label(self):
        """Translated attendance mark, or an empty string before it is marked."""
        return c.ATTENDANCE_LABELS.get(self.attendance, "") if self.attendance else ""

    def __repr__(self):
        return f"<Registration seminar={self.seminar_id} user={self.user_id} {self.status}>"
