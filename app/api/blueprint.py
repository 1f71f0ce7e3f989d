"""The /api/v1 blueprint and its registry of operations (endpoint modules add to both)."""

from flask import Blueprint

from app.api.framework import Api

PREFIX = "/api/v1"

bp = Blueprint("api", __name__, url_prefix=PREFIX, template_folder="templates", static_folder="static",
               static_url_path="/static")
api = Api(bp)
