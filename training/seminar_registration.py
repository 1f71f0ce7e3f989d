"""Registration for seminars: places while they last, then a waiting line that moves up at once.

Every change of places locks the seminar row first and counts inside the same transaction, so two
people taking the last place cannot both get it. Reminders (`opora training remind`) are here too.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm import contains_eager, joinedload

from app.audit import services as audit
from app.auth import permissions
from app.auth.roles import ALL_ROLES, role_label
from app.errors import NotFound, PermissionDenied, ValidationFailed
from app.extensions import db
from app.timeutil import utcnow
from training import constants as c
from training import seminar_mail
from training.models import Registration, Seminar


def lock_seminar(seminar_id):
    """The seminar, locked for this transaction (NotFound if there is none)."""
    if db.session.get_bind().dialect.name == "sqlite":
        # SQLite has no row locks: a write takes the database's write lock before anything is counted
        # (reads before it run outside the transaction, so the count below sees every committed place).
        db.session.execute(update(Seminar).where(Seminar.id == seminar_id)
                           .values(sequence=Seminar.sequence))
    seminar = db.session.scalar(select(Seminar).where(Seminar.id == seminar_id).with_for_update()
                                .execution_options(populate_existing=True))
    if seminar is None:
        raise NotFound()
    return seminar


def place_counts(seminar_ids):
    """{seminar id: (registered, waiting)} for the seminars, in one query."""
    counts = {seminar_id: [0, 0] for seminar_id in seminar_ids}
    if not counts:
        return {}
    rows = db.session.execute(
        select(Registration.seminar_id, Registration.status, func.count(Registration.id))
        .where(Registration.seminar_id.in_(counts), Registration.status.in_((c.REGISTERED, c.WAITLISTED)))
        .group_by(Registration.seminar_id, Registration.status)
    )
    for seminar_id, status, number in rows:
        counts[seminar_id][0 if status == c.REGISTERED else 1] = number
    return {seminar_id: tuple(pair) for seminar_id, pair in counts.items()}


def own_registration(user, seminar_id):
    """The user's registration row for the seminar (any status), or None."""
    return db.session.scalar(select(Registration).where(Registration.seminar_id == seminar_id,
                                                        Registration.user_id == user.id))


def audience_labels(seminar):
    """Who may register, in words and in the usual order of roles (empty: everyone)."""
    return [str(role_label(role)) for role in ALL_ROLES if role in (seminar.audience or ())]


def refusal(user, seminar, now):
    """Why the user cannot register for the seminar now, or None when they can."""
    if seminar.is_cancelled:
        return _("The seminar is cancelled.")
    if now >= seminar.starts_at:
        return _("Registration is closed: the seminar has already started.")
    if not permissions.can_register_for_seminar(user, seminar):
        return _("This seminar is for: %(roles)s.", roles=", ".join(audience_labels(seminar)))
    return None


def register(actor, seminar_id, now=None):
    """Take a place, or join the waiting line when the places are gone; return the registration."""
    now = now or utcnow()
    seminar = lock_seminar(seminar_id)
    if not permissions.can_view_seminar(actor, seminar):
        raise NotFound()
    reason = refusal(actor, seminar, now)
    if reason is not None:
        allowed = permissions.can_register_for_seminar(actor, seminar)
        raise ValidationFailed(reason) if allowed else PermissionDenied(reason)
    row = own_registration(actor, seminar.id)
    if row is not None and row.status != c.WITHDRAWN:
        return row
    registered, waiting = place_counts([seminar.id])[seminar.id]
    if row is None:  # a person who cancelled earlier gets the same row back: (seminar, user) is unique
        row = Registration(seminar=seminar, user=actor)
        db.session.add(row)
    row.status = c.REGISTERED if seminar.capacity - registered > waiting else c.WAITLISTED
    row.organization_id = actor.organization_id
    row.queued_at = row.registered_at = now
    row.promoted_at = row.withdrawn_at = row.reminded_at = row.attendance = row.attendance_marked_at = None
    audit.record("training.seminar_registered", actor=actor, target=seminar, status=row.status)
    db.session.commit()
    return row


def withdraw(actor, seminar_id, now=None):
    """Cancel the actor's place or waiting; the first person waiting takes a freed place at once."""
    now = now or utcnow()
    seminar = lock_seminar(seminar_id)
    if not permissions.can_view_seminar(actor, seminar):
        raise NotFound()
    row = own_registration(actor, seminar.id)
    if row is None or row.status == c.WITHDRAWN:
        raise ValidationFailed(_("You are not registered for this seminar."))
    if now >= seminar.starts_at:
        raise ValidationFailed(_("The seminar has already started: the registration cannot be cancelled."))
    was = row.status
    row.status, row.withdrawn_at = c.WITHDRAWN, now
    promoted = fill_places(seminar, now) if was == c.REGISTERED else []
    outgoing = seminar_mail.send(seminar, promoted, "seminar_promoted")
    audit.record("training.seminar_withdrawn", actor=actor, target=seminar, was=was,
                 promoted=[r.user_id for r in promoted])
    db.session.commit()
    seminar_mail.deliver(outgoing)
    return row


def fill_places(seminar, now):
    """Move people from the waiting line (first come, first served) into free places; return them."""
    db.session.flush()
    registered, _waiting = place_counts([seminar.id])[seminar.id]
    free = seminar.capacity - registered
    if free <= 0:
        return []
    promoted = db.session.scalars(
        select(Registration).options(joinedload(Registration.user))
        .where(Registration.seminar_id == seminar.id, Registration.status == c.WAITLISTED)
        .order_by(Registration.queued_at, Registration.id).limit(free)
    ).all()
    for row in promoted:
        row.status, row.promoted_at, row.registered_at = c.REGISTERED, now, now
    return promoted


# --- reminders ----------------------------------------------------------------------------


@dataclass
class ReminderResult:
    """What one reminder run did: (seminar, letters) per seminar, and letters queued in all."""

    seminars: list = field(default_factory=list)
    messages: int = 0


def send_reminders(now=None):
    """E-mail everyone registered for a seminar starting within REMINDER_HOURS_BEFORE hours, once."""
    now = now or utcnow()
    rows = db.session.scalars(
        select(Registration).join(Registration.seminar)
        .options(contains_eager(Registration.seminar), joinedload(Registration.user))
        .where(Seminar.status == c.SCHEDULED, Seminar.starts_at > now,
               Seminar.starts_at <= now + timedelta(hours=c.REMINDER_HOURS_BEFORE),
               Registration.status == c.REGISTERED, Registration.reminded_at.is_(None))
        .order_by(Seminar.starts_at, Seminar.id, Registration.id)
        .with_for_update(of=Registration, skip_locked=True)  # two overlapping runs never remind twice
    ).unique().all()
    result, outgoing, letters = ReminderResult(), [], {}
    for row in rows:
        sent = seminar_mail.send(row.seminar, [row], "seminar_reminder")
        outgoing.extend(sent)
        row.reminded_at = row.seminar.reminders_sent_at = now
        letters[row.seminar] = letters.get(row.seminar, 0) + len(sent)
    db.session.commit()
    seminar_mail.deliver(outgoing)
    result.seminars, result.messages = list(letters.items()), len(outgoing)
    return result
