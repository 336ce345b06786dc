"""Known devices: a signed cookie set at each successful sign-in, bound to the account.

The per-account sign-in throttle stops password guessing, but anyone who knows an email can
trip it and keep its owner out. A browser that signed in to the account before carries this
cookie, and the right password from it still gets through while the account is throttled.
"""

from datetime import timedelta

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "zubia_device"
SALT = "zubia.accounts.device"
LIFETIME = timedelta(days=365)


def _serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def remember(response, user):
    """Mark this browser as one that signed in to ``user``'s account."""
    response.set_cookie(
        COOKIE,
        _serializer().dumps({"user": user.id}),
        max_age=int(LIFETIME.total_seconds()),
        secure=request.is_secure or current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
    return response


def known_for(user):
    """Whether this request comes from a browser that signed in to ``user``'s account."""
    value = request.cookies.get(COOKIE)
    if not value or user is None:
        return False
    try:
        data = _serializer().loads(value, max_age=int(LIFETIME.total_seconds()))
    except BadSignature:
        return False
    return isinstance(data, dict) and data.get("user") == user.id
