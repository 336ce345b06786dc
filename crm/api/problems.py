"""RFC 9457 problem details: every error under /api is JSON, never an HTML page."""

from flask import jsonify, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

PROBLEM_TYPE = "application/problem+json"
BASE = "https://zubia.example/problems/"  # stable identifiers; not meant to be fetched

TITLES = {
    400: _l("Bad request"),
    401: _l("Authentication required"),
    403: _l("Not allowed"),
    404: _l("Not found"),
    405: _l("Method not allowed"),
    406: _l("Not acceptable"),
    409: _l("Conflict"),
    412: _l("The record changed meanwhile"),
    413: _l("Too large"),
    415: _l("Unsupported media type"),
    422: _l("Invalid data"),
    428: _l("If-Match required"),
    429: _l("Too many requests"),
    500: _l("Something went wrong"),
    503: _l("Try again in a moment"),
}
DETAILS = {
    400: _l("The request could not be understood."),
    401: _l("Send a valid personal access token: Authorization: Bearer zubia_pat_…"),
    403: _l("Your role or your token's scope does not allow this."),
    404: _l("There is nothing here, or the record was moved to the trash."),
    405: _l("This address does not accept that method."),
    413: _l("What you sent is larger than Zubia accepts."),
    415: _l("Send JSON: Content-Type: application/json."),
    429: _l("Too many requests with this token in a short time. Wait and try again."),
    500: _l("The error has been logged. Please try again later."),
    503: _l("Zubia's database is busy or out of reach just now. Please try again in a moment."),
}


def problem(status, detail=None, *, kind=None, errors=None, headers=None, **extra):
    """A problem details response. ``errors`` maps a field name to its messages."""
    body = {
        "type": BASE + kind if kind else "about:blank",
        "title": str(TITLES.get(status, "Error")),
        "status": status,
        "detail": str(detail if detail is not None else DETAILS.get(status, "")),
        "instance": request.path,
    }
    if errors:
        body["errors"] = {name: [str(m) for m in messages] for name, messages in errors.items()}
    body.update(extra)
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM_TYPE
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def http_problem(error):
    """The problem for an HTTP error raised anywhere under /api (404, 405, 429, …)."""
    status = error.code if isinstance(error, HTTPException) and error.code else 500
    headers = {}
    if status == 405 and getattr(error, "valid_methods", None):
        headers["Allow"] = ", ".join(error.valid_methods)
    if status == 429:
        headers["Retry-After"] = str(_retry_after(error))
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="zubia"'
    description = getattr(error, "api_detail", None)
    return problem(status, description, headers=headers)


def _retry_after(error):
    limit = getattr(error, "limit", None)
    try:
        return int(limit.limit.get_expiry())
    except AttributeError:
        return 60


def field_problems(form):
    """{field: [messages]} of a validated WTForms form, sub-forms as ``actions.0.title``."""
    errors = {}

    def walk(name, value):
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{name}.{key}" if name else str(key), inner)
        elif isinstance(value, list) and value and isinstance(value[0], (dict, list)):
            for index, inner in enumerate(value):
                walk(f"{name}.{index}", inner)
        elif value:
            errors[name] = [str(message) for message in value]

    walk("", form.errors)
    return errors


def invalid(errors, detail=None):
    return problem(422, detail or _("Some fields are not valid."), kind="invalid", errors=errors)


# The API's own refusals, turned into problems by ``crm.api.endpoints.handled``.


class NotFoundProblem(Exception):
    pass


class BadQuery(Exception):
    def __init__(self, name, message):
        super().__init__(message)
        self.errors = {name: [message]}


class Unsupported(Exception):
    pass


class BadBody(Exception):
    pass


class Invalid(Exception):
    def __init__(self, errors):
        super().__init__("invalid")
        self.errors = errors


class Precondition(Exception):
    def __init__(self, status):
        super().__init__(status)
        self.status = status


class Stale(Exception):
    def __init__(self, item):
        super().__init__("stale")
        self.item = item
