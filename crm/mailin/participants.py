"""Whom an email is with: contacts by address (their other addresses too), then organizations
by their email domains; the rest is for the sender to review."""

import re
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select

from crm.contacts.models import Contact
from crm.extensions import db
from crm.organizations.models import Organization


@dataclass
class Matched:
    contacts: list = field(default_factory=list)
    organizations: list = field(default_factory=list)
    unknown: list = field(default_factory=list)  # (name, address, organization or None)


def split(text):
    return [part.strip().lower() for part in re.split(r"[;,\s]+", text or "") if part.strip()]


def contact_for(address):
    """The live contact who uses ``address`` (as their email or one of their others)."""
    candidates = db.session.scalars(
        select(Contact)
        .where(
            Contact.deleted_at.is_(None),
            or_(
                func.lower(Contact.email) == address,
                func.lower(Contact.other_emails).contains(address, autoescape=True),
            ),
        )
        .order_by(Contact.id)
    ).all()
    for contact in candidates:
        if (contact.email or "").lower() == address or address in split(contact.other_emails):
            return contact
    return None


def organization_for_domain(domain):
    """The live organization whose email domains include ``domain`` (or a parent of it)."""
    domain = domain.lower().strip(".")
    if not domain:
        return None
    candidates = db.session.scalars(
        select(Organization)
        .where(
            Organization.deleted_at.is_(None),
            Organization.email_domains.contains(domain.split(".", 1)[-1], autoescape=True),
        )
        .order_by(Organization.id)
    ).all()
    best = None
    for org in candidates:
        for known in split(org.email_domains):
            fits = domain == known or domain.endswith("." + known)
            if fits and (best is None or len(known) > best[0]):
                best = (len(known), org)
    return best[1] if best else None


_DOMAINS_IN_TEXT = re.compile(r"(?:@|https?://|www\.)([a-z0-9.-]+\.[a-z]{2,})", re.IGNORECASE)


def organization_in_signature(body):
    """An organization named by a domain in the text's last lines (a signature's web site or
    address), or None."""
    for domain in reversed(_DOMAINS_IN_TEXT.findall("\n".join((body or "").splitlines()[-15:]))):
        org = organization_for_domain(domain)
        if org is not None:
            return org
    return None


def match(pairs, signer="", body=""):
    """The contacts and organizations among ``pairs`` (name, address), and who is unknown.

    The text's signature is ``signer``'s: it suggests their organization when their domain
    does not."""
    found = Matched()
    for name, address in pairs:
        contact = contact_for(address)
        if contact is not None:
            if contact not in found.contacts:
                found.contacts.append(contact)
            org = db.session.get(Organization, contact.organization_id)
            if org is not None and org.deleted_at is None and org not in found.organizations:
                found.organizations.append(org)
            continue
        org = organization_for_domain(address.rpartition("@")[2])
        if org is None:
            guess = organization_in_signature(body) if address == signer else None
        else:
            guess = org
            if org not in found.organizations:
                found.organizations.append(org)
        found.unknown.append((name, address, guess))
    return found
