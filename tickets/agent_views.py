"""Agent tools: ticket operations posted from the agent panel, canned replies and queue settings."""

from types import SimpleNamespace

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth import permissions
from app.errors import Conflict, ValidationFailed
from app.formtools import attach_errors, form_status
from app.urls import page_number
from tickets import constants as c
from tickets import operations, queue_tools
from tickets.agent_forms import (
    AssignForm,
    CannedReplyForm,
    CategoryForm,
    ConfirmForm,
    PriorityForm,
    QueueSettingsForm,
    ReferenceForm,
    TicketActionForm,
    TransferForm,
    WatcherForm,
)

bp = Blueprint("ticket_agent", __name__, url_prefix="/tickets", template_folder="templates")


@bp.before_request
@login_required
def require_login():
    """Every agent tool is for signed-in users."""


def _ticket_url(ticket_id):
    # The ticket page is /tickets/<id> (the DESIGN contract), served by the tickets blueprint.
    return url_for("tickets.index") + str(ticket_id)


def _run(ticket_id, form, operation, done, destination=None):
    """Validate the posted form and run the operation; on a refusal show why, keeping what was typed.

    `operation(form)` calls the service; `done(result)` returns the message flashed on success;
    `destination(result)` the page to go to afterwards (the ticket by default).
    """
    ticket = operations.ticket_for_agent(current_user, ticket_id)  # 404/403 before any form talk
    if not form.validate_on_submit():
        return _refused(ticket, form, None, 400)
    try:
        result = operation(form)
    except ValidationFailed as error:
        attach_errors(form, error)
        return _refused(ticket, form, error.message, 422)
    except Conflict as error:
        return _refused(ticket, form, error.message, 409)
    flash(done(result), "success")
    return redirect(destination(result) if destination else _ticket_url(ticket_id))


def _refused(ticket, form, message, status):
    if isinstance(form, (AssignForm, CategoryForm, TransferForm)):
        _set_choices(form, operations.agent_panel(current_user, ticket))
    return render_template("tickets/agent_action.html", ticket=ticket, form=form, message=message,
                           conflict=status == 409, ticket_url=_ticket_url(ticket.id)), status


def _version(form):
    return form.version.data


@bp.route("/<int:ticket_id>/take", methods=["POST"])
def take(ticket_id):
    """Assign the ticket to me."""
    return _run(ticket_id, TicketActionForm(),
                lambda f: operations.take(current_user, ticket_id, _version(f)),
                lambda t: _("You now handle %(reference)s.", reference=t.reference))


@bp.route("/<int:ticket_id>/assign", methods=["POST"])
def assign(ticket_id):
    """Assign the ticket to an agent of the queue, or to nobody."""
    return _run(ticket_id, AssignForm(),
                lambda f: operations.assign(current_user, ticket_id, f.assignee_id.data, _version(f)),
                lambda t: _("The assignee has been saved."))


@bp.route("/<int:ticket_id>/priority", methods=["POST"])
def priority(ticket_id):
    """Change the priority (and with it the deadlines)."""
    return _run(ticket_id, PriorityForm(),
                lambda f: operations.change_priority(current_user, ticket_id, f.priority.data, _version(f)),
                lambda t: _("The priority is now «%(priority)s».", priority=t.priority_label))


@bp.route("/<int:ticket_id>/category", methods=["POST"])
def category(ticket_id):
    """Change the category."""
    return _run(ticket_id, CategoryForm(),
                lambda f: operations.change_category(current_user, ticket_id, f.category_id.data,
                                                     _version(f)),
                lambda t: _("The category has been saved."))


@bp.route("/<int:ticket_id>/watchers", methods=["POST"])
def add_watcher(ticket_id):
    """Add a watcher by e-mail."""
    return _run(ticket_id, WatcherForm(),
                lambda f: operations.add_watcher(current_user, ticket_id, f.email.data, _version(f)),
                lambda u: _("%(email)s now follows the ticket.", email=u.email))


@bp.route("/<int:ticket_id>/watchers/<int:user_id>/remove", methods=["POST"])
def remove_watcher(ticket_id, user_id):
    """Remove a watcher."""
    return _run(ticket_id, TicketActionForm(),
                lambda f: operations.remove_watcher(current_user, ticket_id, user_id, _version(f)),
                lambda u: _("%(email)s no longer follows the ticket.", email=u.email))


@bp.route("/<int:ticket_id>/transfer", methods=["POST"])
def transfer(ticket_id):
    """Transfer the ticket to the other hotline; the agent may no longer see it afterwards."""
    return _run(ticket_id, TransferForm(),
                lambda f: operations.transfer(current_user, ticket_id, f.queue_key.data, f.reason.data,
                                              _version(f)),
                lambda t: _("The ticket has been transferred to the %(queue)s as %(reference)s.",
                            queue=t.queue.label, reference=t.reference),
                lambda t: _ticket_url(t.id) if permissions.can_view_ticket(current_user, t)
                else url_for("tickets.index"))


@bp.route("/<int:ticket_id>/merge", methods=["POST"])
def merge(ticket_id):
    """Merge this duplicate into another ticket."""
    return _run(ticket_id, ReferenceForm(),
                lambda f: operations.merge(current_user, ticket_id, f.reference.data, _version(f)),
                lambda t: _("The ticket has been merged into %(reference)s.", reference=t.reference))


@bp.route("/<int:ticket_id>/links", methods=["POST"])
def link(ticket_id):
    """Link a related ticket."""
    return _run(ticket_id, ReferenceForm(),
                lambda f: operations.link(current_user, ticket_id, f.reference.data, _version(f)),
                lambda t: _("%(reference)s is now linked.", reference=t.reference))


