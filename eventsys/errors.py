"""Domain errors raised by services, and the handlers that turn every error into a
friendly page (or a JSON body under ``/api/``) without a traceback."""
from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


class DomainError(Exception):
    """A rule was broken; ``message`` is for the user, ``field`` names the form field."""

    status_code = 400
    code = "bad_request"

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


class ValidationError(DomainError):
    status_code = 400
    code = "invalid"


class FieldErrors(ValidationError):
    """Several fields are wrong at once: ``errors`` maps each field (None: the whole form)
    to its message, so a form shows them all after one submit. ``field`` and ``message``
    are the first of them."""

    def __init__(self, errors: dict):
        field, message = next(iter(errors.items()))
        super().__init__(message, field)
        self.errors = dict(errors)


class PermissionDenied(DomainError):
    status_code = 403
    code = "forbidden"


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


class Conflict(DomainError):
    status_code = 409
    code = "conflict"


TITLES = {
    400: _l("Bad request"),
    401: _l("Please log in"),
    403: _l("Access denied"),
    404: _l("Page not found"),
    405: _l("Method not allowed"),
    409: _l("Conflict"),
    413: _l("Upload too large"),
    429: _l("Too many requests"),
    500: _l("Something went wrong"),
}

MESSAGES = {
    400: _l("The request could not be understood. Please check what you entered and try again."),
    401: _l("You need to log in to see this page."),
    403: _l("You do not have permission to see this page."),
    404: _l("We could not find that page. It may have moved, or it is not public."),
    405: _l("This address does not accept that kind of request."),
    409: _l("That change conflicts with the current state. Please reload and try again."),
    413: _l("The file you sent is too large."),
    429: _l("Too many attempts. Please wait a minute and try again."),
    500: _l("An unexpected error happened on our side. It has been logged; please try again later."),
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, message=None, field: str | None = None, code: str | None = None):
    message = str(message or MESSAGES.get(status, MESSAGES[500]))
    if wants_json():
        body = {"error": {"status": status, "code": code or _code_for(status), "message": message}}
        if field:
            body["error"]["field"] = field
        return jsonify(body), status
    title = TITLES.get(status, TITLES[500] if status >= 500 else TITLES[400])
    return render_template("errors/error.html", status=status, title=title, message=message), status


def _code_for(status: int) -> str:
    return {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
            405: "method_not_allowed", 409: "conflict", 413: "too_large",
            429: "rate_limited"}.get(status, "server_error")


def init_app(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def handle_domain_error(exc: DomainError):
        return error_response(exc.status_code, exc.message, exc.field, exc.code)

    @app.errorhandler(CSRFError)
    def handle_csrf(exc: CSRFError):
        return error_response(400, _l("Your form expired or was sent from elsewhere. "
                                      "Please go back, reload the page and try again."),
                              code="csrf")

    @app.errorhandler(HTTPException)
    def handle_http(exc: HTTPException):
        status = exc.code or 500
        message = MESSAGES.get(status) if status in MESSAGES else exc.description
        response = error_response(status, message)
        if status == 429:
            body, code = response
            return body, code, {"Retry-After": "60"}
        return response

    @app.errorhandler(Exception)
    def handle_unexpected(exc: Exception):
        if isinstance(exc, HTTPException):
            return handle_http(exc)
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        from eventsys.extensions import db
        db.session.rollback()
        return error_response(500)
