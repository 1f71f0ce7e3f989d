"""Seminars (plan item 1.3): methodologists schedule, change and cancel them; the schedule and seminar pages.

Registration and the waiting line are in training/seminar_registration.py, attendance in
training/seminar_attendance.py, the calendar file in training/seminar_ics.py.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from urllib.parse import urlsplit

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from app.audit import services as audit
from app.auth import permissions, roles
from app.auth.models import User
from app.errors import NotFound, PermissionDenied, ValidationFailed
from app.extensions import db
from app.timeutil import moscow_to_utc, utc_to_moscow, utcnow
from knowledge_base.models import Article
from training import constants as c
from training import seminar_mail
from training import seminar_registration as registration
from training.models import Registration, Seminar

MAX_LENGTHS = {"title": 250, "description": 20_000, "place": 300, "online_url": 500}
MAX_CAPACITY = 10_000
MAX_MATERIALS = 20
DEFAULT_AUDIENCE = (roles.MUNICIPAL, roles.SCHOOL)
PAST_PER_PAGE = 20
KB_LINK = re.compile(r"/kb/([a-z0-9-]+)/?$")
# Changes a calendar shows (the .ics SEQUENCE grows), and those participants are told about by e-mail.
CALENDAR_FIELDS = ("title", "description", "starts_at", "ends_at", "place", "online_url")
NOTIFIED_FIELDS = ("starts_at", "ends_at", "place", "online_url")


@dataclass
class SeminarValues:
    """Validated values of the seminar form (times in naive UTC)."""

    title: str
    description: str
    starts_at: datetime
    ends_at: datetime
    place: str
    online_url: str
    capacity: int
    audience: list
    materials: list


# --- validation ---------------------------------------------------------------------------


def _as_date(value):
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError:
        return None


def _as_time(value):
    if isinstance(value, time):
        return value
    try:
        return time.fromisoformat(str(value or "").strip())
    except ValueError:
        return None


def _as_int(value):
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def is_web_link(url):
    """Whether the text is an http(s) address with a host (no other schemes, no spaces)."""
    parts = urlsplit(url)
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname) and not re.search(r"\s", url)


def resolve_materials(value):
    """(published guides, entries not found) for lines naming guides by address, /kb/ link or title."""
    entries = value.splitlines() if isinstance(value, str) else [str(item) for item in value or ()]
    articles, unknown = [], []
    for entry in (" ".join(item.split()) for item in entries):
        if not entry:
            continue
        link = KB_LINK.search(urlsplit(entry).path)
        key = (link.group(1) if link else entry).lower()
        article = db.session.scalar(select(Article).where(
            Article.status == "published", (Article.slug == key) | (func.lower(Article.title) == key)))
        if article is None:
            unknown.append(entry)
        elif article not in articles:
            articles.append(article)
    return articles, unknown


def _time_errors(day, starts, ends, errors):
    if day is None:
        errors["day"] = [_("Enter the date of the seminar.")]
    if starts is None:
        errors["starts"] = [_("Enter the start time, e.g. 10:00.")]
    if ends is None:
        errors["ends"] = [_("Enter the end time, e.g. 13:00.")]
    elif starts is not None and ends <= starts:
        errors["ends"] = [_("The seminar must end after it starts.")]


def _text_errors(values, errors):
    if not values["title"]:
        errors["title"] = [_("Write the title of the seminar.")]
    if not values["place"] and not values["online_url"]:
        errors["place"] = [_("Write the place, or the link for online participants, or both.")]
    if values["online_url"] and not is_web_link(values["online_url"]):
        errors["online_url"] = [_("The link must be a web address starting with http:// or https://.")]
    for name, limit in MAX_LENGTHS.items():
        if len(values[name]) > limit:
            errors[name] = [_("Shorten this to %(max)d characters.", max=limit)]


def validate(data):
    """Check the seminar form's data; return SeminarValues or raise ValidationFailed with field errors."""
    values = {name: str(data.get(name) or "").strip() for name in MAX_LENGTHS}
    day, starts, ends = _as_date(data.get("day")), _as_time(data.get("starts")), _as_time(data.get("ends"))
    capacity = _as_int(data.get("capacity"))
    audience = [str(role) for role in data.get("audience") or ()]
    errors = {}
    _text_errors(values, errors)
    _time_errors(day, starts, ends, errors)
    if capacity is None or not 1 <= capacity <= MAX_CAPACITY:
        errors["capacity"] = [_("The number of places must be a whole number from 1 to %(max)d.",
                                max=MAX_CAPACITY)]
    if any(role not in roles.ALL_ROLES for role in audience):
        errors["audience"] = [_("Choose the audience from the list.")]
    materials, unknown = resolve_materials(data.get("materials"))
    if unknown:
        errors["materials"] = [_("No published guide has this address or title: %(names)s.",
                                 names="; ".join(unknown))]
    elif len(materials) > MAX_MATERIALS:
        errors["materials"] = [_("Link at most %(n)d guides.", n=MAX_MATERIALS)]
    if errors:
        raise ValidationFailed(_("Please correct the fields marked below."), errors)
    return SeminarValues(
        title=values["title"], description=values["description"], place=values["place"],
        online_url=values["online_url"], capacity=capacity, audience=sorted(set(audience)),
        materials=materials, starts_at=moscow_to_utc(datetime.combine(day, starts)),
        ends_at=moscow_to_utc(datetime.combine(day, ends)),
    )