@bp.route("/<int:ticket_id>/links/<int:other_id>/remove", methods=["POST"])
def unlink(ticket_id, other_id):
    """Remove a link between two tickets."""
    return _run(ticket_id, TicketActionForm(),
                lambda f: operations.unlink(current_user, ticket_id, other_id, _version(f)),
                lambda t: _("%(reference)s is no longer linked.", reference=t.reference))


# --- canned replies -----------------------------------------------------------------------


@bp.route("/queues/<key>/canned-replies")
def canned_replies(key):
    """The queue's canned replies."""
    queue, page = queue_tools.canned_replies_page(current_user, key, page_number())
    return render_template("tickets/canned_replies.html", queue=queue, page=page, delete_form=ConfirmForm())


@bp.route("/queues/<key>/canned-replies/new", methods=["GET", "POST"])
def new_canned_reply(key):
    """Write a new canned reply."""
    queue = queue_tools.new_canned_reply_queue(current_user, key)
    form = CannedReplyForm()
    if form.validate_on_submit():
        try:
            reply = queue_tools.create_canned_reply(current_user, key, form.title.data, form.body.data)
        except ValidationFailed as error:
            attach_errors(form, error)
        else:
            flash(_("The canned reply «%(title)s» has been added.", title=reply.title), "success")
            return redirect(url_for(".canned_replies", key=key))
    return render_template("tickets/canned_reply_form.html", form=form, queue=queue,
                           reply=None), form_status(form)


@bp.route("/canned-replies/<int:reply_id>/edit", methods=["GET", "POST"])
def edit_canned_reply(reply_id):
    """Change a canned reply."""
    reply, queue = queue_tools.canned_reply_for_edit(current_user, reply_id)
    form = CannedReplyForm(obj=reply)
    if form.validate_on_submit():
        try:
            queue_tools.update_canned_reply(current_user, reply_id, form.title.data, form.body.data)
        except ValidationFailed as error:
            attach_errors(form, error)
        else:
            flash(_("The canned reply has been saved."), "success")
            return redirect(url_for(".canned_replies", key=queue.key))
    return render_template("tickets/canned_reply_form.html", form=form, queue=queue,
                           reply=reply), form_status(form)


@bp.route("/canned-replies/<int:reply_id>/delete", methods=["POST"])
def delete_canned_reply(reply_id):
    """Delete a canned reply."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    key = queue_tools.delete_canned_reply(current_user, reply_id)
    flash(_("The canned reply has been deleted."), "success")
    return redirect(url_for(".canned_replies", key=key))


# --- queue settings -----------------------------------------------------------------------


def _settings_form(settings):
    queue = settings.queue
    data = {"is_auto_assign": queue.is_auto_assign, "inbound_address": queue.inbound_address,
            "lead_id": queue.lead_id or 0}
    for priority, (first, resolution) in settings.sla.items():
        data[f"first_{priority}"], data[f"resolution_{priority}"] = first, resolution
    form = QueueSettingsForm(data=data)
    form.lead_id.choices = [(0, _("— nobody —"))] + [(a.id, f"{a.full_name} ({a.email})")
                                                      for a in settings.agents]
    return form


@bp.route("/queues/<key>/settings", methods=["GET", "POST"])
def queue_settings(key):
    """A queue's SLA, round-robin assignment, inbound address and lead (the administrator edits)."""
    settings = queue_tools.queue_settings(current_user, key)
    form = _settings_form(settings)
    if request.method == "POST" and not settings.can_edit:
        abort(403)
    if form.validate_on_submit():
        try:
            queue_tools.update_queue_settings(current_user, key, form.sla_hours(), form.is_auto_assign.data,
                                              form.inbound_address.data, form.lead_id.data)
        except ValidationFailed as error:
            attach_errors(form, error)
        else:
            flash(_("The settings of the %(queue)s have been saved.", queue=settings.queue.label), "success")
            return redirect(url_for(".queue_settings", key=key))
    return render_template("tickets/queue_settings.html", settings=settings, form=form), form_status(form)


# --- the panel on the ticket page ---------------------------------------------------------


def _assignee_choices(data):
    return [(0, _("— nobody —"))] + [(a.id, a.full_name) for a in data.agents]


def _category_choices(data):
    return [(0, _("— none —"))] + [(x.id, x.name) for x in data.categories]


def _queue_choices(data):
    return [(q.key, q.label) for q in data.other_queues]


def _set_choices(form, data):
    """Fill the choices that depend on the ticket's queue."""
    if isinstance(form, AssignForm):
        form.assignee_id.choices = _assignee_choices(data)
    elif isinstance(form, CategoryForm):
        form.category_id.choices = _category_choices(data)
    elif isinstance(form, TransferForm):
        form.queue_key.choices = _queue_choices(data)


def _panel(ticket):
    """What tickets/_agent_panel.html needs for this ticket, or None for non-agents.

    The panel's forms are written out in the template from these choices (rendering seven WTForms
    forms was half the ticket page); the posted forms are still the WTForms classes of agent_forms,
    and a test checks that the panel's fields read as those classes render them.
    """
    data = operations.agent_panel(current_user, ticket)
    if data is None:
        return None
    return SimpleNamespace(
        data=data, version=ticket.version, is_mine=ticket.assignee_id == current_user.id,
        assignees=(_assignee_choices(data), ticket.assignee_id or 0),
        priorities=([(p, str(c.PRIORITY_LABELS[p])) for p in c.PRIORITIES], ticket.priority),
        categories=(_category_choices(data), ticket.category_id or 0),
        queues=_queue_choices(data),
    )


@bp.app_context_processor
def agent_panel_helper():
    """`agent_panel(ticket)` for the include on the ticket page."""
    return {"agent_panel": _panel}
