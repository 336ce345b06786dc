"""Personal access tokens. They flush; the caller commits.

A token is ``zubia_pat_`` and 43 characters of ``secrets.token_urlsafe(32)`` (256 bits): the
prefix makes a leaked one easy to recognise (secret scanners, logs). The database keeps only
its SHA-256 — a fast hash is enough for a secret this long — and its first characters, for the
owner to tell tokens apart.

Rights are never copied into the token: each request reads the user's *current* role and
state, so deactivating a user ends their tokens' rights at once and a change of role changes
what their tokens may do on the next request (the rights follow the current role).
"""

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select

from crm.api.models import ApiToken, Scope
from crm.audit.services import record
from crm.clock import now_utc
from crm.extensions import db

PREFIX = "zubia_pat_"
MAX_LENGTH = 100
SHOWN = len(PREFIX) + 6  # the part of the secret kept to recognise it
LAST_USED_PRECISION = timedelta(minutes=1)  # at most one write a minute per token


def token_hash(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


def issue(user, name, scope, *, expires_days=None, actor):
    """A new token for ``user``: ``(row, secret)``; the secret is shown once, never stored."""
    secret = PREFIX + secrets.token_urlsafe(32)
    now = now_utc()
    token = ApiToken(
        user_id=user.id,
        name=name,
        scope=Scope(scope),
        prefix=secret[:SHOWN],
        token_hash=token_hash(secret),
        created_at=now,
        expires_at=now + timedelta(days=expires_days) if expires_days else None,
    )
    db.session.add(token)
    db.session.flush()
    record("token_create", "user", user.id, actor=actor, changes={"token": [None, str(token)]})
    return token, secret


def revoke(token, *, actor):
    """Revoke ``token``; False when it was revoked already."""
    if token.revoked_at is not None:
        return False
    token.revoked_at = now_utc()
    db.session.flush()
    record(
        "token_revoke", "user", token.user_id, actor=actor, changes={"token": [str(token), None]}
    )
    return True


def tokens_of(user):
    return db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc())
    ).all()


def bearer(header):
    """The secret of an ``Authorization: Bearer …`` header, or None."""
    scheme, _, secret = (header or "").partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret.startswith(PREFIX) or len(secret) > MAX_LENGTH:
        return None
    return secret


def authenticate(header, now=None):
    """The usable token of this header (not revoked, not expired, its user active), or None.
    Notes when it was used, to the minute."""
    secret = bearer(header)
    if secret is None:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(secret)))
    now = now or now_utc()
    if token is None or not token.usable(now):
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        token.last_used_at = now
        db.session.commit()
    return token
