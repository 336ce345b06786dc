"""The events blueprint and the loaders its view modules share.

Every loader answers 404 for a record of an event in the trash.
"""

from flask import Blueprint, abort, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crm.events.models import B2BMeeting, Event, MeetingRequest, Participant
from crm.extensions import db
from crm.organizations.models import Organization
from crm.records import live_or_404

bp = Blueprint("events", __name__, url_prefix="/events")


def get_event(event_id):
    """The live event with its organizer and owner."""
    return live_or_404(Event, event_id, selectinload(Event.organizer), selectinload(Event.owner))


def get_participant(participant_id):
    participant = db.session.scalar(
        select(Participant)
        .join(Event, Event.id == Participant.event_id)
        .where(Participant.id == participant_id, Event.deleted_at.is_(None))
        .options(selectinload(Participant.event), selectinload(Participant.organization))
    )
    if participant is None:
        abort(404)
    return participant


def get_request(request_id):
    """The request with what deciding on it needs (editor_ids reads both)."""
    found = db.session.scalar(
        select(MeetingRequest)
        .join(Event, Event.id == MeetingRequest.event_id)
        .where(MeetingRequest.id == request_id, Event.deleted_at.is_(None))
        .options(
            selectinload(MeetingRequest.event),
            selectinload(MeetingRequest.requested).selectinload(Participant.organization),
        )
    )
    if found is None:
        abort(404)
    return found


def get_meeting(b2b_id):
    """The B2B meeting with its event and both participants' organizations."""
    meeting = db.session.scalar(
        select(B2BMeeting)
        .join(Event, Event.id == B2BMeeting.event_id)
        .where(B2BMeeting.id == b2b_id, Event.deleted_at.is_(None))
        .options(
            selectinload(B2BMeeting.event),
            selectinload(B2BMeeting.request)
            .selectinload(MeetingRequest.requester)
            .selectinload(Participant.organization),
            selectinload(B2BMeeting.request)
            .selectinload(MeetingRequest.requested)
            .selectinload(Participant.organization),
        )
    )
    if meeting is None:
        abort(404)
    return meeting


def event_participants(event_id):
    """The event's participants, by organization name, with their organizations loaded."""
    return db.session.scalars(
        select(Participant)
        .join(Organization, Organization.id == Participant.organization_id)
        .where(Participant.event_id == event_id)
        .order_by(Organization.name, Participant.id)
        .options(selectinload(Participant.organization))
    ).all()


SECTIONS = ("participants", "requests", "schedule")


def section_url(event_id, section):
    """The event page open at ``section``."""
    return url_for("events.detail", event_id=event_id, section=section, _anchor=section)
