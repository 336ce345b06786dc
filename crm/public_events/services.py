"""The companies' own operations on a B2B event. They flush; the caller commits.

They build on crm.events.services (requests, decisions, the scheduler) and tell the people
concerned through crm.public_events.mail. Refusals raise ``crm.events.services.Refused``.
"""

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from crm.audit.services import record
from crm.events import services as events
from crm.events.models import (
    B2BMeeting,
    Event,
    MeetingRequest,
    Participant,
    Registration,
    RequestStatus,
)
from crm.events.services import Refused
from crm.extensions import db
from crm.matching import services as matching
from crm.organizations import services as organizations
from crm.organizations.models import Kind, Organization, Region
from crm.public_events import mail
from crm.public_events.models import Decision, LinkPurpose, Registrant, Side
from crm.text import organization_name_key

REGISTRATION_FIELDS = (
    "organization_name",
    "side",
    "tax_id",
    "name",
    "email",
    "language",
    "timezone",
    "offers",
    "seeks",
    "sector_ids",
    "attendees",
)


def normalize_email(address):
    return address.strip().lower()


def is_open(event, now):
    return (
        event.registration_open
        and event.slug is not None
        and (event.registration_deadline is None or now < event.registration_deadline)
    )


# Registering and signing in


def register(event, data, now):
    """Register, or, for an address already registered, mail it a sign-in link instead.

    Either way the answer to the visitor is the same, so nobody learns who registered.
    """
    if not is_open(event, now):
        raise Refused("registration_closed")
    email = normalize_email(data["email"])
    found = find_registrant(event, email)
    if found is not None:
        request_link(event, email, now)
        return None
    registrant = Registrant(event_id=event.id, created_at=now)
    for field in REGISTRATION_FIELDS:
        setattr(registrant, field, data.get(field))
    registrant.email = email
    db.session.add(registrant)
    db.session.flush()
    record("create", "b2b_registrant", registrant.id, changes={"event": [None, event.id]})
    mail.send(registrant, "confirm", now, f"{now.isoformat()}", link=LinkPurpose.CONFIRM)
    return registrant


def find_registrant(event, email):
    return db.session.scalar(
        select(Registrant).where(
            Registrant.event_id == event.id, Registrant.email == normalize_email(email)
        )
    )


def request_link(event, email, now):
    """Mail a sign-in link if ``email`` registered for ``event``; nothing otherwise."""
    registrant = find_registrant(event, email)
    if registrant is None or registrant.status is Decision.DECLINED:
        return False
    purpose = LinkPurpose.ACCESS if registrant.email_confirmed_at else LinkPurpose.CONFIRM
    template = "access" if purpose is LinkPurpose.ACCESS else "confirm"
    mail.send(registrant, template, now, now.isoformat(), link=purpose)
    return True


def follow(link, now):
    """Someone followed a mailed link: confirm the address if it was the first one.

    Returns the registrant, or None when the link was spent meanwhile.
    """
    from crm.public_events import links

    if not links.use(link, now):
        return None
    registrant = link.registrant
    if registrant.email_confirmed_at is None:
        registrant.email_confirmed_at = now
        db.session.flush()
        record("update", "b2b_registrant", registrant.id, changes={"email_confirmed": [None, True]})
    return registrant


# The organizer's side


def candidates(registrant, limit=5):
    """Zubia organizations this registration may be, each with why: name (either script),
    email domain, tax ID. For the organizer to confirm; nothing is linked without them."""
    found = {}

    def add(org, reason):
        found.setdefault(org.id, (org, []))[1].append(reason)

    for org in organizations.likely_duplicates(registrant.organization_name, None, limit=limit):
        add(org, "name")
    key = organization_name_key(registrant.organization_name)
    if key:
        for org in db.session.scalars(
            select(Organization).where(
                Organization.deleted_at.is_(None),
                or_(
                    func.lower(Organization.name) == registrant.organization_name.lower(),
                    func.lower(Organization.native_name) == registrant.organization_name.lower(),
                ),
            )
        ):
            if org.id not in found:
                add(org, "name")
    domain = registrant.email.rpartition("@")[2]
    if domain:
        for org in db.session.scalars(
            select(Organization).where(
                Organization.deleted_at.is_(None),
                or_(
                    func.lower(Organization.email).like(f"%@{domain}"),
                    func.lower(Organization.website).like(f"%://{domain}%"),
                    func.lower(Organization.website).like(f"%://www.{domain}%"),
                ),
            )
        ).all()[:limit]:
            if _same_domain(org, domain):
                add(org, "domain")
    tax = _tax_key(registrant.tax_id)
    if tax:
        for org in db.session.scalars(
            select(Organization).where(
                Organization.deleted_at.is_(None), Organization.tax_id.is_not(None)
            )
        ):
            if _tax_key(org.tax_id) == tax:
                add(org, "tax_id")
    return list(found.values())[:limit]


