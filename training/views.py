"""The learner's side: the course catalogue, modules, lessons and quizzes."""

from flask import Blueprint

bp = Blueprint("training", __name__, url_prefix="/training", template_folder="templates")
