"""Error pages in the user's language; a traceback never reaches the browser."""

from flask import has_request_context, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.api.errors import ApiError, error_response
from app.errors import ServiceError

ERROR_TEXTS = {
    400: (_l("Bad request"),
          _l("The request could not be understood. Check what you entered and try again.")),
    401: (_l("Sign-in required"), _l("Please sign in to open this page.")),
    403: (_l("Access denied"),
          _l("You do not have access to this page. If you think you should, write to the hotline.")),
    404: (_l("Page not found"),
          _l("There is no such page, or it is not available to you. Check the address.")),
    405: (_l("Method not allowed"), _l("This page cannot be opened this way.")),
    409: (_l("Conflict"), _l("The data has changed meanwhile. Reload the page and try again.")),
    413: (_l("File too large"), _l("The uploaded file is too large. Reduce it and try again.")),
    422: (_l("Cannot process the data"), _l("Check what you entered and try again.")),
    429: (_l("Too many attempts"),
          _l("Too many attempts in a short time. Wait a few minutes and try again.")),
    500: (_l("Something went wrong"),
          _l("An unexpected error happened on the server. We have logged it; please try again later.")),
}


def render_error(code, message=None, details=None):
    """Render the generic error page for an HTTP status code (a JSON error for the API)."""
    from app.api.errors import error_response, is_api_request

    if has_request_context() and is_api_request(request):
        return error_response(code, message, details)
    title, text = ERROR_TEXTS.get(code, ERROR_TEXTS[500])
    return render_template("errors/error.html", code=code, title=title, text=message or text), code


def register_error_pages(app):
    """Install handlers for HTTP errors, CSRF failures, domain errors and crashes."""

    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        return render_error(
            400, _l("The form has expired or was sent from another site. Reload the page and send it again.")
        )

    @app.errorhandler(ServiceError)
    def service_error(error):
        return render_error(error.status_code, error.message or None, error.field_errors)

    @app.errorhandler(ApiError)
    def api_error(error):
        return error_response(error.status, error.message, error.details, error.code, error.headers)

    @app.errorhandler(HTTPException)
    def http_error(error):
        if error.code is None or error.code < 400:
            return error
        return render_error(error.code)

    @app.errorhandler(Exception)
    def unexpected_error(error):
        app.logger.exception("Unhandled error: %s", error)
        return render_error(500)
