"""Skeleton: filled in by the rollout work (issue 7)."""

from flask import Blueprint, redirect, url_for

bp = Blueprint("rollout", __name__, template_folder="templates", url_prefix="/rollout")


@bp.route("/")
def index():
    """Temporary: the dashboard lands here."""
    return redirect(url_for("main.home"))
