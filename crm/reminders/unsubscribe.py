"""One-click unsubscribe (RFC 8058): a signed link per person and kind of reminder.

The link is the credential: a mail client POSTs to it without a session or a CSRF token, so
it names exactly one person and one kind, and a tampered link is refused.
"""

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from crm.accounts.models import User
from crm.extensions import db
from crm.reminders.models import Kind

SALT = "zubia.reminders.unsubscribe"
# Kinds with their own switch on the user; the others are listed in ``User.email_off``.
SWITCHES = {Kind.DIGEST: "digest_enabled", Kind.NUDGE: "nudges_enabled"}
OPTIONAL = (Kind.ASSIGNMENT, Kind.MANAGER_SUMMARY, Kind.VISIT, Kind.EVENT)


def can_turn_off(kind):
    return kind in SWITCHES or kind in OPTIONAL or kind is Kind.NOTIFICATION


def _serializer():
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def token(user, kind):
    return _serializer().dumps([user.id, Kind(kind).value])


def read(value):
    """``(user, kind)`` of a valid link for an active user, else None."""
    try:
        user_id, kind = _serializer().loads(value)
        kind = Kind(kind)
    except (BadSignature, ValueError, TypeError):
        return None
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.active or not can_turn_off(kind):
        return None
    return user, kind


def off_kinds(user):
    return {Kind(value) for value in (user.email_off or "").split(",") if value}


def wants(user, kind):
    """Whether ``user`` still wants email reminders of ``kind``."""
    if kind in SWITCHES:
        return getattr(user, SWITCHES[kind])
    if kind is Kind.NOTIFICATION:  # which notifications come by email: crm.notifications
        return bool(user.notification_emails)
    return kind not in off_kinds(user)


def still_wanted(row):
    """False when the recipient turned this kind off after the row was written."""
    if row.recipient_id is None:  # to someone without an account: nothing to turn off
        return True
    user = db.session.get(User, row.recipient_id)
    return user is None or not can_turn_off(row.kind) or wants(user, row.kind)


def turn_off(user, kind):
    """Stop emails of ``kind`` to ``user``."""
    if kind in SWITCHES:
        setattr(user, SWITCHES[kind], False)
    elif kind is Kind.NOTIFICATION:
        user.notification_emails = ""
    else:
        user.email_off = ",".join(sorted(k.value for k in off_kinds(user) | {kind}))
