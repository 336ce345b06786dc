"""Contact operations. They flush; the caller commits."""

from sqlalchemy import true, update

from crm.audit.services import diff, record
from crm.contacts.fields import FIELDS
from crm.contacts.models import Contact
from crm.extensions import db


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
    changes = diff(contact, data, [f for f in FIELDS.written if f in data])
    FIELDS.refresh(contact)
    return changes


def create_contact(data, *, actor):
    contact = Contact(owner_id=actor.id)
    changes = _apply(contact, {**FIELDS.defaults, **data})
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