def _same_domain(org, domain):
    hosts = {(org.email or "").lower().rpartition("@")[2]}
    if org.website:
        host = (urlsplit(org.website).hostname or "").lower()
        hosts |= {host, host.removeprefix("www.")}
    return domain in hosts


def _tax_key(value):
    return "".join(ch for ch in (value or "").upper() if ch.isalnum())


REGIONS = {
    Side.BASQUE_COUNTRY: (Region.BASQUE_COUNTRY, "ES"),
    Side.MIE: (Region.MIE, "JP"),
    Side.OTHER_JAPAN: (Region.OTHER_JAPAN, "JP"),
    Side.OTHER_EUROPE: (Region.OTHER_EUROPE, "ES"),
}


def approve(registrant, organization, *, actor, now):
    """Approve into ``organization`` (an existing one the organizer confirmed), or, with None,
    into a new organization made from the registration."""
    if registrant.status is not Decision.PENDING:
        raise Refused("decided")
    if organization is None:
        region, country = REGIONS[registrant.side]
        organization = organizations.create_organization(
            {
                "name": registrant.organization_name,
                "kind": Kind.COMPANY,
                "region": region,
                "country": country,
                "email": registrant.email,
                "tax_id": registrant.tax_id,
                "capabilities": registrant.offers,
                "interests": registrant.seeks,
                "sector_ids": registrant.sector_ids or [],
            },
            actor=actor,
        )
    event = db.session.get(Event, registrant.event_id)
    participant = db.session.scalar(
        select(Participant).where(
            Participant.event_id == event.id, Participant.organization_id == organization.id
        )
    )
    if participant is None:
        participant = events.add_participant(
            event,
            organization,
            {
                "status": Registration.REGISTERED,
                "offers": registrant.offers,
                "seeks": registrant.seeks,
            },
            actor=actor,
        )
    taken = db.session.scalar(
        select(Registrant.id).where(Registrant.participant_id == participant.id)
    )
    if taken is not None:
        raise Refused("already_participant")
    registrant.participant_id = participant.id
    _decide(registrant, Decision.APPROVED, actor, now)
    mail.send(registrant, "approved", now, "approved", link=LinkPurpose.ACCESS)
    return participant


def decline(registrant, *, actor, now):
    if registrant.status is not Decision.PENDING:
        raise Refused("decided")
    _decide(registrant, Decision.DECLINED, actor, now)
    if registrant.email_confirmed_at is not None:
        mail.send(registrant, "declined", now, "declined")


def _decide(registrant, status, actor, now):
    registrant.status, registrant.decided_at = status, now
    db.session.flush()
    record(
        "update",
        "b2b_registrant",
        registrant.id,
        actor=actor,
        changes={"status": ["pending", status.value]},
    )


def registrations(event_id):
    return db.session.scalars(
        select(Registrant)
        .where(Registrant.event_id == event_id)
        .order_by(Registrant.created_at, Registrant.id)
    ).all()


# The directory and requests


def directory(event_id):
    """The approved participants of the event, by organization name."""
    return db.session.scalars(
        select(Participant)
        .join(Registrant, Registrant.participant_id == Participant.id)
        .join(Organization, Organization.id == Participant.organization_id)
        .where(Participant.event_id == event_id, Registrant.status == Decision.APPROVED)
        .order_by(Organization.name, Participant.id)
        .options(selectinload(Participant.organization))
    ).all()


def suggestions(participant, listed, limit=5):
    """The matching engine's best partners for ``participant`` among ``listed`` participants,
    with its reasons: [(participant, score, reasons)]."""
    by_org = {p.organization_id: p for p in listed if p.id != participant.id}
    found = []
    for proposal in matching.proposals(participant.organization_id, limit=200):
        other = proposal.mie_id if proposal.basque_id == participant.organization_id else None
        other = other or proposal.basque_id
        if other in by_org:
            found.append((by_org[other], proposal.score, proposal.reasons))
        if len(found) == limit:
            break
    return found


