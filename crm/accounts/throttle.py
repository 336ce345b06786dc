"""The per-account sign-in throttle (SEC-2), counted in the limiter's storage.

It is checked in the view rather than by a decorator, because a throttled account still lets
the right password through from a known device (crm/accounts/devices.py), and because the
burst that trips it is reported to the account's owner.
"""

from datetime import timedelta

from flask import current_app, request
from limits import parse

from crm.accounts.services import normalize_email
from crm.clock import now_utc
from crm.extensions import limiter

ALERT_EVERY = timedelta(hours=1)


def _limit():
    return parse(current_app.config["LOGIN_LIMIT_PER_ACCOUNT"])


def _key(email):
    prefix = current_app.config["RATELIMIT_KEY_PREFIX"]
    return (prefix, "login-account", normalize_email(email)[:254])


def tripped(email):
    """True while the account has had as many failures as the limit allows."""
    return not limiter.limiter.test(_limit(), *_key(email))


def count_failure(email):
    limiter.limiter.hit(_limit(), *_key(email))


def failures(email):
    """How many failed sign-ins the current window holds."""
    limit = _limit()
    return limit.amount - limiter.limiter.get_window_stats(limit, *_key(email)).remaining


def alert_owner(user, email):
    """Queue one email per hour at most telling ``user`` their account was throttled."""
    from crm.reminders.models import Kind
    from crm.reminders.planning import enqueue

    now = now_utc()
    hour = now.strftime("%Y-%m-%dT%H")
    row = {
        "dedupe_key": f"sign_in_alert:{user.id}:{hour}",
        "kind": Kind.SIGN_IN_ALERT.value,
        "recipient_id": user.id,
        "payload": {"at": now.isoformat(), "attempts": failures(email), "ip": request.remote_addr},
    }
    return enqueue([row], now)
