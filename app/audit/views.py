"""The audit log page for the administrator."""

from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required

from app.audit import services
from app.auth import permissions
from app.urls import page_number

bp = Blueprint("audit", __name__, url_prefix="/admin/audit", template_folder="templates")


@bp.route("/")
@login_required
def index():
    """Newest events first, filtered by action and actor."""
    if not permissions.can_view_audit_log(current_user):
        abort(403)
    action = request.args.get("action", "").strip() or None
    actor = request.args.get("actor", "").strip() or None
    page = services.recent_events(page_number(), 50, action, actor)
    return render_template(
        "audit/index.html", page=page, action=action, actor=actor, actions=services.known_actions()
    )
