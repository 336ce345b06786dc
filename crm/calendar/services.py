"""Feed tokens. The address holds a secret; the database keeps only its SHA-256.

They flush; the caller commits.
"""

import hashlib
import secrets

from flask import session
from sqlalchemy import select

from crm.accounts.models import User
from crm.audit.services import record
from crm.extensions import db
from crm.urls import external_url

TOKEN_BYTES = 32  # token_urlsafe(32): 43 characters, 256 bits
MAX_TOKEN_LENGTH = 64
NEW_FEED_KEY = "calendar_new_feed_url"


def token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user, *, actor):
    """Give ``user`` a new feed secret and return it; any earlier address stops working."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    action = "calendar_feed_regenerate" if user.calendar_token_hash else "calendar_feed_on"
    user.calendar_token_hash = token_hash(token)
    db.session.flush()
    record(action, "user", user.id, actor=actor)
    return token


def revoke_token(user, *, actor):
    """Turn the feed off; returns False when it was off already."""
    if user.calendar_token_hash is None:
        return False
    user.calendar_token_hash = None
    db.session.flush()
    record("calendar_feed_off", "user", user.id, actor=actor)
    return True


def user_for_token(token):
    """The active user whose feed secret this is, or None (unknown, revoked or inactive)."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return db.session.scalar(
        select(User).where(User.calendar_token_hash == token_hash(token), User.active)
    )


def feed_url(token):
    return external_url("calendar.feed", token=token)


def remember_new_feed(token):
    """Keep the new address for the next page only: it is shown once, never stored in clear."""
    session[NEW_FEED_KEY] = feed_url(token)


def take_new_feed():
    """The address created on the previous request, if any; gone after this call."""
    return session.pop(NEW_FEED_KEY, None)
