"""One-click "Mark done" and "Snooze a week" links for the digest.

A link is signed (itsdangerous, SECRET_KEY, its own salt), names the action, the operation and
the action's version when the digest was written, and the moment it was made (Zubia's clock,
so that tests can stand 8 days later). Using it changes the action, so its version moves on and
the same link is refused afterwards: single-use. It expires after ``VALID_FOR``.
"""

from datetime import UTC, datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from crm.urls import external_url

SALT = "zubia.actions.one-click"
VALID_FOR = timedelta(days=7)
OPERATIONS = ("done", "snooze")
SNOOZE = timedelta(weeks=1)


def _serializer():
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def make_ticket(action, operation, now):
    assert operation in OPERATIONS
    data = {"a": action.id, "v": action.version, "o": operation, "t": int(now.timestamp())}
    return _serializer().dumps(data)


def ticket_url(action, operation, now):
    return external_url("actions.one_click_link", ticket=make_ticket(action, operation, now))


def read_ticket(ticket):
    """The ticket's contents, or None when it was not signed by us (tampered, truncated)."""
    try:
        data = _serializer().loads(ticket)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("o") not in OPERATIONS:
        return None
    return data


def expired(data, now):
    return now - datetime.fromtimestamp(data["t"], UTC) > VALID_FOR
