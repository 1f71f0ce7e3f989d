"""Queue-level tools of the hotline: canned replies and the queue's settings (SLA, assignment, lead)."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.audit import services as audit
from app.auth import permissions
from app.directory.services import is_valid_email
from app.errors import NotFound, PermissionDenied, ValidationFailed
from app.extensions import db
from tickets import constants as c
from tickets import services
from tickets.models import CannedReply, SlaPolicy, TicketQueue

TITLE_MAX = 120
BODY_MAX = 10000
MAX_SLA_HOURS = 24 * 365


# --- canned replies -----------------------------------------------------------------------


def _canned_queue(actor, queue_key):
    queue = services.queue_by_key(queue_key)
    if not permissions.can_manage_canned_replies(actor, queue.key):
        raise PermissionDenied()
    return queue


def canned_replies_page(actor, queue_key, page, per_page=25):
    """The queue and a page of its canned replies, by title."""
    queue = _canned_queue(actor, queue_key)
    query = select(CannedReply).where(CannedReply.queue_id == queue.id).order_by(CannedReply.title,
                                                                                  CannedReply.id)
    return queue, db.paginate(query, page=page, per_page=per_page, error_out=False)


def new_canned_reply_queue(actor, queue_key):
    """The queue a new canned reply is written for (if the actor keeps its replies)."""
    return _canned_queue(actor, queue_key)


def canned_reply_for_edit(actor, reply_id):
    """A canned reply of a queue the actor works; NotFound for the rest."""
    reply = db.session.get(CannedReply, reply_id)
    queue = db.session.get(TicketQueue, reply.queue_id) if reply is not None else None
    if reply is None or not permissions.can_manage_canned_replies(actor, queue.key):
        raise NotFound()
    return reply, queue


def _validate_canned(title, body):
    title, body = (title or "").strip(), (body or "").strip()
    errors = {}
    if not title:
        errors["title"] = [_("Give the reply a short title agents will recognize.")]
    elif len(title) > TITLE_MAX:
        errors["title"] = [_("Shorten the title to %(n)d characters.", n=TITLE_MAX)]
    if not body:
        errors["body"] = [_("Write the text of the reply.")]
    elif len(body) > BODY_MAX:
        errors["body"] = [_("Shorten the text to %(n)d characters.", n=BODY_MAX)]
    if errors:
        raise ValidationFailed(_("Please correct the fields marked below."), errors)
    return title, body


def create_canned_reply(actor, queue_key, title, body):
    """Add a canned reply to the queue."""
    queue = _canned_queue(actor, queue_key)
    title, body = _validate_canned(title, body)
    reply = CannedReply(queue_id=queue.id, title=title, body=body)
    db.session.add(reply)
    _settings_changed(queue)
    db.session.commit()
    return reply


def update_canned_reply(actor, reply_id, title, body):
    """Change a canned reply's title and text."""
    reply, queue = canned_reply_for_edit(actor, reply_id)
    reply.title, reply.body = _validate_canned(title, body)
    _settings_changed(queue)
    db.session.commit()
    return reply


def delete_canned_reply(actor, reply_id):
    """Remove a canned reply; return the key of its queue."""
    reply, queue = canned_reply_for_edit(actor, reply_id)
    db.session.delete(reply)
    _settings_changed(queue)
    db.session.commit()
    return queue.key


def _settings_changed(queue):
    """Mark the queue's canned replies or settings changed: kept ticket pages are rendered again."""
    queue.settings_version = TicketQueue.settings_version + 1


# --- queue settings -----------------------------------------------------------------------


@dataclass
class QueueSettings:
    """A queue's settings as the settings page shows them."""

    queue: TicketQueue
    sla: dict  # priority → (first response hours, resolution hours)
    agents: list
    can_edit: bool


def queue_settings(actor, queue_key):
    """The settings of a queue, for its agents and the administrator."""
    queue = services.queue_by_key(queue_key)
    if not permissions.can_view_queue_settings(actor, queue.key):
        raise PermissionDenied()
    policies = {p.priority: (p.first_response_hours, p.resolution_hours) for p in queue.sla_policies}
    sla = {priority: policies.get(priority, c.DEFAULT_SLA_HOURS[priority]) for priority in c.PRIORITIES}
    return QueueSettings(queue=queue, sla=sla, agents=list(services.queue_agents(queue)),
                         can_edit=permissions.can_manage_queue_settings(actor, queue.key))


