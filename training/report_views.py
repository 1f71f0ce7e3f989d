"""Completion and attendance reports by school and municipality."""

from flask import Blueprint

bp = Blueprint("training_reports", __name__, url_prefix="/training/reports", template_folder="templates")
