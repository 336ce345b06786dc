"""Visit operations. They flush; the caller commits."""

from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from crm.accounts.models import User
from crm.audit.services import diff, plain, record
from crm.contacts.models import Contact
from crm.extensions import db
from crm.meetings.models import MeetingKind
from crm.meetings.services import create_meeting
from crm.organizations.models import Organization
from crm.visits.models import Visit, VisitStop

FIELDS = (
    "direction",
    "title",
    "start_date",
    "end_date",
    "lead_organization_id",
    "description",
    "outcomes",
)
LINKS = (("user_ids", "users", User), ("contact_ids", "contacts", Contact))
STOP_FIELDS = ("starts_at", "duration_minutes", "host_organization_id", "place", "purpose")
TITLE_LENGTH = 200  # Meeting.title


class AlreadyLogged(Exception):
    """The stop was turned into a meeting already (perhaps by someone a moment ago)."""


class HostGone(Exception):
    """The stop's host organization is no longer a live record: no meeting can be about it."""


def _apply(visit, data):
    changes = diff(visit, data, [f for f in FIELDS if f in data])
    for key, attribute, model in LINKS:
        if key not in data:
            continue
        old_ids = {item.id for item in getattr(visit, attribute)}
        new_ids = set(data[key])
        if old_ids != new_ids:
            items = db.session.scalars(select(model).where(model.id.in_(new_ids))).all()
            setattr(visit, attribute, list(items))
            changes[attribute] = [plain(old_ids), plain(new_ids)]
    return changes


def create_visit(data, *, actor):
    visit = Visit(owner_id=actor.id, users=[], contacts=[], stops=[])
    changes = _apply(visit, data)
    db.session.add(visit)
    db.session.flush()
    record("create", visit, actor=actor, changes=changes)
    return visit


def update_visit(visit, data, *, actor):
    changes = _apply(visit, data)
    if changes:
        db.session.flush()
        record("update", visit, actor=actor, changes=changes)
    return changes


def add_stop(visit, data, *, actor):
    stop = VisitStop(visit_id=visit.id)
    changes = diff(stop, data, STOP_FIELDS)
    db.session.add(stop)
    db.session.flush()
    record("create", stop, actor=actor, changes={"visit": visit.id, **changes})
    return stop


def update_stop(stop, data, *, actor):
    changes = diff(stop, data, STOP_FIELDS)
    if changes:
        db.session.flush()
        record("update", stop, actor=actor, changes=changes)
    return changes


def delete_stop(stop, *, actor):
    """A stop is a line of a plan: it goes for good, and the history keeps what it was."""
    record(
        "delete",
        stop,
        actor=actor,
        changes={"visit": stop.visit_id, "purpose": [stop.purpose, None]},
    )
    db.session.delete(stop)
    db.session.flush()


def log_stop_as_meeting(stop, *, actor):
    """Turn the stop into a logged meeting with the visit's people, and link it to the stop.

    ``stop.visit`` with its users and contacts, and ``stop.host``, must be loaded. The link is
    set by a conditional UPDATE, so two clicks at once cannot log the same stop twice.
    """
    if stop.meeting_id is not None:
        raise AlreadyLogged
    host = stop.host
    if host is None or host.is_deleted:
        raise HostGone
    visit = stop.visit
    organization_ids = [host.id]
    if visit.lead_organization_id and visit.lead_organization_id != host.id:
        lead_is_live = db.session.scalar(
            select(Organization.id).where(
                Organization.id == visit.lead_organization_id, Organization.deleted_at.is_(None)
            )
        )
        organization_ids += [lead_is_live] if lead_is_live else []
    meeting = create_meeting(
        {
            "kind": MeetingKind.VISIT,
            "title": f"{stop.purpose} — {host.display_name}"[:TITLE_LENGTH],
            "starts_at": stop.starts_at,
            "duration_minutes": stop.duration_minutes,
            "location": stop.place,
            "organization_ids": organization_ids,
            "contact_ids": [
                c.id for c in visit.contacts if c.organization_id == host.id and not c.is_deleted
            ],
            "attendee_ids": [user.id for user in visit.users],
        },
        actor=actor,
    )
    linked = db.session.execute(
        update(VisitStop)
        .where(VisitStop.id == stop.id, VisitStop.meeting_id.is_(None))
        .values(meeting_id=meeting.id)
        .execution_options(synchronize_session=False)
    )
    if linked.rowcount != 1:
        raise AlreadyLogged
    set_committed_value(stop, "meeting_id", meeting.id)  # written by the UPDATE above
    record("update", stop, actor=actor, changes={"meeting_id": [None, meeting.id]})
    return meeting
