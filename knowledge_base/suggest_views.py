"""`/kb/suggest?q=`: guides that may answer a question being typed (the new-ticket form asks it)."""

from flask import Blueprint, current_app, jsonify, request
from flask_login import current_user

from app.extensions import limiter
from tickets import kb_links

bp = Blueprint("kb_suggest", __name__, url_prefix="/kb")

DEFAULT_LIMIT = "30 per minute"


def _limit():
    return current_app.config.get("KB_SUGGEST_LIMIT", DEFAULT_LIMIT)


@bp.route("/suggest")
@limiter.limit(_limit)
def suggest():
    """JSON {"articles": [{slug, title, url, summary}]}: at most five guides the user may read."""
    articles = kb_links.suggest_articles(current_user, request.args.get("q", ""))
    response = jsonify({"articles": articles})
    response.headers["Cache-Control"] = "private, no-store"  # depends on who asks
    return response
