"""Who sent a message: a user, by any of their addresses, not spoofed (DMARC)."""

import re

from sqlalchemy import func, select

from crm.accounts.models import User
from crm.extensions import db
from crm.mailin.models import UserAddress


def user_for(address):
    """The active user who sends from ``address``, or None."""
    address = (address or "").strip().lower()
    if not address:
        return None
    user = db.session.scalar(select(User).where(func.lower(User.email) == address))
    if user is None:
        user = db.session.scalar(
            select(User)
            .join(UserAddress, UserAddress.user_id == User.id)
            .where(UserAddress.email == address)
        )
    return user if user is not None and user.active else None


def users_by_address(addresses):
    """{address: user} for the addresses that belong to users (active or not)."""
    addresses = {a.lower() for a in addresses if a}
    if not addresses:
        return {}
    found = {
        user.email.lower(): user
        for user in db.session.scalars(select(User).where(func.lower(User.email).in_(addresses)))
    }
    rows = db.session.execute(
        select(UserAddress.email, User)
        .join(User, User.id == UserAddress.user_id)
        .where(UserAddress.email.in_(addresses))
    )
    found.update({email: user for email, user in rows})
    return found


def addresses_of(user):
    extra = db.session.scalars(
        select(UserAddress).where(UserAddress.user_id == user.id).order_by(UserAddress.email)
    ).all()
    return extra


_DMARC = re.compile(r"\bdmarc\s*=\s*(\w+)", re.IGNORECASE)
_HEADER_FROM = re.compile(r"header\.from\s*=\s*\"?([^\s;\"]+)", re.IGNORECASE)


def dmarc_failed(authentication, address):
    """Whether a receiving server's Authentication-Results says DMARC failed for the domain of
    ``address`` (RFC 8601): a From that only claims to be the user's."""
    domain = address.rpartition("@")[2].lower()
    for result in authentication:
        for clause in result.split(";"):
            verdict = _DMARC.search(clause)
            if not verdict or verdict.group(1).lower() not in ("fail", "permerror"):
                continue
            named = _HEADER_FROM.search(clause)
            if named is None or named.group(1).lower().rstrip(".") == domain:
                return True
    return False