def _hours(value, name, errors):
    try:
        hours = int(str(value).strip())
    except (TypeError, ValueError):
        hours = 0
    if not 1 <= hours <= MAX_SLA_HOURS:
        errors[name] = [_("Enter a whole number of hours from 1 to %(max)d.", max=MAX_SLA_HOURS)]
    return hours


def _validate_sla(sla_hours, errors):
    """{priority: (first, resolution)} from raw values, filling errors keyed first_<p>, resolution_<p>."""
    cleaned = {}
    for priority in c.PRIORITIES:
        first_raw, resolution_raw = sla_hours.get(priority, (None, None))
        first = _hours(first_raw, f"first_{priority}", errors)
        resolution = _hours(resolution_raw, f"resolution_{priority}", errors)
        if f"resolution_{priority}" not in errors and first > resolution:
            errors[f"resolution_{priority}"] = [_("The resolution deadline cannot come before the first "
                                                  "response deadline.")]
        cleaned[priority] = (first, resolution)
    return cleaned


def _validate_address(queue, address, errors):
    address = (address or "").strip()
    if address and (len(address) > 254 or not is_valid_email(address)):
        errors["inbound_address"] = [_("Enter an e-mail address like hotline@rcoi.ru, or leave it empty.")]
    elif address and db.session.scalar(select(TicketQueue.id).where(
            func.lower(TicketQueue.inbound_address) == address.lower(), TicketQueue.id != queue.id)):
        errors["inbound_address"] = [_("The other hotline already receives mail at this address.")]
    return address


def update_queue_settings(actor, queue_key, sla_hours, is_auto_assign, inbound_address, lead_id):
    """Administrator: change a queue's SLA hours, round-robin assignment, inbound address and lead."""
    queue = services.queue_by_key(queue_key)
    if not permissions.can_manage_queue_settings(actor, queue.key):
        raise PermissionDenied()
    errors = {}
    sla = _validate_sla(sla_hours, errors)
    address = _validate_address(queue, inbound_address, errors)
    agents = {agent.id: agent for agent in services.queue_agents(queue)}
    if lead_id and lead_id not in agents:
        errors["lead_id"] = [_("Choose the lead among the agents of this hotline.")]
    if errors:
        raise ValidationFailed(_("Please correct the fields marked below."), errors)
    changes = _apply_sla(queue, sla)
    changes.update(_apply_fields(queue, bool(is_auto_assign), address, agents.get(lead_id)))
    if changes:
        audit.record("tickets.queue_settings_updated", actor=actor, target=queue, changes=changes)
        _settings_changed(queue)
        db.session.commit()
    return changes


def _apply_fields(queue, is_auto_assign, address, lead):
    """Set round-robin, the inbound address and the lead; return {name: [old, new]} of the changed."""
    changes = {}
    if queue.is_auto_assign != is_auto_assign:
        changes["is_auto_assign"] = [queue.is_auto_assign, is_auto_assign]
        queue.is_auto_assign = is_auto_assign
    if queue.inbound_address != address:
        changes["inbound_address"] = [queue.inbound_address, address]
        queue.inbound_address = address
    if queue.lead_id != (lead.id if lead else None):
        changes["lead"] = [queue.lead.email if queue.lead else "", lead.email if lead else ""]
        queue.lead = lead
    return changes


def _apply_sla(queue, sla):
    """Write the SLA hours into the queue's policies; return {priority: [old, new]} of the changed."""
    policies = {p.priority: p for p in queue.sla_policies}
    changes = {}
    for priority, (first, resolution) in sla.items():
        policy = policies.get(priority)
        if policy is None:
            policy = SlaPolicy(priority=priority, first_response_hours=0, resolution_hours=0)
            queue.sla_policies.append(policy)
        old = [policy.first_response_hours, policy.resolution_hours]
        if old != [first, resolution]:
            changes[f"sla_{priority}"] = [old, [first, resolution]]
            policy.first_response_hours, policy.resolution_hours = first, resolution
    return changes
