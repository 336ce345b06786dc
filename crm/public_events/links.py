"""The links mailed to registrants: an AccessLink row's id signed with the app's key.

Single-use (``used_at``, set by a conditional UPDATE so two clicks cannot both win), expiring
(the row's ``expires_at``, and the signature's own age), and tied to one registration.
"""

from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from crm.extensions import db
from crm.public_events.models import AccessLink, LinkPurpose, Registrant
from crm.urls import external_url

SALT = "b2b-registrant-link"


def _serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def lifetime(purpose):
    hours = current_app.config[
        "PUBLIC_CONFIRM_LINK_HOURS" if purpose is LinkPurpose.CONFIRM else "PUBLIC_LINK_HOURS"
    ]
    return timedelta(hours=hours)


def issue(registrant, purpose, now):
    link = AccessLink(
        registrant_id=registrant.id,
        purpose=purpose,
        created_at=now,
        expires_at=now + lifetime(purpose),
    )
    db.session.add(link)
    db.session.flush()
    return link


def token(link):
    return _serializer().dumps(link.id)


def url(link):
    return external_url("public_events.follow_link", link_token=token(link))


def find(link_token, now):
    """The live link of ``link_token`` (unused, unexpired) with its registrant, or None."""
    try:
        # The signature's age is checked too: a row's expiry cannot be stretched by a bug.
        link_id = _serializer().loads(link_token, max_age=7 * 24 * 3600)
    except BadSignature:
        return None
    if not isinstance(link_id, int):
        return None
    link = db.session.scalar(
        select(AccessLink)
        .where(AccessLink.id == link_id)
        .options(selectinload(AccessLink.registrant).selectinload(Registrant.event))
    )
    if link is None or link.used_at is not None or link.expires_at <= now:
        return None
    if link.registrant.event.is_deleted:  # an event in the trash opens to nobody
        return None
    return link


def use(link, now):
    """Spend ``link``: True for the one caller that did; the caller commits."""
    result = db.session.execute(
        update(AccessLink)
        .where(AccessLink.id == link.id, AccessLink.used_at.is_(None))
        .values(used_at=now)
    )
    return result.rowcount == 1
