"""iCalendar (RFC 5545) documents built with the ``icalendar`` library.

Every timed event carries the TZID of the zone its times were entered in, with a VTIMEZONE for
each zone used, so that a calendar in any other zone shows the right instant across the DST
switches. Text is escaped and lines folded by the library.
"""

from datetime import UTC, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from icalendar import Calendar, Event

from crm.urls import external_url

PRODID = "-//Zubia//Partnership CRM//EN"
REFRESH = timedelta(hours=1)  # how often subscribed calendars should fetch the feed again


def new_calendar(name=None, zone=None):
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", REFRESH)
    if zone:
        calendar.add("x-wr-timezone", zone)
    return calendar


def finish(calendar, first, last):
    """Add a VTIMEZONE for every TZID used, covering ``first``..``last``; return the bytes."""
    calendar.add_missing_timezones(
        first_date=first - timedelta(days=366), last_date=last + timedelta(days=366)
    )
    return calendar.to_ical()


def uid(kind, record_id):
    """Stable across fetches, so that calendars update an entry rather than duplicate it."""
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "zubia"
    return f"{kind}-{record_id}@{host}"


def describe(*parts, link):
    return "\n\n".join([*(p.strip() for p in parts if p and p.strip()), link])


def entry(kind, record_id, summary, *, source, link, description=None):
    """A VEVENT with the properties every entry shares; ``source`` is the record whose
    ``updated_at`` (and ``version``, when it has one) date the entry."""
    event = Event()
    event.add("uid", uid(kind, record_id))
    event.add("summary", summary)
    # Without METHOD-driven scheduling, DTSTAMP is when the information last changed (§3.8.7.2).
    event.add("dtstamp", source.updated_at.astimezone(UTC))
    event.add("last-modified", source.updated_at.astimezone(UTC))
    version = getattr(source, "version", None)
    if version is not None:
        event.add("sequence", max(version - 1, 0))
    event.add("description", describe(description, link=link))
    event.add("url", link)
    return event


def timed(event, start, minutes, zone):
    """Start and end on ``zone``'s wall clock, with its TZID.

    The length is real time: two hours from 01:30 on the night the clocks go forward end at
    04:30 on the wall clock. A wall-clock time that happens twice means its first occurrence
    in iCalendar (RFC 5545 §3.3.5), so the second one is written in UTC instead.
    """
    tz = ZoneInfo(zone)
    start = start.astimezone(UTC)
    for name, instant in (("dtstart", start), ("dtend", start + timedelta(minutes=minutes))):
        local = instant.astimezone(tz)
        event.add(name, instant if local.fold else local)
    return event


def all_day(event, first, last, *, busy=True):
    event.add("dtstart", first)
    event.add("dtend", last + timedelta(days=1))  # DTEND of a DATE is exclusive
    event.add("transp", "OPAQUE" if busy else "TRANSPARENT")
    return event


def meeting_event(meeting, zone):
    """``meeting`` with its organizations loaded."""
    names = ", ".join(o.display_name for o in meeting.organizations)
    event = entry(
        "meeting",
        meeting.id,
        meeting.title,
        source=meeting,
        description="\n".join(
            filter(None, [_("With: %(names)s", names=names) if names else "", meeting.summary])
        ),
        link=external_url("meetings.detail", meeting_id=meeting.id),
    )
    if meeting.location:
        event.add("location", meeting.location)
    return timed(event, meeting.starts_at, meeting.duration_minutes, zone)


def visit_events(visit):
    """The visit's days as one all-day entry, and each stop at its local time."""
    link = external_url("visits.detail", visit_id=visit.id)
    yield all_day(
        entry(
            "visit",
            visit.id,
            _("Visit: %(title)s", title=visit.title),
            source=visit,
            description=visit.description,
            link=link,
        ),
        visit.start_date,
        visit.end_date,
    )
    for stop in visit.stops:
        host = stop.host.display_name if stop.host else None
        summary = f"{stop.purpose} ({visit.title})"
        event = entry("visit-stop", stop.id, summary, source=visit, description=host, link=link)
        place = ", ".join(filter(None, [host, stop.place]))
        if place:
            event.add("location", place)
        yield timed(event, stop.starts_at, stop.duration_minutes, visit.zone)


def b2b_event(meeting, event_record, first, second):
    event = entry(
        "b2b-meeting",
        meeting.id,
        _("B2B: %(first)s – %(second)s", first=first.display_name, second=second.display_name),
        source=meeting,
        description=event_record.name,
        link=external_url("events.meeting", b2b_id=meeting.id),
    )
    event.add(
        "location",
        _("%(city)s, table %(table)s", city=event_record.city, table=meeting.table_number),
    )
    return timed(event, meeting.slot_start, event_record.slot_minutes, event_record.timezone)


def action_event(action):
    link = external_url("actions.edit", action_id=action.id)
    summary = _("Due: %(title)s", title=action.title)
    details = action.details
    event = entry("action", action.id, summary, source=action, description=details, link=link)
    return all_day(event, action.due_date, action.due_date, busy=False)
