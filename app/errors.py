"""Exceptions that services raise and views turn into responses."""


class ServiceError(Exception):
    """Base of the domain errors; its message is shown to the user."""

    status_code = 400

    def __init__(self, message="", field_errors=None):
        super().__init__(message)
        self.message = message
        self.field_errors = field_errors or {}


class ValidationFailed(ServiceError):
    """Input that cannot be accepted; field_errors say what to fix."""

    status_code = 422


class PermissionDenied(ServiceError):
    """The user may not do this."""

    status_code = 403


class NotFound(ServiceError):
    """No such object, or not one the user may see (404 hides which)."""

    status_code = 404


class Conflict(ServiceError):
    """The object changed or already exists."""

    status_code = 409
