"""Meeting operations. They flush; the caller commits."""

from datetime import timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from crm.accounts.models import User
from crm.actions import services as actions
from crm.audit.services import diff, plain, record
from crm.clock import now_utc
from crm.contacts.models import Contact
from crm.extensions import db
from crm.meetings.fields import FIELDS
from crm.meetings.models import Meeting, meeting_organizations
from crm.organizations.models import Organization

LINKS = (
    ("organization_ids", "organizations", Organization),
    ("contact_ids", "contacts", Contact),
    ("attendee_ids", "attendees", User),
)


def _apply(meeting, data):
    changes = diff(meeting, data, [f for f in FIELDS.written if f in data])
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
    FIELDS.refresh(meeting)
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


def refresh_last_contact(organization_ids):
    """Recompute the last logged contact (the latest live meeting that has begun)."""
    if not organization_ids:
        return
    latest = dict(
        db.session.execute(
            select(meeting_organizations.c.organization_id, func.max(Meeting.starts_at))
            .join(Meeting, Meeting.id == meeting_organizations.c.meeting_id)
            .where(
                meeting_organizations.c.organization_id.in_(organization_ids),
                Meeting.deleted_at.is_(None),
                Meeting.starts_at <= now_utc(),
            )
            .group_by(meeting_organizations.c.organization_id)
        ).all()
    )
    table = Organization.__table__
    rows = db.session.execute(
        select(table.c.id, table.c.cadence_days, table.c.last_contact_at).where(
            table.c.id.in_(organization_ids)
        )
    )
    for org_id, cadence, last in rows:
        instant = latest.get(org_id)
        if instant == last:
            continue
        # Derived state, written with Core so that it does not bump the organization's version:
        # logging a meeting must not make someone's open edit of the organization conflict.
        due = instant + timedelta(days=cadence) if instant else None
        db.session.execute(
            update(table)
            .where(table.c.id == org_id)
            .values(last_contact_at=instant, contact_due_at=due)
        )
        org = db.session.identity_map.get(identity_key(Organization, org_id))
        if org is not None:
            set_committed_value(org, "last_contact_at", instant)
            set_committed_value(org, "contact_due_at", due)
