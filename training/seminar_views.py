"""Seminars: schedule, registration with a waiting list, attendance, calendar files."""

from flask import Blueprint

bp = Blueprint("training_seminars", __name__, url_prefix="/training/seminars", template_folder="templates")
