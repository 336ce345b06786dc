"""What a user's feed holds: their meetings, visits, B2B slots and open actions' due dates.

One query per kind of entry (plus one per relationship loaded), whatever the number of rows.
"""

from datetime import timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import aliased, selectinload

from crm.actions.models import Action, Status
from crm.calendar import ical
from crm.clock import now_utc
from crm.events.models import B2BMeeting, Event, MeetingRequest, Participant
from crm.extensions import db
from crm.meetings.models import Meeting, meeting_attendees
from crm.organizations.models import Organization
from crm.visits.models import Visit, VisitStop, visit_users

PAST = timedelta(days=90)
AHEAD = timedelta(days=400)


def window(now):
    return now - PAST, now + AHEAD


def meeting_zone(meeting, fallback):
    """The zone the meeting's time was entered in: its owner's, or ``fallback``."""
    return meeting.owner.timezone if meeting.owner is not None else fallback


def user_feed(user):
    """The whole feed of ``user`` as iCalendar bytes."""
    start, end = window(now_utc())
    first, last = local_day(start, user.timezone), local_day(end, user.timezone)
    calendar = ical.new_calendar(_("Zubia – %(name)s", name=user.name), user.timezone)
    for meeting in meetings_of(user, start, end):
        calendar.add_component(ical.meeting_event(meeting, meeting_zone(meeting, user.timezone)))
    for visit in visits_of(user, first, last):
        for event in ical.visit_events(visit):
            calendar.add_component(event)
    for meeting, event, one, other in b2b_meetings_of(user, start, end):
        calendar.add_component(ical.b2b_event(meeting, event, one, other))
    for action in actions_of(user, first, last):
        calendar.add_component(ical.action_event(action))
    return ical.finish(calendar, first, last)


def meeting_file(meeting, fallback_zone):
    """One meeting as a calendar of its own (``meeting`` with owner and organizations loaded)."""
    calendar = ical.new_calendar()
    calendar.add_component(ical.meeting_event(meeting, meeting_zone(meeting, fallback_zone)))
    day = meeting.starts_at.date()
    return ical.finish(calendar, day, day)


def local_day(instant, zone):
    return instant.astimezone(ZoneInfo(zone)).date()


def records_of(user, model, linked_users, *conditions, options=()):
    """Live records of ``model`` that ``user`` owns or is one of the people of (through the
    (record, user) table ``linked_users``), in ``model``'s start order."""
    record_id, user_id = linked_users.c
    mine = or_(model.owner_id == user.id, model.id.in_(select(record_id).where(user_id == user.id)))
    start = model.starts_at if hasattr(model, "starts_at") else model.start_date
    return db.session.scalars(
        select(model)
        .where(model.deleted_at.is_(None), mine, *conditions)
        .order_by(start, model.id)
        .options(*options)
    ).all()


def meetings_of(user, start, end):
    during = (Meeting.starts_at >= start, Meeting.starts_at <= end)
    loaded = (selectinload(Meeting.owner), selectinload(Meeting.organizations))
    return records_of(user, Meeting, meeting_attendees, *during, options=loaded)


def visits_of(user, first, last):
    """Visits the user plans or travels with that overlap the window, with their stops."""
    overlapping = (Visit.end_date >= first, Visit.start_date <= last)
    loaded = (selectinload(Visit.stops).selectinload(VisitStop.host),)
    return records_of(user, Visit, visit_users, *overlapping, options=loaded)


def b2b_meetings_of(user, start, end):
    """Scheduled B2B slots of events the user looks after, or where their organization meets.

    Rows of (B2B meeting, event, requester's organization, requested organization).
    """
    asking, asked = aliased(Participant), aliased(Participant)
    one, other = aliased(Organization), aliased(Organization)
    return db.session.execute(
        select(B2BMeeting, Event, one, other)
        .join(Event, Event.id == B2BMeeting.event_id)
        .join(MeetingRequest, MeetingRequest.id == B2BMeeting.request_id)
        .join(asking, asking.id == MeetingRequest.requester_id)
        .join(one, one.id == asking.organization_id)
        .join(asked, asked.id == MeetingRequest.requested_id)
        .join(other, other.id == asked.organization_id)
        .where(
            Event.deleted_at.is_(None),
            B2BMeeting.slot_start >= start,
            B2BMeeting.slot_start <= end,
            or_(
                Event.owner_id == user.id,
                (one.owner_id == user.id) & one.deleted_at.is_(None),
                (other.owner_id == user.id) & other.deleted_at.is_(None),
            ),
        )
        .order_by(B2BMeeting.slot_start, B2BMeeting.id)
    ).all()


def actions_of(user, first, last):
    return db.session.scalars(
        select(Action)
        .where(
            Action.owner_id == user.id,
            Action.status == Status.OPEN,
            Action.deleted_at.is_(None),
            Action.due_date >= first,
            Action.due_date <= last,
        )
        .order_by(Action.due_date, Action.id)
    ).all()
