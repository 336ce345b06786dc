"""Contact operations. They flush; the caller commits."""

from sqlalchemy import true, update

from crm.audit.services import diff, record
from crm.contacts.models import Contact
from crm.extensions import db
from crm.text import search_key

FIELDS = (
    "organization_id",
    "name_order",
    "given_name",
    "family_name",
    "second_family_name",
    "native_name",
    "reading",
    "salutation",
    "job_title",
    "email",
    "phone",
    "mobile",
    "language",
    "timezone",
    "notes",
    "is_primary",
    "owner_id",
)


def _apply(contact, data):
    moving = data.get("organization_id", contact.organization_id) != contact.organization_id
    if data.get("is_primary") and (not contact.is_primary or moving):
        # One permanent point of contact per organization: the previous one steps down.
        db.session.execute(
            update(Contact)
            .where(
                Contact.organization_id == data.get("organization_id", contact.organization_id),
                Contact.is_primary,
                Contact.id != contact.id if contact.id else true(),
            )
            .values(is_primary=False, version=Contact.version + 1)
            .execution_options(synchronize_session="fetch")
        )
    changes = diff(contact, data, [f for f in FIELDS if f in data])
    contact.search_key = search_key(
        contact.given_name,
        contact.family_name,
        contact.second_family_name,
        contact.native_name,
        contact.reading,
        contact.email,
    )
    return changes


def create_contact(data, *, actor):
    contact = Contact(owner_id=actor.id)
    changes = _apply(contact, data)
    db.session.add(contact)
    db.session.flush()
    record("create", contact, actor=actor, changes=changes)
    return contact


def update_contact(contact, data, *, actor):
    changes = _apply(contact, data)
    if changes:
        db.session.flush()
        record("update", contact, actor=actor, changes=changes)
    return changes
