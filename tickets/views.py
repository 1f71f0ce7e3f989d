"""Hotline pages."""

from flask import Blueprint

bp = Blueprint("tickets", __name__, url_prefix="/tickets", template_folder="templates")


@bp.route("/")
def index():
    """Replaced by the ticket list."""
    return ""
