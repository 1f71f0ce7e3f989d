"""Imports every model module so SQLAlchemy and Alembic see all tables."""

from app.api.models import ApiToken  # noqa: F401
from app.audit.models import AuditEvent  # noqa: F401
from app.auth.models import LoginSession, PasswordResetToken, User  # noqa: F401
from app.directory.models import Appointment, Organization, Person  # noqa: F401
from app.mail.models import OutboundMessage  # noqa: F401
from app.rollout.models import (  # noqa: F401
    PlanActivity,
    QuarterlyReport,
    ReportTransition,
    RolloutReminder,
    RolloutStatus,
)
from app.search.models import IndexedDocument, SearchPending, SearchTerm  # noqa: F401
from knowledge_base.models import (  # noqa: F401
    Article,
    ArticleCategory,
    ArticleFile,
    ArticleRevision,
    ArticleVote,
    Tag,
    TicketArticle,
)
from tickets.models import (  # noqa: F401
    Attachment,
    CannedReply,
    Category,
    MailReference,
    QuarantinedMail,
    SlaPolicy,
    Ticket,
    TicketChange,
    TicketLink,
    TicketMessage,
    TicketQueue,
)
from training.journal.models import (  # noqa: F401
    Attendance,
    DiaryConfirmation,
    Lesson,
    Mark,
    PeriodMark,
    Pupil,
    SandboxClass,
    SandboxSchool,
    Subject,
    TimetableSlot,
)
from training.models import (  # noqa: F401
    Assignment,
    Certificate,
    Course,
    Enrollment,
    Module,
    ModuleProgress,
    Option,
    Question,
    QuizAttempt,
    Registration,
    Seminar,
)
