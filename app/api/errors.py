"""The API's one error shape: {"error": {"code", "message", "details"}}, with the right status code."""

from flask import jsonify
from flask_babel import gettext as _
from pydantic import BaseModel, Field

from app.api import constants as c

API_PREFIX = "/api/"


class ErrorBody(BaseModel):
    """What went wrong: a stable code, a message for people, and details per field when there are any."""

    code: str = Field(description="Stable machine-readable code, e.g. not_found, validation_failed.")
    message: str = Field(description="What went wrong and what to do, in the user's language.")
    details: dict = Field(default_factory=dict, description="Messages per field or parameter.")


class ErrorResponse(BaseModel):
    """Every error of the API."""

    error: ErrorBody


class ApiError(Exception):
    """An error the API answers with its status, code, message and details."""

    def __init__(self, status, message, details=None, code=None, headers=None):
        super().__init__(message)
        self.status = status
        self.message = str(message)
        self.details = details or {}
        self.code = code or c.ERROR_CODES.get(status, "error")
        self.headers = headers or {}


def default_message(status):
    """A message for a status when the code that failed gave none."""
    messages = {
        400: _("The request could not be read. Check its syntax."),
        401: _("Send a valid API token: «Authorization: Bearer <token>»."),
        403: _("Your account or token may not do this."),
        404: _("There is no such object, or it is not available to you."),
        405: _("This method is not allowed here."),
        409: _("The object has changed meanwhile. Read it again and retry."),
        413: _("The request is too large."),
        415: _("Send the body as application/json."),
        422: _("Check the fields of the request."),
        429: _("Too many requests. Wait a little and try again."),
    }
    return messages.get(status, _("An unexpected error happened on the server. Please try again later."))


def error_response(status, message=None, details=None, code=None, headers=None):
    """A JSON error response of the API's shape."""
    body = ErrorResponse(error=ErrorBody(code=code or c.ERROR_CODES.get(status, "error"),
                                         message=str(message or default_message(status)),
                                         details=details or {}))
    response = jsonify(body.model_dump(mode="json"))
    response.status_code = status
    response.headers.update(headers or {})
    return response


def is_api_request(request):
    """Whether the request is for the JSON API (its errors are JSON, not pages)."""
    return request.path.startswith(API_PREFIX)