def form_values(seminar):
    """The seminar as the form shows it: Moscow date and times, materials by address."""
    starts, ends = utc_to_moscow(seminar.starts_at), utc_to_moscow(seminar.ends_at)
    return {"title": seminar.title, "description": seminar.description, "day": starts.date(),
            "starts": starts.time(), "ends": ends.time(), "place": seminar.place,
            "online_url": seminar.online_url, "capacity": seminar.capacity,
            "audience": list(seminar.audience),
            "materials": "\n".join(article.slug for article in seminar.materials)}


# --- scheduling ---------------------------------------------------------------------------


def require_manager(actor):
    """Refuse users who do not organize seminars."""
    if not permissions.can_manage_seminars(actor):
        raise PermissionDenied()


def _apply(seminar, values):
    """Copy the values onto the seminar; return the names of the fields that changed."""
    changed = []
    for name in ("title", "description", "starts_at", "ends_at", "place", "online_url", "capacity"):
        if getattr(seminar, name) != getattr(values, name):
            setattr(seminar, name, getattr(values, name))
            changed.append(name)
    if list(seminar.audience or ()) != values.audience:
        seminar.audience, changed = values.audience, [*changed, "audience"]
    if [a.id for a in seminar.materials] != [a.id for a in values.materials]:
        seminar.materials, changed = values.materials, [*changed, "materials"]
    return changed


def create_seminar(actor, data):
    """Schedule a seminar."""
    require_manager(actor)
    values = validate(data)
    seminar = Seminar(organizer=actor, status=c.SCHEDULED, audience=[])
    _apply(seminar, values)
    db.session.add(seminar)
    db.session.flush()
    audit.record("training.seminar_created", actor=actor, target=seminar, title=seminar.title,
                 starts_at=seminar.starts_at.isoformat(sep=" "))
    db.session.commit()
    return seminar


def update_seminar(actor, seminar_id, data, now=None):
    """Change a seminar; more places let people in from the waiting line, fewer may not drop anyone."""
    require_manager(actor)
    now = now or utcnow()
    values = validate(data)
    seminar = registration.lock_seminar(seminar_id)
    if seminar.is_cancelled:
        raise ValidationFailed(_("A cancelled seminar cannot be changed."))
    registered, _waiting = registration.place_counts([seminar.id])[seminar.id]
    if values.capacity < registered:
        message = _("%(n)d people are already registered, so there must be at least %(n)d places. Ask some "
                    "of them to cancel first: nobody is removed from the list silently.", n=registered)
        raise ValidationFailed(message, {"capacity": [message]})
    changed = _apply(seminar, values)
    outgoing = []
    if changed:
        outgoing = _after_change(seminar, changed, now)
        audit.record("training.seminar_updated", actor=actor, target=seminar, changed=changed)
    db.session.commit()
    seminar_mail.deliver(outgoing)
    return seminar


def _after_change(seminar, changed, now):
    """New calendar sequence, a fresh reminder, letters to the participants; return the letters."""
    promoted = registration.fill_places(seminar, now)
    outgoing = seminar_mail.send(seminar, promoted, "seminar_promoted")
    if set(changed) & set(CALENDAR_FIELDS):
        seminar.sequence += 1
    if not set(changed) & set(NOTIFIED_FIELDS):
        return outgoing
    told = {row.id for row in promoted}
    people = [row for row in seminar.registrations if row.status != c.WITHDRAWN and row.id not in told]
    if "starts_at" in changed:
        for row in people:
            row.reminded_at = None  # the reminder must carry the new time
    if seminar.ends_at > now:
        outgoing += seminar_mail.send(seminar, people, "seminar_changed")
    return outgoing


def cancel_seminar(actor, seminar_id, now=None):
    """Call a seminar off and write to everyone registered or waiting."""
    require_manager(actor)
    now = now or utcnow()
    seminar = registration.lock_seminar(seminar_id)
    if seminar.is_cancelled:
        raise ValidationFailed(_("The seminar is already cancelled."))
    if now >= seminar.starts_at:
        raise ValidationFailed(_("The seminar has already started and cannot be cancelled."))
    seminar.status, seminar.sequence = c.CANCELLED, seminar.sequence + 1
    people = [row for row in seminar.registrations if row.status in (c.REGISTERED, c.WAITLISTED)]
    outgoing = seminar_mail.send(seminar, people, "seminar_cancelled")
    audit.record("training.seminar_cancelled", actor=actor, target=seminar, notified=len(outgoing))
    db.session.commit()
    seminar_mail.deliver(outgoing)
    return seminar


