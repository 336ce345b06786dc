"""B2B event operations. They flush; the caller commits.

Refusals raise ``Refused`` with a reason code and details; the views word the message, in the
reader's language and time zone, and roll back so that nothing is saved.
"""

from datetime import time

from blinker import signal
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from crm.audit.services import diff, record
from crm.clock import now_utc
from crm.events import scheduling
from crm.events.models import B2BMeeting, Event, MeetingRequest, Participant, RequestStatus
from crm.extensions import db
from crm.matching import services as matching
from crm.matching.models import Match

# A placed meeting moved to another slot or table (by the organizer): whoever tells the
# parties listens (crm.public_events), so this area imports none of them.
meeting_moved = signal("b2b-meeting-moved")
# The scheduler placed meetings (sender: the event; ``meeting_ids``).
meetings_placed = signal("b2b-meetings-placed")
# Who cannot meet when: functions event -> {participant id: {slot}}, registered by the areas
# that know (crm.public_events: the slots participants marked), read by every scheduler run.
UNAVAILABILITY = []

EVENT_FIELDS = (
    "name",
    "city",
    "country",
    "start_date",
    "end_date",
    "organizer_id",
    "slot_minutes",
    "tables",
    "session_start",
    "session_end",
)
PARTICIPANT_FIELDS = ("status", "offers", "seeks")
OUTCOME_FIELDS = ("attendance", "outcome")


class Refused(ValueError):
    """The change is not allowed as asked; ``reason`` says why, ``details`` with what."""

    def __init__(self, reason, **details):
        super().__init__(reason)
        self.reason = reason
        self.details = details


def _history(changes):
    """Times of day are not JSON: the history keeps them as "HH:MM"."""
    return {
        name: [v.strftime("%H:%M") if isinstance(v, time) else v for v in values]
        for name, values in changes.items()
    }


# Events


def create_event(data, *, actor):
    if data["end_date"] < data["start_date"]:
        raise Refused("dates")
    event = Event(owner_id=actor.id)
    changes = diff(event, data, EVENT_FIELDS)
    db.session.add(event)
    db.session.flush()
    record("create", event, actor=actor, changes=_history(changes))
    return event


def update_event(event, data, *, actor):
    """Change an event; refused when placed meetings would fall outside its new grid."""
    if data["end_date"] < data["start_date"]:
        raise Refused("dates")
    changes = diff(event, data, EVENT_FIELDS)
    if not changes:
        return changes
    lock_event(event)
    slots = set(event_slots(event))
    stranded = [
        b for b in bookings(event.id) if b.slot not in slots or not 1 <= b.table <= event.tables
    ]
    if stranded:
        raise Refused("stranded", count=len(stranded))
    db.session.flush()
    record("update", event, actor=actor, changes=_history(changes))
    return changes


# Participants and requests


def add_participant(event, organization, data, *, actor):
    """Add an organization; what it offers and seeks defaults to its screening profile."""
    taken = db.session.scalar(
        select(Participant.id).where(
            Participant.event_id == event.id, Participant.organization_id == organization.id
        )
    )
    if taken is not None:
        raise Refused("already_participant")
    participant = Participant(
        event_id=event.id,
        organization_id=organization.id,
        status=data["status"],
        offers=data.get("offers") or organization.capabilities,
        seeks=data.get("seeks") or organization.interests,
    )
    db.session.add(participant)
    db.session.flush()
    record(
        "create",
        participant,
        actor=actor,
        changes={"event": [None, event.id], "organization": [None, organization.id]},
    )
    return participant


def update_participant(participant, data, *, actor):
    changes = diff(participant, data, [f for f in PARTICIPANT_FIELDS if f in data])
    if changes:
        db.session.flush()
        record("update", participant, actor=actor, changes=changes)
    return changes


