"""Friendly error pages that never show a traceback."""

from flask import current_app, render_template, request
from flask.globals import request_ctx
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from crm.extensions import db
from crm.i18n import file_size

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
}


def render_error(error):
    code = error.code if isinstance(error, HTTPException) and error.code else 500
    title, message = MESSAGES.get(code, (error.name, error.description))
    if request_ctx.url_adapter is None:  # an untrusted Host: no page can be built for it
        return f"{code} {title}", code, {"Content-Type": "text/plain; charset=utf-8"}
    if isinstance(error, CSRFError):
        message = _l("The form expired or was sent from elsewhere. Reload the page and try again.")
    if code == 413:
        message = too_large_message() or message
    return render_template("errors/error.html", code=code, title=title, message=message), code


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


def render_server_error(error):
    current_app.logger.error("Unhandled error on %s", request.path, exc_info=error)
    db.session.rollback()
    return render_error(InternalServerError())


def register_errorhandlers(app):
    app.register_error_handler(HTTPException, render_error)
    app.register_error_handler(Exception, render_server_error)