# --- reading ------------------------------------------------------------------------------


def seminar_for(actor, seminar_id):
    """The seminar if the actor may see it, else NotFound."""
    seminar = db.session.get(Seminar, seminar_id)
    if seminar is None or not permissions.can_view_seminar(actor, seminar):
        raise NotFound()
    return seminar


@dataclass
class Schedule:
    """The schedule page: seminars ahead (and under way), a page of past ones, places and own statuses."""

    upcoming: list
    past: object
    counts: dict
    own: dict
    now: datetime


def schedule(actor, page=1, now=None):
    """Seminars the actor may see: the ones ahead, a page of past ones, with places and own status."""
    now = now or utcnow()
    visible = select(Seminar).where(permissions.seminar_scope(actor))
    upcoming = db.session.scalars(visible.where(Seminar.ends_at > now).order_by(Seminar.starts_at)).all()
    past = db.paginate(visible.where(Seminar.ends_at <= now).order_by(Seminar.starts_at.desc()),
                       page=page, per_page=PAST_PER_PAGE, error_out=False)
    ids = [s.id for s in upcoming] + [s.id for s in past.items]
    own = {row.seminar_id: row for row in db.session.scalars(select(Registration).where(
        Registration.user_id == actor.id, Registration.seminar_id.in_(ids)))} if ids else {}
    return Schedule(upcoming=upcoming, past=past, counts=registration.place_counts(ids), own=own, now=now)


@dataclass
class SeminarPage:
    """One seminar for one viewer: places, their registration, what they may do, the participants."""

    seminar: Seminar
    registered: int
    waiting: int
    own: Registration | None
    queue_position: int | None
    refusal: str | None
    materials: list
    can_manage: bool
    has_started: bool
    participants: list = field(default_factory=list)

    @property
    def places_left(self):
        """Free places (never negative)."""
        return max(self.seminar.capacity - self.registered, 0)

    @property
    def audience_labels(self):
        """Who may register, in words (empty: everyone)."""
        return registration.audience_labels(self.seminar)

    @property
    def can_withdraw(self):
        """Whether the viewer holds a place or waits and may still cancel."""
        return self.own is not None and self.own.status != c.WITHDRAWN and not self.has_started


def _queue_position(row):
    if row is None or row.status != c.WAITLISTED:
        return None
    return db.session.scalar(select(func.count(Registration.id)).where(
        Registration.seminar_id == row.seminar_id, Registration.status == c.WAITLISTED,
        (Registration.queued_at < row.queued_at)
        | ((Registration.queued_at == row.queued_at) & (Registration.id <= row.id))))


def participants(seminar):
    """Every registration with person and organization: registered, waiting in order, withdrawn."""
    order = {c.REGISTERED: 0, c.WAITLISTED: 1, c.WITHDRAWN: 2}
    rows = db.session.scalars(
        select(Registration).where(Registration.seminar_id == seminar.id)
        .options(joinedload(Registration.user).joinedload(User.person), joinedload(Registration.organization))
    ).all()
    return sorted(rows, key=lambda r: (order.get(r.status, 3), r.queued_at, r.id))


def seminar_page(actor, seminar_id, now=None):
    """What the seminar page shows to the actor."""
    now = now or utcnow()
    seminar = db.session.scalar(select(Seminar).where(Seminar.id == seminar_id)
                                .options(selectinload(Seminar.materials)))
    if seminar is None or not permissions.can_view_seminar(actor, seminar):
        raise NotFound()
    registered, waiting = registration.place_counts([seminar.id])[seminar.id]
    own = registration.own_registration(actor, seminar.id)
    can_manage = permissions.can_manage_seminars(actor)
    return SeminarPage(
        seminar=seminar, registered=registered, waiting=waiting, own=own, queue_position=_queue_position(own),
        refusal=registration.refusal(actor, seminar, now), can_manage=can_manage,
        has_started=now >= seminar.starts_at,
        materials=[a for a in seminar.materials if permissions.can_read_article(actor, a)],
        participants=participants(seminar) if can_manage else [],
    )


def participants_table(actor, seminar_id):
    """(seminar, header, rows) of the participant list for a download; the download is audited."""
    require_manager(actor)
    seminar = seminar_for(actor, seminar_id)
    header = [_("Participant"), _("E-mail"), _("Organization"), _("Status"), _("Registered (Moscow time)"),
              _("Attendance")]
    rows = [[row.user.full_name, row.user.email, row.organization.display_name if row.organization else "",
             str(row.status_label), utc_to_moscow(row.registered_at), str(row.attendance_label)]
            for row in participants(seminar)]
    audit.record("training.participants_exported", actor=actor, target=seminar, rows=len(rows))
    db.session.commit()
    return seminar, header, rows
