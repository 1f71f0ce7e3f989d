"""Hotline pages: the ticket list, filing a ticket, the ticket page with its forms, downloads."""

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from app.auth import permissions
from app.errors import ServiceError, ValidationFailed
from app.formtools import form_status
from app.markup import render_markdown
from app.uploads import UploadedFile
from app.urls import page_number
from tickets import constants as c
from tickets import feedback, kb_links, list_cache, listing, page_cache, queries, search_provider, services
from tickets.forms import DraftGuideForm, RatingForm, ReplyForm, StatusForm, TicketForm

bp = Blueprint("tickets", __name__, url_prefix="/tickets", template_folder="templates",
               static_folder="static")
search_provider.register()


@bp.before_request
@login_required
def require_login():
    """Every hotline page is for signed-in users."""


def _uploads(name):
    """The uploaded files of a multiple file input, as the services take them."""
    return [UploadedFile(f.filename or "", f.read()) for f in request.files.getlist(name) if f and f.filename]


def _show_errors(form, error):
    """Put a service's messages next to the form's fields; the rest goes to a flash message."""
    shown = False
    for name, messages in error.field_errors.items():
        field = getattr(form, name, None)
        if field is not None:
            # Attachment checks name the field without a per-field text: use the main message.
            field.errors = list(messages) or [error.message]
            shown = True
    if error.message and not shown:
        flash(error.message, "danger")


@bp.route("/")
def index():
    """The tickets the user may see, newest activity first, with filters as query parameters."""
    page, args, user = page_number(), request.args.to_dict(), current_user._get_current_object()

    def render():
        found = listing.list_tickets(user, args, page)
        return render_template("tickets/_list_body.html", listing=found, c=c,
                               agent_queues=permissions.agent_queue_keys(user))

    return render_template("tickets/index.html", body=Markup(list_cache.list_body(user, args, page, render)))


@bp.route("/new", methods=["GET", "POST"])
def create():
    """File a ticket to the technical or the methodological hotline."""
    form = TicketForm()
    form.set_choices(queries.filing_categories(), permissions.is_agent(current_user))
    # «Ask the hotline» from a guide: /tickets/new?article=<slug> (an unknown slug is ignored).
    guide = kb_links.article_for_question(current_user, form.article.data or request.args.get("article"))
    if guide is not None and not form.is_submitted():
        form.article.data = guide.slug
        form.subject.data = form.subject.data or kb_links.question_subject(guide)
    if form.validate_on_submit():
        try:
            ticket = kb_links.file_ticket_with_guides(
                current_user, form.queue.data, form.subject.data, form.body.data,
                seen=form.seen_articles.data, article=form.article.data,
                category_id=form.category_id.data or None, priority=form.priority.data,
                files=_uploads("files"),
            )
        except ValidationFailed as error:
            _show_errors(form, error)
        else:
            flash(_("Ticket %(reference)s has been filed. We will answer here and by e-mail.",
                    reference=ticket.reference), "success")
            return redirect(url_for("tickets.show", ticket_id=ticket.id))
    return render_template("tickets/new.html", form=form, guide=guide, c=c), form_status(form)


def _html(page):
    """The ticket's text and its shown messages as HTML: {None: the ticket, message id: the message}."""
    return {None: render_markdown(page.ticket.body), **{m.id: render_markdown(m.body) for m in page.messages}}


def _render_content(page, alert=None, reply=None, change=None, rating=None):
    """The ticket page's content; a form passed in keeps what the user typed."""
    ticket = page.ticket
    if reply is None:
        reply = ReplyForm(formdata=None)
    if change is None:
        change = StatusForm(formdata=None)
    if rating is None and page.can_rate:  # the forms a page does not show are not made
        rating = RatingForm(formdata=None, rating=ticket.rating, comment=ticket.rating_comment)
    # After a conflict the page shows the current ticket: the next submit is checked against it.
    for form in (reply, change):
        form.version.data, form.version.raw_data = ticket.version, None  # raw_data would win when shown
    change.offer(page.next_statuses)
    guides = kb_links.ticket_guides(current_user, ticket, page.messages)
    draft = DraftGuideForm(formdata=None) if guides.draftable else None
    return render_template("tickets/_show_content.html", page=page, ticket=ticket, html=_html(page),
                           reply_form=reply, status_form=change, rating_form=rating, alert=alert, c=c,
                           guides=guides, draft_form=draft)


