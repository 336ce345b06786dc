"""Language and time zone of the person looking at the page."""

from flask import current_app, g, has_request_context, request, session
from flask_login import current_user

from crm.security import api_request


def select_locale():
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # the CLI and the scheduler choose per recipient
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if api_request():  # Accept-Language first; then the token's user; never the session
        user = g.get("_login_user")
        fallback = user.language if getattr(user, "is_authenticated", False) else "en"
        return request.accept_languages.best_match(list(languages)) or fallback
    if current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    if session.get("language") in languages:
        return session["language"]
    return request.accept_languages.best_match(list(languages)) or "en"


def select_timezone():
    if api_request():
        user = g.get("_login_user")
        if getattr(user, "is_authenticated", False):
            return user.timezone
        return current_app.config["DEFAULT_TIMEZONE"]
    if has_request_context() and current_user.is_authenticated:
        return current_user.timezone
    return current_app.config["DEFAULT_TIMEZONE"]


def file_size(num_bytes):
    """``num_bytes`` for people: "850 B", "1.2 MB" (with the decimal mark of their language)."""
    from flask_babel import format_decimal

    size, unit = num_bytes, "B"
    for bigger in ("KB", "MB", "GB"):
        if size < 1024:
            break
        size, unit = size / 1024, bigger
    return f"{format_decimal(size, format='#,##0.#')} {unit}"
