from flask import Blueprint

bp = Blueprint("directory", __name__, url_prefix="/directory", template_folder="templates")


@bp.route("/")
def index():
    return ""
