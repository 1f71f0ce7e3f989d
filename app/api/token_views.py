"""The profile page where a user creates, sees and revokes their personal API tokens."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.api import constants as c
from app.api import tokens
from app.api.token_forms import TokenForm
from app.errors import ValidationFailed
from app.formtools import attach_errors

bp = Blueprint("api_tokens", __name__, url_prefix="/account/tokens", template_folder="templates")


def _list_page(form, status=200):
    return render_template("api/tokens.html", form=form, tokens=tokens.list_tokens(current_user),
                           state_of=tokens.token_state, max_days=c.TOKEN_DAYS_MAX), status


@bp.get("")
@login_required
def index():
    """The user's tokens and the form for a new one."""
    return _list_page(TokenForm())


@bp.post("")
@login_required
def create():
    """Create a token and show it once; the page is never cached, the token never stored in the session."""
    form = TokenForm()
    if not form.validate_on_submit():
        return _list_page(form, 400)
    try:
        raw, token = tokens.create_token(current_user, form.name.data, form.scope.data, form.days.data)
    except ValidationFailed as error:
        attach_errors(form, error)
        return _list_page(form, 400)
    response = render_template("api/token_created.html", raw=raw, token=token)
    return response, 200, {"Cache-Control": "no-store", "Pragma": "no-cache"}


@bp.post("/<int:token_id>/revoke")
@login_required
def revoke(token_id):
    """Revoke one of the user's tokens."""
    token = tokens.revoke_token(current_user, token_id)
    flash(_("The token «%(name)s» has been revoked: programs using it can no longer call the API.",
            name=token.name), "success")
    return redirect(url_for("api_tokens.index"))
