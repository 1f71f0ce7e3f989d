"""Knowledge base pages for authors: the editor with preview, workflow, history, diff, restore,
the list of all guides, and the category and tag management of methodologists.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth import permissions
from app.errors import Conflict, ValidationFailed
from app.formtools import attach_errors, form_status
from app.uploads import UploadedFile
from app.urls import page_number
from knowledge_base import categories, diff, files, reading, services
from knowledge_base import constants as c
from knowledge_base.forms import ArticleForm, ConfirmForm, PreviewForm, StatusForm
from knowledge_base.views import bp, render_article


def _uploads(name):
    """The uploaded files of a multiple file input, as the services take them."""
    return [UploadedFile(f.filename or "", f.read()) for f in request.files.getlist(name) if f and f.filename]


def _show_errors(form, error):
    """Field errors next to the fields (upload checks name the field without text: use the message)."""
    attach_errors(form, ValidationFailed(error.message, {
        name: list(messages) or [error.message] for name, messages in error.field_errors.items()}))


def _article_form(**kwargs):
    form = ArticleForm(**kwargs)
    form.set_categories(categories.category_choices(_("— no category —")))
    return form


def _editor(form, article, status=200, preview=None):
    return render_template("knowledge_base/form.html", form=form, article=article, preview=preview), status


def _wants_preview(form):
    """The no-script preview: the form was sent with its «Preview» button."""
    return request.method == "POST" and request.form.get("action") == "preview"


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Write a new guide (it starts as a draft)."""
    services.require_author(current_user)
    form = _article_form()
    if _wants_preview(form):
        return _editor(form, None, preview=services.preview(current_user, form.body.data))
    if form.validate_on_submit():
        try:
            article = services.create_article(current_user, form.data_for_service(), form.comment.data,
                                              files=_uploads("files"))
        except ValidationFailed as error:
            _show_errors(form, error)
        else:
            flash(_("The draft «%(title)s» has been saved.", title=article.title), "success")
            return redirect(url_for("kb.article", slug=article.slug))
    return _editor(form, None, form_status(form))


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug):
    """Edit a guide: every save becomes a new revision."""
    article = services.editable_article(current_user, slug)
    form = _article_form(obj=article)
    if request.method == "GET":
        form.tags.data = ", ".join(tag.name for tag in article.tags)
        form.category_id.data = article.category_id or 0
        form.revision.data = article.revision_count
    if _wants_preview(form):
        return _editor(form, article, preview=services.preview(current_user, form.body.data))
    if form.validate_on_submit():
        try:
            services.save_article(current_user, article.id, form.data_for_service(), form.comment.data,
                                  files=_uploads("files"), expected_revision=form.revision.data)
        except ValidationFailed as error:
            _show_errors(form, error)
        except Conflict as error:
            flash(error.message, "danger")
            return _editor(form, article, 409)
        else:
            flash(_("The guide has been saved."), "success")
            return redirect(url_for("kb.article", slug=article.slug))
    return _editor(form, article, form_status(form))


@bp.route("/preview", methods=["POST"])
@login_required
def preview():
    """The body rendered as readers will see it (sanitized HTML), for the editor's preview button."""
    form = PreviewForm()
    if not form.validate_on_submit():
        return _("The text could not be previewed. Reload the page and try again."), 400
    return str(services.preview(current_user, form.body.data))


@bp.route("/<slug>/status", methods=["POST"])
@login_required
def change_status(slug):
    """A workflow button: submit to review, publish, archive, back to draft."""
    article = services.article_by_slug(current_user, slug)
    form = StatusForm()
    if not form.validate_on_submit():
        flash(_("Choose the status with one of the buttons on the page."), "danger")
        return render_article(slug, status=400)
    services.change_status(current_user, article.id, form.status.data)
    flash(_("The guide is now «%(status)s».", status=c.STATUS_LABELS[form.status.data]), "success")
    return redirect(url_for("kb.article", slug=slug))


@bp.route("/<slug>/history")
@login_required
def history(slug):
    """The revisions of a guide, with radio buttons to compare two of them."""
    article, revisions = services.history(current_user, slug, page_number())
    return render_template("knowledge_base/history.html", article=article, revisions=revisions,
                           can_restore=permissions.can_publish_articles(current_user))


@bp.route("/<slug>/diff")
@login_required
def compare(slug):
    """What changed between two revisions (?from=N&to=M)."""
    old, new = request.args.get("from", type=int), request.args.get("to", type=int)
    if not old or not new:
        flash(_("Choose two revisions to compare."), "warning")
        return redirect(url_for("kb.history", slug=slug))
    changes = diff.compare(current_user, slug, min(old, new), max(old, new))
    return render_template("knowledge_base/diff.html", changes=changes)


@bp.route("/<slug>/revisions/<id:number>")
@login_required
def revision(slug, number):
    """An old revision as it read then."""
    article, old = services.old_revision(current_user, slug, number)
    return render_template("knowledge_base/revision.html", article=article, revision=old,
                           can_restore=permissions.can_publish_articles(current_user), form=ConfirmForm())


@bp.route("/<slug>/revisions/<id:number>/restore", methods=["POST"])
@login_required
def restore(slug, number):
    """Make the old revision the current text again (as a new revision)."""
    article = services.article_by_slug(current_user, slug)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.restore_revision(current_user, article.id, number)
    flash(_("Revision %(n)d has been restored as a new revision.", n=number), "success")
    return redirect(url_for("kb.article", slug=article.slug))


@bp.route("/manage")
@login_required
def manage():
    """Every guide for authors, filtered by status."""
    status = request.args.get("status", "")
    listing = reading.manage_listing(current_user, status, page_number())
    return render_template("knowledge_base/manage.html", listing=listing, status=status, c=c)


@bp.route("/files/<id:file_id>/delete", methods=["POST"])
@login_required
def delete_file(file_id):
    """Remove an image or attachment from a guide."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    slug = files.remove_file(current_user, file_id)
    flash(_("The file has been removed."), "success")
    return redirect(url_for("kb.edit", slug=slug))


from knowledge_base import category_views  # noqa: E402,F401  (categories and tags, same blueprint)
