"""Course authoring for methodologists: courses, modules, questions, publishing."""

from flask import Blueprint

bp = Blueprint("training_author", __name__, url_prefix="/training/manage", template_folder="templates")
