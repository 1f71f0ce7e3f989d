"""Assigning the course to people and organizations, and following their progress."""

from flask import Blueprint

bp = Blueprint("training_assign", __name__, url_prefix="/training/assign", template_folder="templates")
