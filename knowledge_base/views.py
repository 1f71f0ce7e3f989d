"""Knowledge base pages for readers: home, categories, an article, print view, votes, search, files.

Authors' pages (editor, history, workflow, categories) are in knowledge_base/editor_views.py, on the
same blueprint. Reading needs no sign-in: guests read public guides.
"""

import secrets

from flask import Blueprint, flash, redirect, render_template, request, send_file, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from werkzeug.routing import IntegerConverter

from app.errors import ValidationFailed
from app.extensions import login_manager
from app.urls import page_number
from knowledge_base import constants as c
from knowledge_base import files, page_cache, reading, search_provider, services
from knowledge_base.forms import StatusForm, VoteForm

bp = Blueprint("kb", __name__, url_prefix="/kb", template_folder="templates")


class IdConverter(IntegerConverter):
    """A database id in a URL: a positive number that fits an INTEGER column (else 404, not a DB error)."""

    def __init__(self, url_map):
        super().__init__(url_map, min=1, max=2**31 - 1)


@bp.record_once
def _register_converter(state):
    state.app.url_map.converters["id"] = IdConverter


search_provider.register()

VIEWED_KEY = "kb_viewed"
VISITOR_KEY = "kb_visitor"
VIEWED_REMEMBERED = 100  # the session cookie stays small; an older article may be counted again


@bp.errorhandler(services.SignInRequired)
def sign_in_required(_error):
    """A guest opened a guide for signed-in users: the sign-in page, then back here."""
    return login_manager.unauthorized()


def _visitor_secret():
    """A random key of this browser session; a guest's vote is tied to its hash."""
    if VISITOR_KEY not in session:
        session[VISITOR_KEY] = secrets.token_hex(16)
    return session[VISITOR_KEY]


def _reader():
    """The signed-in user (or the anonymous one) itself: the access rules read it many times per page."""
    return current_user._get_current_object()


def _remember_view(article_id):
    viewed = [i for i in session.get(VIEWED_KEY, []) if i != article_id]
    session[VIEWED_KEY] = [*viewed, article_id][-VIEWED_REMEMBERED:]


@bp.route("/")
def index():
    """Search box, categories with counts, popular and recently updated guides."""
    return render_template("knowledge_base/index.html", home=reading.home(current_user))


@bp.route("/category/<slug>")
def category(slug):
    """A category's guides and subcategories."""
    view = reading.category_page(current_user, slug, page_number())
    return render_template("knowledge_base/category.html", view=view)


@bp.route("/search")
def search():
    """Search results for q (optionally in one category), within what the reader may read."""
    reader = _reader()
    results = reading.search_page(reader, request.args.get("q", ""), request.args.get("category", ""),
                                  page_number())
    content = page_cache.search_content(
        reader, results, lambda: render_template("knowledge_base/_search_content.html", results=results))
    return render_template("knowledge_base/search.html", results=results, content=Markup(content))


def render_article(slug, vote_form=None, status=200):
    """The article page; a vote form passed in keeps what the reader typed."""
    reader = _reader()
    visit = reading.visit_article(reader, slug, session.get(VIEWED_KEY, []), session.get(VISITOR_KEY))
    if visit.counted:
        _remember_view(visit.article.id)

    def render():
        view = reading.visit_page(reader, visit)
        form = vote_form or VoteForm(formdata=None, comment=view.vote.comment if view.vote else "")
        status_form = StatusForm(formdata=None) if view.can_author else None  # only authors see the workflow
        return render_template("knowledge_base/_article_content.html", view=view, vote_form=form,
                               status_form=status_form, c=c)

    # A posted form is shown as the reader filled it, never kept.
    content = Markup(render() if vote_form is not None else page_cache.article_content(reader, visit, render))
    return render_template("knowledge_base/article.html", article=visit.article, content=content), status


@bp.route("/<slug>")
def article(slug):
    """A guide: its text, files, related guides, «Was this helpful?» and, for authors, the workflow."""
    return render_article(slug)


@bp.route("/<slug>/print")
def print_article(slug):
    """The print-friendly page: the guide alone, without navigation."""
    return render_template("knowledge_base/print.html", article=reading.print_view(current_user, slug))


@bp.route("/<slug>/vote", methods=["POST"])
def vote(slug):
    """Record the reader's «Was this helpful?» answer."""
    form = VoteForm()
    if not form.validate_on_submit():
        return render_article(slug, form, 400)
    try:
        reading.vote(current_user, slug, _visitor_secret(), form.helpful.data == "yes", form.comment.data)
    except ValidationFailed as error:
        form.comment.errors = error.field_errors.get("comment", [error.message])
        return render_article(slug, form, 400)
    flash(_("Thank you! Your answer helps us improve the guides."), "success")
    return redirect(url_for("kb.article", slug=slug, _anchor="helpful"))


@bp.route("/files/<id:file_id>")
def download(file_id):
    """An image inline (PNG, JPEG, GIF only) or any other file as a download, if its guide is readable."""
    row, path, inline = files.file_for_download(current_user, file_id)
    response = send_file(path, mimetype=row.content_type, as_attachment=not inline,
                         download_name=row.filename, max_age=0, conditional=True)
    response.headers["Content-Type"] = row.content_type  # exactly as checked (send_file would add a charset)
    # Even a file that fooled every check cannot run script here.
    response.headers["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response.headers["Cache-Control"] = "private, no-cache"
    return response


from knowledge_base import editor_views  # noqa: E402,F401  (registers the authors' pages on bp)
