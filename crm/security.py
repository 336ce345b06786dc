"""Request-wide protections: headers, safe redirects, session lifetime and security logging."""

import logging
import unicodedata
from datetime import datetime
from urllib.parse import urlsplit

from flask import current_app, flash, has_request_context, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user

from crm.clock import now_utc

log = logging.getLogger("crm.security")

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)


API_PREFIX = "/api/"


def api_request():
    """A request to the integration API: tokens, JSON and problem details, no session."""
    return has_request_context() and request.path.startswith(API_PREFIX)


class SessionInterface(SecureCookieSessionInterface):
    """Signed-cookie sessions for the pages; none for the API, which a token authenticates:
    a cookie sent to /api is neither read nor refreshed."""

    def open_session(self, app, request):
        if request.path.startswith(API_PREFIX):
            return None  # Flask uses a null session: nothing is read, nothing is saved
        return super().open_session(app, request)


def is_safe_next(target):
    """True for a local path such as ``/contacts/7?tab=notes`` and nothing else (SEC-7)."""
    if not target or not isinstance(target, str):
        return False
    if any(unicodedata.category(ch) == "Cc" for ch in target) or "\\" in target:
        return False
    if not target.startswith("/") or target.startswith("//"):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next(target):
    return target if is_safe_next(target) else url_for("main.index")


def set_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "same-origin"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["X-Frame-Options"] = "DENY"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if current_app.config["HSTS_SECONDS"]:
        headers["Strict-Transport-Security"] = (
            f"max-age={current_app.config['HSTS_SECONDS']}; includeSubDomains"
        )
    if api_request():  # the API's own after_request sets no-store; no session is read here
        return response
    no_store = "no-store" in headers.get("Cache-Control", "")  # e.g. "private, no-store"
    if current_user.is_authenticated and request.endpoint != "static" and not no_store:
        headers["Cache-Control"] = "no-store"
    return response


def enforce_session_lifetime():
    """Sign out a session that has been idle or alive for too long (SEC-3)."""
    if api_request():  # a token, not a session, authenticates the API (crm.authorization)
        return None
    if not current_user.is_authenticated or request.endpoint == "static":
        return None
    if session_expired():
        log_event("session_expired", user_id=current_user.id)
        logout_user()
        session.clear()
        flash(_l("Your session has expired. Please sign in again."), "info")
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
    session["seen_at"] = now_utc().timestamp()
    return None


def start_session():
    now = now_utc().timestamp()
    session.permanent = True
    session["auth_at"] = session["seen_at"] = now


def session_expired():
    config = current_app.config
    now = now_utc()
    auth_at, seen_at = session.get("auth_at"), session.get("seen_at")
    if auth_at is None or seen_at is None:
        return True
    return (
        now - datetime.fromtimestamp(auth_at, now.tzinfo) > config["SESSION_ABSOLUTE_TIMEOUT"]
        or now - datetime.fromtimestamp(seen_at, now.tzinfo) > config["SESSION_IDLE_TIMEOUT"]
    )


def _escape(value):
    return str(value).encode("unicode_escape").decode("ascii")


def log_event(event, **fields):
    """One security log line; values are escaped so input cannot forge extra lines (SEC-13)."""
    details = " ".join(f"{key}={_escape(value)}" for key, value in fields.items())
    address = request.remote_addr if has_request_context() else "-"
    log.info("%s at=%s ip=%s %s", event, now_utc().isoformat(), _escape(address), details)
