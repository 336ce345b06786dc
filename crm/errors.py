"""Friendly error pages that never show a traceback."""

import sqlite3

from flask import current_app, flash, render_template, request
from flask.globals import request_ctx
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from crm.extensions import db
from crm.i18n import file_size
from crm.security import api_request

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood.")),
    403: (_l("Not allowed"), _l("Your role does not allow this. Ask a manager if you need it.")),
    404: (_l("Not found"), _l("This page does not exist, or the record was moved to the trash.")),
    405: (_l("Not allowed"), _l("This address does not accept that kind of request.")),
    413: (_l("Too large"), _l("What you sent is larger than Zubia accepts.")),
    429: (
        _l("Too many attempts"),
        _l("Too many attempts in a short time. Please wait a minute and try again."),
    ),
    500: (_l("Something went wrong"), _l("The error has been logged. Please try again later.")),
    503: (
        _l("Try again in a moment"),
        _l("Zubia's database is busy or out of reach just now. Please try again in a moment."),
    ),
}
NOTHING_SAVED = _l(
    "Zubia's database is busy or out of reach, so nothing was saved. Please try again in a moment."
)
RETRY_AFTER_SECONDS = 5
SQLITE_BUSY_CODES = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}


def render_error(error):
    if api_request():
        return api_problem(error)
    code = error.code if isinstance(error, HTTPException) and error.code else 500
    title, message = MESSAGES.get(code, (error.name, error.description))
    if isinstance(error, CSRFError):
        message = _l("The form expired or was sent from elsewhere. Reload the page and try again.")
    if code == 413:
        message = too_large_message() or message
    return error_page(code, title, message)


def error_page(code, title, message, headers=None):
    if request_ctx.url_adapter is None:  # an untrusted Host: no page can be built for it
        return f"{code} {title}", code, {"Content-Type": "text/plain; charset=utf-8"}
    page = render_template("errors/error.html", code=code, title=title, message=message)
    return page, code, headers or {}


def too_large_message():
    """Say what the limit is when the request was refused for its size (SEC-11)."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if not limit or (request.content_length or 0) <= limit:
        return None  # refused for another reason, such as too many form parts
    if request.mimetype == "multipart/form-data":
        return _l(
            "The file is too large: Zubia accepts files of up to %(size)s. Make it smaller "
            "(a PDF at a lower resolution, for example) or split it, and attach it again.",
            size=file_size(limit),
        )
    return _l(
        "What you sent is larger than Zubia accepts (at most %(size)s).", size=file_size(limit)
    )


def api_problem(error):
    """Problem details, not a page, for the integration API (crm/api: JSON only)."""
    from crm.api.problems import http_problem

    return http_problem(error)


def render_server_error(error):
    current_app.logger.error("Unhandled error on %s", request.path, exc_info=error)
    db.session.rollback()
    return render_error(InternalServerError())


def database_unavailable(error):
    """True when the database is busy, locked or out of reach: the same request may work soon.

    SQLite also reports mistakes in SQL as OperationalError, so only its busy and locked codes
    count; on PostgreSQL every OperationalError and InterfaceError is about the server or the
    connection (refused, dropped, shutting down, deadlock), never about the query.
    """
    if error.connection_invalidated:
        return True
    if not isinstance(error, OperationalError | InterfaceError):
        return False
    if isinstance(error.orig, sqlite3.Error):
        return (error.orig.sqlite_errorcode & 0xFF) in SQLITE_BUSY_CODES  # extended codes too
    return True


def render_database_unavailable(error):
    """503 and Retry-After for a busy or unreachable database; another database error is a bug."""
    if not database_unavailable(error):
        return render_server_error(error)
    # The driver's message names the cause; the statement and its parameters stay out of the log.
    current_app.logger.warning(
        "Database unavailable on %s %s: %s: %s",
        request.method,
        request.path,
        type(error.orig).__name__,
        error.orig,
    )
    db.session.rollback()
    treat_as_signed_out_if_unknown()
    if api_request():
        error = ServiceUnavailable()
        error.retry_after = RETRY_AFTER_SECONDS
        response = api_problem(error)
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    title, message = MESSAGES[503]
    saving = request.method not in ("GET", "HEAD")
    message = NOTHING_SAVED if saving else message
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}
    if request.headers.get("HX-Request"):
        # htmx swaps no error response: after a change the page reloads and shows the message.
        if saving:
            flash(message, "danger")
            headers["HX-Refresh"] = "true"
        return str(message), 503, {**headers, "Content-Type": "text/plain; charset=utf-8"}
    return error_page(503, title, message, headers)


def treat_as_signed_out_if_unknown():
    """The page and the security headers read current_user: unloadable, it is nobody."""
    try:
        # Loads the user, or reloads it: the rollback expired what was loaded.
        if current_user.is_authenticated:
            current_user.role  # noqa: B018
    except DBAPIError:
        db.session.rollback()
        # With no user given, Flask-Login keeps its anonymous user for the rest of the request.
        current_app.login_manager._update_request_context_with_user()


def register_errorhandlers(app):
    app.register_error_handler(HTTPException, render_error)
    app.register_error_handler(DBAPIError, render_database_unavailable)
    app.register_error_handler(Exception, render_server_error)