def requests_of(participant):
    return db.session.scalars(
        select(MeetingRequest)
        .where(
            or_(
                MeetingRequest.requester_id == participant.id,
                MeetingRequest.requested_id == participant.id,
            )
        )
        .order_by(MeetingRequest.created_at, MeetingRequest.id)
    ).all()


def send_request(event, requester, requested, message, now):
    """A participant asks another approved participant of the same event for a meeting."""
    if event.request_deadline is not None and now >= event.request_deadline:
        raise Refused("requests_closed")
    if requested.id not in {p.id for p in directory(event.id)}:
        raise Refused("other_event")
    sent = db.session.scalar(
        select(func.count(MeetingRequest.id)).where(
            MeetingRequest.requester_id == requester.id,
            MeetingRequest.status.in_([RequestStatus.PENDING, RequestStatus.ACCEPTED]),
        )
    )
    if sent >= event.request_cap:
        raise Refused("request_cap", cap=event.request_cap)
    request = events.request_meeting(event, requester, requested, actor=None, message=message)
    mail.tell_participant(requested.id, "request_received", now, request.id, request=request.id)
    return request


def answer_request(request, participant, accept, now):
    if request.requested_id != participant.id:
        raise Refused("not_yours")
    events.decide_request(request, accept, actor=None)
    template = "request_accepted" if accept else "request_declined"
    mail.tell_participant(request.requester_id, template, now, request.id, request=request.id)


def expire_requests(now):
    """The scheduler's job: expire pending requests past their event's deadline, tell the
    requesters."""
    expired = events.expire_requests(now)
    for request in expired:
        mail.tell_participant(
            request.requester_id, "request_expired", now, request.id, request=request.id
        )
    return len(expired)


# The schedule


def unavailable_slots(event):
    """{participant id: {slot (UTC)}} of the approved registrations that marked slots."""
    rows = db.session.execute(
        select(Registrant.participant_id, Registrant.unavailable).where(
            Registrant.event_id == event.id, Registrant.participant_id.is_not(None)
        )
    )
    return {
        participant_id: {datetime.fromisoformat(s).astimezone(UTC) for s in slots or []}
        for participant_id, slots in rows
        if slots
    }


def set_unavailable(registrant, slots, event):
    valid = {s.isoformat() for s in events.event_slots(event)}
    registrant.unavailable = sorted(s for s in slots if s in valid)
    db.session.flush()


def meetings_placed(event, meeting_ids):
    """Both sides of every meeting the scheduler placed hear of it (crm.events' signal)."""
    from crm.clock import now_utc

    now = now_utc()
    meetings = db.session.execute(
        select(B2BMeeting.id, MeetingRequest.requester_id, MeetingRequest.requested_id)
        .join(MeetingRequest, MeetingRequest.id == B2BMeeting.request_id)
        .where(B2BMeeting.id.in_(meeting_ids))
    )
    for meeting_id, one, two in meetings:
        for party in (one, two):
            mail.tell_participant(party, "scheduled", now, meeting_id, meeting=meeting_id)


def agenda(participant):
    """The participant's meetings in time order: [(meeting, other participant)]."""
    return events.participant_meetings(participant)


def people_of(participant_ids):
    """{participant id: (registrant's name, attendees)}: who each participant sends."""
    rows = db.session.execute(
        select(Registrant.participant_id, Registrant.name, Registrant.attendees).where(
            Registrant.participant_id.in_(participant_ids)
        )
    )
    return {pid: (name, attendees) for pid, name, attendees in rows}


def meeting_moved(meeting, changes):
    """Both sides of a meeting the organizer moved hear of it (crm.events' signal)."""
    from crm.clock import now_utc

    now = now_utc()
    for party in meeting.request.party_ids:
        key = f"{meeting.id}:{meeting.slot_start.isoformat()}:{meeting.table_number}"
        mail.tell_participant(party, "moved", now, key, meeting=meeting.id)


events.meeting_moved.connect(meeting_moved)
events.meetings_placed.connect(meetings_placed)
events.UNAVAILABILITY.append(unavailable_slots)


