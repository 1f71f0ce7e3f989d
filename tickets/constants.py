"""Queues, statuses with their allowed transitions, priorities and sources of tickets."""

from flask_babel import lazy_gettext as _l

# --- queues (plan item 1.1: computer center; 1.2: institute) ------------------------------
TECHNICAL = "technical"
METHODOLOGICAL = "methodological"
QUEUES = (TECHNICAL, METHODOLOGICAL)
QUEUE_LABELS = {TECHNICAL: _l("Technical hotline"), METHODOLOGICAL: _l("Methodological hotline")}
QUEUE_PREFIXES = {TECHNICAL: "Т", METHODOLOGICAL: "М"}

# --- statuses -----------------------------------------------------------------------------
NEW = "new"
IN_PROGRESS = "in_progress"
WAITING = "waiting"
RESOLVED = "resolved"
CLOSED = "closed"
STATUSES = (NEW, IN_PROGRESS, WAITING, RESOLVED, CLOSED)
OPEN_STATUSES = (NEW, IN_PROGRESS, WAITING)
STATUS_LABELS = {
    NEW: _l("New"),
    IN_PROGRESS: _l("In progress"),
    WAITING: _l("Waiting for the requester"),
    RESOLVED: _l("Resolved"),
    CLOSED: _l("Closed"),
}

# Which status an agent may move a ticket to from each status.
ALLOWED_TRANSITIONS = {
    NEW: (IN_PROGRESS, WAITING, RESOLVED, CLOSED),
    IN_PROGRESS: (WAITING, RESOLVED, CLOSED),
    WAITING: (IN_PROGRESS, RESOLVED, CLOSED),
    RESOLVED: (IN_PROGRESS, CLOSED),
    CLOSED: (IN_PROGRESS,),
}

# A requester's reply reopens a ticket that waits for them or was resolved.
REOPENED_BY_REQUESTER = {WAITING: IN_PROGRESS, RESOLVED: IN_PROGRESS}

# --- priorities ---------------------------------------------------------------------------
LOW = "low"
NORMAL = "normal"
HIGH = "high"
URGENT = "urgent"
PRIORITIES = (LOW, NORMAL, HIGH, URGENT)
PRIORITY_LABELS = {LOW: _l("Low"), NORMAL: _l("Normal"), HIGH: _l("High"), URGENT: _l("Urgent")}

# Default SLA per priority, in hours: (first response, resolution). Settable per queue.
DEFAULT_SLA_HOURS = {LOW: (24, 120), NORMAL: (8, 40), HIGH: (4, 16), URGENT: (1, 4)}

# --- sources ------------------------------------------------------------------------------
WEB = "web"
EMAIL = "email"
API = "api"
SOURCES = (WEB, EMAIL, API)

# Categories seeded for each queue: (slug, name).
DEFAULT_CATEGORIES = {
    TECHNICAL: (
        ("activation", _l("School activation on the platform")),
        ("sign-in", _l("Sign-in and passwords")),
        ("marks", _l("Entering marks")),
        ("parents-diary", _l("Diary for parents")),
        ("reports", _l("Reports")),
        ("other-tech", _l("Other technical questions")),
    ),
    METHODOLOGICAL: (
        ("marks-rules", _l("Marks and attendance rules")),
        ("quarter-marks", _l("Averages and quarter marks")),
        ("parents", _l("Working with parents")),
        ("reports-method", _l("Reports")),
        ("training", _l("Training and seminars")),
        ("other-method", _l("Other methodological questions")),
    ),
}

CLOSE_RESOLVED_AFTER_DAYS = 7


def can_transition(old, new):
    """Whether an agent may move a ticket from status old to status new."""
    return new in ALLOWED_TRANSITIONS.get(old, ())