def _render_show(page, status=200, alert=None, **forms):
    """The ticket page with the forms passed in, as the user filled them."""
    content = Markup(_render_content(page, alert, **forms))
    return render_template("tickets/show.html", ticket=page.ticket, content=content), status


def _refused(page, form, error, **forms):
    """Re-render after a service refused: field errors with 400, a conflict with 409, text kept."""
    if isinstance(error, ValidationFailed):
        _show_errors(form, error)
        return _render_show(page, 400, **forms)
    message = error.message or _("This action is not available for the ticket any more. Reload the page.")
    return _render_show(page, error.status_code, message, **forms)


@bp.route("/<int:ticket_id>")
def show(ticket_id):
    """A ticket: details, SLA, conversation, files, history and the forms the user may use."""
    user = current_user._get_current_object()
    ticket = services.get_ticket(user, ticket_id)  # before the cache: a reader who may not see it gets 404
    content = page_cache.page_content(
        user, ticket, lambda: _render_content(queries.ticket_page(user, ticket_id)))
    return render_template("tickets/show.html", ticket=ticket, content=Markup(content))


@bp.route("/<int:ticket_id>/reply", methods=["POST"])
def reply(ticket_id):
    """Add a reply, or an agent's internal note."""
    page, form = queries.ticket_page(current_user, ticket_id), ReplyForm()
    if not form.validate_on_submit():
        return _render_show(page, 400, reply=form)
    try:
        services.add_message(current_user, page.ticket, form.body.data, is_internal=form.is_internal.data,
                             files=_uploads("files"), expected_version=form.version.data)
    except ServiceError as error:
        return _refused(page, form, error, reply=form)
    done = _("The note has been added.") if form.is_internal.data else _("The reply has been sent.")
    flash(done, "success")
    return redirect(url_for("tickets.show", ticket_id=ticket_id, _anchor="conversation"))


@bp.route("/<int:ticket_id>/status", methods=["POST"])
def change_status(ticket_id):
    """An agent moves the ticket to another status."""
    page, form = queries.ticket_page(current_user, ticket_id), StatusForm()
    if not form.validate_on_submit():
        return _render_show(page, 400, change=form)
    try:
        services.change_status(current_user, page.ticket, form.status.data,
                               expected_version=form.version.data, note=(form.note.data or "").strip())
    except ServiceError as error:
        return _refused(page, form, error, change=form)
    flash(_("The status is now «%(status)s».", status=page.ticket.status_label), "success")
    return redirect(url_for("tickets.show", ticket_id=ticket_id))


@bp.route("/<int:ticket_id>/rating", methods=["POST"])
def rate(ticket_id):
    """The requester rates the answer."""
    page, form = queries.ticket_page(current_user, ticket_id), RatingForm()
    if not form.validate_on_submit():
        return _render_show(page, 400, rating=form)
    try:
        feedback.rate_ticket(current_user, page.ticket, form.rating.data, form.comment.data)
    except ServiceError as error:
        return _refused(page, form, error, rating=form)
    flash(_("Thank you for the rating."), "success")
    return redirect(url_for("tickets.show", ticket_id=ticket_id))


@bp.route("/<int:ticket_id>/messages/<int:message_id>/guide", methods=["POST"])
def draft_guide(ticket_id, message_id):
    """A methodologist makes a draft guide of the question and this answer, then edits it."""
    if not DraftGuideForm().validate_on_submit():
        abort(400)
    article = kb_links.draft_from_answer(current_user, ticket_id, message_id)
    flash(_("The draft «%(title)s» has been made from the answer: edit it and send it for review.",
            title=article.title), "success")
    return redirect(url_for("kb.edit", slug=article.slug))


@bp.route("/<int:ticket_id>/attachments/<int:attachment_id>")
def download(ticket_id, attachment_id):
    """A permission-checked download; always as a file, never shown inline."""
    attachment, path = queries.attachment_for_download(current_user, ticket_id, attachment_id)
    response = send_file(path, as_attachment=True, download_name=attachment.filename,
                         mimetype=attachment.content_type, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response
