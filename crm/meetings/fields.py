"""The fields of a meeting (see ``crm.fields``)."""

from flask_babel import get_timezone
from flask_babel import lazy_gettext as _l

from crm.fields import CREATED, ID, READ, SERVICE, UPDATED, Field, Fields, live_names, user_name
from crm.meetings.models import MeetingKind
from crm.text import search_key


def organization_names(meeting):
    return live_names(meeting.organizations)


def contact_names(meeting):
    return live_names(meeting.contacts)


def attendee_names(meeting):
    return "; ".join(user.name for user in meeting.attendees)


def local_start(meeting):
    """The start in the reader's time zone, ISO 8601 with its offset."""
    return meeting.starts_at.astimezone(get_timezone()).isoformat()


FIELDS = Fields(
    ID,
    Field("starts_at", _l("Starts (UTC)")),  # the form edits it as a local date and time
    Field("starts_local", _l("Starts (your time zone)"), role=READ, export=local_start),
    Field("duration_minutes", _l("Duration (minutes)")),
    Field("kind", _l("Kind"), from_form=MeetingKind),
    Field("title", _l("Subject")),
    Field("location", _l("Where")),
    Field("organization_ids", _l("Organizations"), role=SERVICE, export=organization_names),
    Field("contact_ids", _l("Their people present"), role=SERVICE, export=contact_names),
    Field("attendee_ids", _l("Our people present"), role=SERVICE, export=attendee_names),
    Field("owner_id", _l("Logged by"), role=READ, export=lambda m: user_name(m.owner)),
    Field("match_id", _l("Match"), export=False),  # set by the match it was held for
    Field("summary", _l("Summary")),
    Field("outcomes", _l("Outcomes")),
    CREATED,
    UPDATED,
    derived={"search_key": lambda get: search_key(get("title"), get("location"))},
)
