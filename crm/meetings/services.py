"""Meeting operations. They flush; the caller commits."""

from sqlalchemy import select

from crm.accounts.models import User
from crm.actions import services as actions
from crm.audit.services import diff, plain, record
from crm.contacts.models import Contact
from crm.extensions import db
from crm.meetings.models import Meeting
from crm.organizations.models import Organization
from crm.organizations.services import refresh_last_contact
from crm.text import search_key

FIELDS = (
    "kind",
    "title",
    "starts_at",
    "duration_minutes",
    "location",
    "summary",
    "outcomes",
    "match_id",
)
LINKS = (
    ("organization_ids", "organizations", Organization),
    ("contact_ids", "contacts", Contact),
    ("attendee_ids", "attendees", User),
)


def _apply(meeting, data):
    changes = diff(meeting, data, [f for f in FIELDS if f in data])
    for key, attribute, model in LINKS:
        if key not in data:
            continue
        old_ids = {item.id for item in getattr(meeting, attribute)}
        new_ids = set(data[key])
        if old_ids != new_ids:
            items = db.session.scalars(select(model).where(model.id.in_(new_ids))).all()
            order = {item_id: n for n, item_id in enumerate(data[key])}  # as chosen
            setattr(meeting, attribute, sorted(items, key=lambda item: order[item.id]))
            changes[attribute] = [plain(old_ids), plain(new_ids)]
    meeting.search_key = search_key(meeting.title, meeting.location)
    return changes


def create_meeting(data, *, actor, new_actions=()):
    """Log a meeting and the next actions decided in it, in one transaction (DATA-2)."""
    meeting = Meeting(owner_id=actor.id, organizations=[], contacts=[], attendees=[])
    changes = _apply(meeting, data)
    db.session.add(meeting)
    db.session.flush()
    record("create", meeting, actor=actor, changes=changes)
    add_next_actions(meeting, new_actions, actor=actor)
    refresh_last_contact([org.id for org in meeting.organizations])
    return meeting


def add_next_actions(meeting, rows, *, actor):
    """Next actions decided in the meeting, about its first organization and contact."""
    organization = meeting.organizations[0].id if meeting.organizations else None
    contact = meeting.contacts[0].id if len(meeting.contacts) == 1 else None
    for row in rows:
        actions.create_action(
            {
                "organization_id": organization,
                "contact_id": contact,
                **row,
                "meeting_id": meeting.id,
            },
            actor=actor,
        )


def update_meeting(meeting, data, *, actor):
    before = {org.id for org in meeting.organizations}
    changes = _apply(meeting, data)
    if changes:
        db.session.flush()
        record("update", meeting, actor=actor, changes=changes)
        refresh_last_contact(before | {org.id for org in meeting.organizations})
    return changes