def request_meeting(event, requester, requested, *, actor, message=None):
    """``requester`` asks ``requested`` for a one-to-one meeting at ``event``.

    ``actor`` is None when a participant asks through the event's public pages.
    """
    if requester.id == requested.id:
        raise Refused("oneself")
    if {requester.event_id, requested.event_id} != {event.id}:
        raise Refused("other_event")
    earlier = db.session.scalars(
        select(MeetingRequest).where(
            or_(
                (MeetingRequest.requester_id == requester.id)
                & (MeetingRequest.requested_id == requested.id),
                (MeetingRequest.requester_id == requested.id)
                & (MeetingRequest.requested_id == requester.id),
            )
        )
    ).all()
    for found in earlier:
        if found.requester_id == requester.id:
            raise Refused("already_requested")
        if found.status is not RequestStatus.DECLINED:
            raise Refused("asked_the_other_way")
    request = MeetingRequest(
        event_id=event.id,
        requester_id=requester.id,
        requested_id=requested.id,
        created_by_id=actor.id if actor is not None else None,
        message=message or None,
    )
    db.session.add(request)
    db.session.flush()
    record(
        "create",
        request,
        actor=actor,
        changes={"requester": [None, requester.id], "requested": [None, requested.id]},
    )
    return request


def decide_request(request, accept, *, actor):
    if request.status is not RequestStatus.PENDING:
        raise Refused("decided")
    status = RequestStatus.ACCEPTED if accept else RequestStatus.DECLINED
    request.status, request.decided_at = status, now_utc()
    request.decided_by_id = actor.id if actor is not None else None
    db.session.flush()
    record(
        "update",
        request,
        actor=actor,
        changes={"status": [RequestStatus.PENDING.value, status.value]},
    )


# The schedule


def lock_event(event):
    """Take the event's row lock (PostgreSQL) so schedule changes of one event run in turn.

    The unique (event, slot, table) constraint guards tables under any concurrency; this lock
    keeps two moves from putting one organization in two places at once. SQLite writes one
    transaction at a time anyway and ignores FOR UPDATE.
    """
    db.session.execute(select(Event.id).where(Event.id == event.id).with_for_update())


def event_slots(event):
    return scheduling.session_slots(
        event.start_date,
        event.end_date,
        event.session_start,
        event.session_end,
        event.slot_minutes,
        event.timezone,
    )


def bookings(event_id):
    """The event's grid as plain bookings whose parties are participant ids."""
    rows = db.session.execute(
        select(
            B2BMeeting.request_id,
            B2BMeeting.slot_start,
            B2BMeeting.table_number,
            MeetingRequest.requester_id,
            MeetingRequest.requested_id,
        )
        .join(MeetingRequest, MeetingRequest.id == B2BMeeting.request_id)
        .where(B2BMeeting.event_id == event_id)
    )
    return [
        scheduling.Booking(request_id, frozenset({one, two}), slot, table)
        for request_id, slot, table, one, two in rows
    ]


def schedule(event, *, actor, unavailable=None):
    """Place every accepted request not yet in the grid; the meetings already there stay.

    ``unavailable`` maps participant ids to the slots they cannot attend; by default, what
    the functions in ``UNAVAILABILITY`` say.
    """
    if unavailable is None:
        unavailable = {}
        for source in UNAVAILABILITY:
            for party, slots in source(event).items():
                unavailable.setdefault(party, set()).update(slots)
    lock_event(event)
    fixed = bookings(event.id)
    placed_ids = {b.request_id for b in fixed}
    accepted = db.session.execute(
        select(MeetingRequest.id, MeetingRequest.requester_id, MeetingRequest.requested_id).where(
            MeetingRequest.event_id == event.id,
            MeetingRequest.status == RequestStatus.ACCEPTED,
        )
    )
    wanted = [
        scheduling.Wanted(request_id, frozenset({one, two}))
        for request_id, one, two in accepted
        if request_id not in placed_ids
    ]
    plan = scheduling.plan(event_slots(event), event.tables, fixed, wanted, unavailable)
    placed = [
        B2BMeeting(
            event_id=event.id,
            request_id=booking.request_id,
            slot_start=booking.slot,
            table_number=booking.table,
        )
        for booking in plan.placed
    ]
    db.session.add_all(placed)
    db.session.flush()
    if plan.placed:
        changes = {"b2b_meetings": [len(fixed), len(fixed) + len(plan.placed)]}
        record("update", event, actor=actor, changes=changes)
        meetings_placed.send(event, meeting_ids=[m.id for m in placed])
    return plan