# After the event


def ask_follow_up(event, now):
    """Mail every approved participant with meetings a link to the follow-up page."""
    count = 0
    for registrant in registrations(event.id):
        if registrant.approved and registrant.email_confirmed_at is not None:
            participant = db.session.get(Participant, registrant.participant_id)
            if agenda(participant):
                mail.send(registrant, "follow_up", now, "follow_up", link=LinkPurpose.FOLLOW_UP)
                count += 1
    return count


def answer_follow_up(meeting, participant, data, now):
    """Keep one participant's answer about ``meeting`` and carry it into Zubia: a meeting on
    both organizations' timelines (made at the first answer, completed at the second), a next
    action for the owner of the answering organization, and a match once both want more.

    The event's owner is the actor of what is written in Zubia; without one nothing is.
    """
    from crm.accounts.models import User
    from crm.meetings import services as meetings
    from crm.meetings.models import Meeting, MeetingKind
    from crm.public_events.models import FollowUp

    request = db.session.get(MeetingRequest, meeting.request_id)
    if participant.id not in request.party_ids:
        raise Refused("not_yours")
    answer = db.session.scalar(
        select(FollowUp).where(
            FollowUp.meeting_id == meeting.id, FollowUp.participant_id == participant.id
        )
    )
    if answer is not None:
        raise Refused("answered")
    event = db.session.get(Event, meeting.event_id)
    actor = db.session.get(User, event.owner_id) if event.owner_id else None
    if actor is None:
        raise Refused("no_organizer")
    answer = FollowUp(
        meeting_id=meeting.id,
        participant_id=participant.id,
        how_it_went=data["how_it_went"],
        next_step=data.get("next_step") or None,
        wants_to_continue=bool(data.get("wants_to_continue")),
        answered_at=now,
    )
    db.session.add(answer)
    db.session.flush()
    answers = db.session.scalars(select(FollowUp).where(FollowUp.meeting_id == meeting.id)).all()
    parties = {
        p.id: p
        for p in db.session.scalars(
            select(Participant)
            .where(Participant.id.in_(request.party_ids))
            .options(selectinload(Participant.organization))
        )
    }
    summary = "\n\n".join(
        f"{parties[a.participant_id].organization.display_name}: {a.how_it_went}"
        + (f"\n→ {a.next_step}" if a.next_step else "")
        for a in answers
    )
    earlier = next((a.zubia_meeting_id for a in answers if a.zubia_meeting_id), None)
    zubia = (
        db.session.scalar(
            select(Meeting)
            .where(Meeting.id == earlier)
            .options(
                selectinload(Meeting.organizations),
                selectinload(Meeting.contacts),
                selectinload(Meeting.attendees),
            )
        )
        if earlier
        else None
    )
    if zubia is None:
        zubia = meetings.create_meeting(
            {
                "kind": MeetingKind.EVENT,
                "title": f"B2B: {event.name}",
                "starts_at": meeting.slot_start,
                "duration_minutes": event.slot_minutes,
                "location": f"{event.city}, {meeting.table_number}",
                "summary": summary,
                "organization_ids": [p.organization_id for p in parties.values()],
            },
            actor=actor,
        )
    else:
        meetings.update_meeting(zubia, {"summary": summary}, actor=actor)
    for item in answers:
        item.zubia_meeting_id = zubia.id
    if answer.next_step:
        organization = parties[participant.id].organization
        from crm.actions import services as actions

        actions.create_action(
            {
                "title": answer.next_step[:200],
                "owner_id": organization.owner_id or actor.id,
                "due_date": (now + timedelta(days=7)).date(),
                "organization_id": organization.id,
                "meeting_id": zubia.id,
            },
            actor=actor,
        )
    match = None
    if len(answers) == 2 and all(a.wants_to_continue for a in answers) and not meeting.match_id:
        loaded = db.session.get(B2BMeeting, meeting.id)
        try:
            match, _created = events.open_match(
                loaded, [p.organization_id for p in parties.values()], actor=actor
            )
        except Refused:
            match = None
    db.session.flush()
    return answer, zubia, match


def follow_ups_of(participant_id):
    from crm.public_events.models import FollowUp

    return {
        f.meeting_id: f
        for f in db.session.scalars(
            select(FollowUp).where(FollowUp.participant_id == participant_id)
        )
    }
