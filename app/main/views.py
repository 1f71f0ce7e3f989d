"""The home page (one per role) and the language switch."""

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from app.main import dashboards
from app.urls import safe_next_url
from knowledge_base import reading

bp = Blueprint("main", __name__, template_folder="templates")


@bp.route("/")
def home():
    """Anonymous visitors get the landing page; signed-in users their role's home page."""
    if not current_user.is_authenticated:
        return render_template("main/landing.html", guides=reading.popular_guides(current_user, 5))
    summary = dashboards.home_summary(current_user)
    return render_template(f"main/home_{summary['template']}.html", **summary)


@bp.route("/lang/<code>")
def set_language(code):
    """Remember the chosen UI language in a cookie."""
    target = safe_next_url(request.args.get("next")) or url_for("main.home")
    response = redirect(target)
    if code in current_app.config["LANGUAGES"]:
        response.set_cookie("opora_lang", code, max_age=365 * 24 * 3600, httponly=True, samesite="Lax",
                            secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response
