"""The JSON API: every endpoint module registers on the blueprint; the document describes them all."""

from flask import current_app, jsonify, render_template, url_for
from flask_babel import gettext as _

from app.api import (  # noqa: F401  (each module registers its operations)
    account_endpoints,
    kb_endpoints,
    organization_endpoints,
    report_endpoints,
    ticket_endpoints,
    training_endpoints,
)
from app.api.blueprint import PREFIX, api, bp
from app.api.openapi import build_document

API_VERSION = "1.0.0"


@bp.route("/openapi.json")
def openapi_document():
    """The OpenAPI 3.1 document of the API (public: it describes, it reveals no data)."""
    return jsonify(build_document(api, PREFIX, current_app.config.get("API_TITLE", "Opora API"), API_VERSION))


def _docs_labels():
    """The words the docs script shows, translated (the script itself holds no text)."""
    return {
        "parameters": _("Parameters"), "name": _("Field"), "in": _("Where"), "type": _("Type"),
        "required": _("Required"), "description": _("Description"), "yes": _("yes"), "no": _("no"),
        "request_body": _("Request body"), "responses": _("Responses"),
        "no_auth": _("No token needed."), "write_scope": _("Needs a token with the «write» scope."),
        "read_scope": _("Needs a token (read scope is enough)."), "loading_failed": _(
            "The API description could not be loaded. Open the JSON document instead."),
        "nullable": _("or null"), "array_of": _("list of"),
        "one_of": _("one of"),
    }


@bp.route("/docs")
def docs_page():
    """A page that renders the OpenAPI document for people (public, like the document)."""
    return render_template("api/docs.html", spec_url=url_for("api.openapi_document"), prefix=PREFIX,
                           labels=_docs_labels())
