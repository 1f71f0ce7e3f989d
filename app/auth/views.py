"""Sign-in, sign-out, password change and password reset pages."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app.auth import services
from app.auth.forms import ChangePasswordForm, ForgotPasswordForm, LoginForm, ResetPasswordForm
from app.errors import ValidationFailed
from app.extensions import limiter
from app.formtools import attach_errors, form_status
from app.urls import safe_next_url

bp = Blueprint("auth", __name__, template_folder="templates")


def _posted_email():
    return "login:" + services.normalize_email(request.form.get("email"))


def _login_failed(response):
    return response.status_code != 302


def _account_limit():
    return current_app.config["LOGIN_LIMIT_PER_ACCOUNT"]


def _address_limit():
    return current_app.config["LOGIN_LIMIT_PER_ADDRESS"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_account_limit, key_func=_posted_email, methods=["POST"], deduct_when=_login_failed)
@limiter.limit(_address_limit, methods=["POST"], deduct_when=_login_failed)
def login():
    """Sign in by e-mail and password."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        result = services.sign_in(
            form.email.data, form.password.data, request.remote_addr, request.user_agent.string
        )
        if result is not None:
            user, _token = result
            login_user(user, remember=form.remember.data)
            return redirect(safe_next_url(request.args.get("next")) or url_for("main.home"))
        flash(_("Wrong e-mail or password. Check the keyboard layout and Caps Lock."), "danger")
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form), form_status(form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """End the session everywhere its cookies were copied."""
    services.sign_out(current_user)
    logout_user()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change one's password; other sessions end."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.new_password.data)
        except ValidationFailed as error:
            attach_errors(form, error)
        else:
            flash(_("The password has been changed. Other sessions have been signed out."), "success")
            return redirect(url_for("main.home"))
    return render_template("auth/change_password.html", form=form), form_status(form)


@bp.route("/forgot", methods=["GET", "POST"])
@limiter.limit(_address_limit, methods=["POST"])
def forgot_password():
    """Ask for a reset link by e-mail."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        flash(_("If an account with this e-mail exists, we have sent a link to reset the password."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form), form_status(form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_address_limit, methods=["POST"])
def reset_password(token):
    """Set a new password by the link from the e-mail."""
    if services.find_reset_token(token) is None:
        flash(_("This reset link is invalid or has expired. Request a new one."), "danger")
        return redirect(url_for("auth.forgot_password"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.new_password.data)
        except ValidationFailed as error:
            attach_errors(form, error)
        else:
            flash(_("The password has been set. Sign in with the new password."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form), form_status(form)

