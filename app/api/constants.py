"""Scopes, limits and error codes of the JSON API."""

from flask_babel import lazy_gettext as _l

READ = "read"
WRITE = "write"
SCOPES = (READ, WRITE)
SCOPE_LABELS = {READ: _l("Read only"), WRITE: _l("Read and write")}

TOKEN_PREFIX = "opora_"
TOKEN_DAYS_DEFAULT = 90
TOKEN_DAYS_MAX = 366
TOKENS_PER_USER_MAX = 20

PAGE_SIZE_DEFAULT = 20
PAGE_SIZE_MAX = 100

# Stable machine-readable codes of {"error": {"code", "message", "details"}}.
ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "too_many_requests",
    500: "internal_error",
}
