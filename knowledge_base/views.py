"""Knowledge base pages."""

from flask import Blueprint

bp = Blueprint("kb", __name__, url_prefix="/kb", template_folder="templates")


@bp.route("/")
def index():
    """Replaced by the knowledge base home page."""
    return ""
