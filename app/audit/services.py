"""Writing and reading the audit log."""

from flask import has_request_context, request
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.extensions import db


def _client_address():
    if not has_request_context():
        return "cli"
    return (request.remote_addr or "")[:45]


def record(action, actor=None, target=None, **details):
    """Add an audit event to the current transaction; the calling service commits it."""
    attempted_email = details.pop("email", "")
    event = AuditEvent(
        action=action,
        actor_id=actor.id if actor is not None else None,
        actor_email=actor.email if actor is not None else attempted_email,
        target_type=type(target).__name__ if target is not None else "",
        target_id=getattr(target, "id", None),
        ip_address=_client_address(),
        details={key: _plain(value) for key, value in details.items()},
    )
    db.session.add(event)
    return event


def _plain(value):
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


def recent_events(page, per_page, action=None, actor_email=None):
    """A page of audit events, newest first, optionally filtered."""
    query = select(AuditEvent).order_by(AuditEvent.id.desc())
    if action:
        query = query.where(AuditEvent.action == action)
    if actor_email:
        query = query.where(AuditEvent.actor_email.ilike(f"%{actor_email.strip()}%"))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def known_actions():
    """Distinct action names present in the log, for the filter list."""
    return db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)).all()