def participant_meetings(participant):
    """A participant's meetings in time order, each with the other participant (and its
    organization) loaded: [(meeting, other participant)]."""
    meetings = db.session.scalars(
        select(B2BMeeting)
        .join(MeetingRequest, MeetingRequest.id == B2BMeeting.request_id)
        .where(
            or_(
                MeetingRequest.requester_id == participant.id,
                MeetingRequest.requested_id == participant.id,
            )
        )
        .order_by(B2BMeeting.slot_start)
        .options(selectinload(B2BMeeting.request))
    ).all()
    other = {m.id: (m.request.party_ids - {participant.id}).pop() for m in meetings}
    counterparts = {
        p.id: p
        for p in db.session.scalars(
            select(Participant)
            .where(Participant.id.in_(set(other.values())))
            .options(selectinload(Participant.organization))
        )
    }
    return [(m, counterparts[other[m.id]]) for m in meetings]


def move_meeting(meeting, slot, table, *, actor):
    """Move a meeting by hand; refused if it would double-book a table or an organization.

    ``meeting.event`` and ``meeting.request`` must be loaded.
    """
    event = meeting.event
    lock_event(event)
    if slot not in set(event_slots(event)):
        raise Refused("not_a_slot")
    if not 1 <= table <= event.tables:
        raise Refused("no_such_table", tables=event.tables)
    moved = scheduling.Booking(
        meeting.request_id, frozenset(meeting.request.party_ids), slot, table
    )
    problem = scheduling.clash(moved, bookings(event.id))
    if problem == ("table", None):
        raise Refused("table_taken", slot=slot, table=table)
    if problem:
        raise Refused("party_busy", slot=slot, participant_id=problem[1])
    changes = diff(
        meeting, {"slot_start": slot, "table_number": table}, ("slot_start", "table_number")
    )
    if changes:
        db.session.flush()
        record("update", meeting, actor=actor, changes=changes)
        meeting_moved.send(meeting, changes=changes)
    return changes


def expire_requests(now):
    """Pending requests of events whose request deadline has passed become expired.

    Returns the expired requests (for whoever tells their parties); the caller commits.
    """
    due = db.session.scalars(
        select(MeetingRequest)
        .join(Event, Event.id == MeetingRequest.event_id)
        .where(
            MeetingRequest.status == RequestStatus.PENDING,
            Event.request_deadline.is_not(None),
            Event.request_deadline <= now,
            Event.deleted_at.is_(None),
        )
        .with_for_update(skip_locked=True)
    ).all()
    for request in due:
        request.status, request.decided_at = RequestStatus.EXPIRED, now
    if due:
        db.session.flush()
        for request in due:
            record("update", request, changes={"status": ["pending", "expired"]})
    return due


# After the meeting


def record_outcome(meeting, data, *, actor):
    changes = diff(meeting, data, OUTCOME_FIELDS)
    if changes:
        db.session.flush()
        record("update", meeting, actor=actor, changes=changes)
    return changes


def open_match(meeting, organization_ids, *, actor):
    """Link the meeting to the match of its two organizations, opening one if there is none.

    Returns (match, created). Two organizations of the same side are refused ("same_side").
    """
    if meeting.match_id is not None:
        raise Refused("already_linked")
    first, second = organization_ids
    existing = db.session.scalar(
        select(Match).where(
            or_(
                (Match.basque_id == first) & (Match.mie_id == second),
                (Match.basque_id == second) & (Match.mie_id == first),
            )
        )
    )
    if existing is not None and existing.is_deleted:
        raise Refused("match_in_trash")
    created = existing is None
    if created:
        try:
            existing = matching.accept(first, second, actor=actor)
        except ValueError as error:
            raise Refused("same_side") from error
    meeting.match_id = existing.id
    db.session.flush()
    record("update", meeting, actor=actor, changes={"match_id": [None, existing.id]})
    return existing, created
