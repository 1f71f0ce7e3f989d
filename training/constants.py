"""Statuses, question kinds and attendance marks of the training package."""

from flask_babel import lazy_gettext as _l

# --- courses ------------------------------------------------------------------------------
DRAFT = "draft"
PUBLISHED = "published"
ARCHIVED = "archived"
COURSE_STATUSES = (DRAFT, PUBLISHED, ARCHIVED)
COURSE_STATUS_LABELS = {DRAFT: _l("Draft"), PUBLISHED: _l("Open for enrolment"), ARCHIVED: _l("Archived")}
COURSE_TRANSITIONS = {DRAFT: (PUBLISHED,), PUBLISHED: (DRAFT, ARCHIVED), ARCHIVED: (PUBLISHED,)}

# --- quiz questions -----------------------------------------------------------------------
SINGLE = "single"
MULTIPLE = "multiple"
SHORT = "short"
QUESTION_KINDS = (SINGLE, MULTIPLE, SHORT)
QUESTION_KIND_LABELS = {
    SINGLE: _l("One correct answer"),
    MULTIPLE: _l("Several correct answers"),
    SHORT: _l("Short answer"),
}
DEFAULT_PASS_MARK = 80  # per cent of the points

# --- enrolment and progress ---------------------------------------------------------------
NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
COMPLETED = "completed"
PROGRESS_STATUSES = (NOT_STARTED, IN_PROGRESS, COMPLETED)
PROGRESS_LABELS = {NOT_STARTED: _l("Not started"), IN_PROGRESS: _l("Studying"), COMPLETED: _l("Finished")}

SELF = "self"
ASSIGNED = "assigned"
ENROLMENT_SOURCES = (SELF, ASSIGNED)
SOURCE_LABELS = {SELF: _l("Enrolled themselves"), ASSIGNED: _l("Assigned")}

# --- seminars -----------------------------------------------------------------------------
SCHEDULED = "scheduled"
CANCELLED = "cancelled"
SEMINAR_STATUSES = (SCHEDULED, CANCELLED)
SEMINAR_STATUS_LABELS = {SCHEDULED: _l("Scheduled"), CANCELLED: _l("Cancelled")}

REGISTERED = "registered"
WAITLISTED = "waitlisted"
WITHDRAWN = "withdrawn"
REGISTRATION_STATUSES = (REGISTERED, WAITLISTED, WITHDRAWN)
REGISTRATION_LABELS = {
    REGISTERED: _l("Registered"),
    WAITLISTED: _l("On the waiting list"),
    WITHDRAWN: _l("Cancelled the registration"),
}

ATTENDED = "attended"
PARTIAL = "partial"
NO_SHOW = "no_show"
ATTENDANCE_MARKS = (ATTENDED, PARTIAL, NO_SHOW)
ATTENDANCE_LABELS = {ATTENDED: _l("Attended"), PARTIAL: _l("Attended partially"), NO_SHOW: _l("Did not come")}
# How a CSV may spell an attendance mark (lower-cased, stripped).
ATTENDANCE_SPELLINGS = {
    ATTENDED: ("attended", "присутствовал", "присутствовала", "был", "была", "да", "+", "1"),
    PARTIAL: ("partial", "частично", "±", "0.5", "0,5"),
    NO_SHOW: ("no_show", "no-show", "не явился", "не явилась", "отсутствовал", "отсутствовала", "нет", "-",
              "0"),
}

REMINDER_HOURS_BEFORE = 24
