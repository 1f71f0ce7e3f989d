"""Quarantine review pages: mail that did not become a ticket, for agents to accept or discard."""

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length

from app.errors import Conflict, ValidationFailed
from app.formtools import attach_errors
from app.urls import page_number
from tickets import constants as c
from tickets import quarantine
from tickets.mail_in import reason_label

bp = Blueprint("ticket_mail", __name__, url_prefix="/tickets/quarantine", template_folder="templates")


class AcceptForm(FlaskForm):
    """Create a ticket from the message on behalf of an existing user."""

    email = EmailField(_l("E-mail of the user the ticket is filed for"), validators=[
        DataRequired(_l("This field is required.")),
        Email(_l("Enter an e-mail address like name@school.ru.")),
        Length(max=254),
    ])
    queue = SelectField(_l("Hotline"), choices=[SelectChoice(key, c.QUEUE_LABELS[key]) for key in c.QUEUES],
                        validate_choice=True, invalid_value_message=_l("Choose a hotline from the list."))


class DiscardForm(FlaskForm):
    """Discard the message (only the CSRF token)."""


@bp.before_request
@login_required
def require_login():
    """Quarantine review is for signed-in agents."""


@bp.route("/")
def index():
    """Quarantined mail, newest first, filtered by review status."""
    status = request.args.get("status", quarantine.NEW)
    page = quarantine.quarantine_page(current_user, status, page_number())
    return render_template("tickets/quarantine.html", page=page, status=status,
                           statuses=quarantine.STATUS_LABELS, reason_label=reason_label)


def _render_show(mail_id, accept_form=None, status=200):
    view = quarantine.quarantined_mail(current_user, mail_id)
    if accept_form is None:
        accept_form = AcceptForm(email=view.mail.sender, queue=view.suggested_queue)
    return render_template("tickets/quarantine_detail.html", view=view, accept_form=accept_form,
                           discard_form=DiscardForm(), statuses=quarantine.STATUS_LABELS,
                           reason_label=reason_label), status


@bp.route("/<int:mail_id>")
def show(mail_id):
    """One message: sender, subject, reason, decoded text, attachments and the review actions."""
    return _render_show(mail_id)


@bp.route("/<int:mail_id>/original.eml")
def original(mail_id):
    """The message exactly as received, as a download."""
    filename, raw = quarantine.original_message(current_user, mail_id)
    return Response(raw, mimetype="message/rfc822",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/<int:mail_id>/ticket", methods=["POST"])
def accept(mail_id):
    """Create a ticket from the message for the chosen user and hotline."""
    form = AcceptForm()
    if form.validate_on_submit():
        try:
            ticket = quarantine.accept_quarantined(current_user, mail_id, form.email.data, form.queue.data)
        except ValidationFailed as error:
            attach_errors(form, error)
        except Conflict as error:
            flash(error.message, "warning")
            return redirect(url_for("ticket_mail.show", mail_id=mail_id))
        else:
            flash(_("Ticket %(reference)s has been created from the message.", reference=ticket.reference),
                  "success")
            return redirect(url_for("tickets.show", ticket_id=ticket.id))
    return _render_show(mail_id, accept_form=form, status=400)


@bp.route("/<int:mail_id>/discard", methods=["POST"])
def discard(mail_id):
    """Mark the message as not needed."""
    if DiscardForm().validate_on_submit():
        try:
            quarantine.discard_quarantined(current_user, mail_id)
        except Conflict as error:
            flash(error.message, "warning")
            return redirect(url_for("ticket_mail.show", mail_id=mail_id))
        flash(_("The message has been discarded."), "success")
    return redirect(url_for("ticket_mail.index"))
