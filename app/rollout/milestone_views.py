"""Skeleton: filled in by the rollout work (issue 7)."""

from flask import Blueprint

bp = Blueprint("rollout_milestones", __name__, template_folder="templates", url_prefix="/rollout")
