"""The JSON API: every endpoint module registers on the blueprint; the document describes them all."""

from flask import current_app, jsonify

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
