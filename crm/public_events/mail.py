"""Emails to registrants, through the reminders' outbox: written in the transaction that
decides them, sent by the scheduler's pass after the commit, retried on temporary failures.

A row holds ids only ({"template", "registrant", ...}); the message is rendered when sent, in
the registrant's language and time zone, and a link in it is signed at that moment.
"""

from email.message import EmailMessage
from zoneinfo import ZoneInfo

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from crm.events.models import B2BMeeting, Event, MeetingRequest, Participant
from crm.extensions import db
from crm.public_events import links
from crm.public_events.models import AccessLink, LinkPurpose, Registrant
from crm.reminders import messages
from crm.reminders.headers import add_headers
from crm.reminders.models import Kind
from crm.reminders.planning import enqueue

SUBJECTS = {
    "confirm": lambda c: _("Confirm your address for %(event)s", event=c["event"].name),
    "access": lambda c: _("Your link to %(event)s", event=c["event"].name),
    "approved": lambda c: _("You take part in %(event)s", event=c["event"].name),
    "declined": lambda c: _("Your registration for %(event)s", event=c["event"].name),
    "request_received": lambda c: _(
        "%(name)s asks you for a meeting at %(event)s", name=c["other"], event=c["event"].name
    ),
    "request_accepted": lambda c: _("%(name)s accepted your meeting request", name=c["other"]),
    "request_declined": lambda c: _("%(name)s declined your meeting request", name=c["other"]),
    "request_expired": lambda c: _("Your meeting request to %(name)s expired", name=c["other"]),
    "scheduled": lambda c: _("Your meeting with %(name)s is scheduled", name=c["other"]),
    "moved": lambda c: _("Your meeting with %(name)s has moved", name=c["other"]),
    "follow_up": lambda c: _("How did your meetings at %(event)s go?", event=c["event"].name),
}


def send(registrant, template, now, key, *, link=None, **ids):
    """Queue ``template`` for ``registrant``; ``key`` makes deciding twice send once.

    ``link`` (a LinkPurpose) puts a fresh single-use link in the message.
    """
    payload = {"template": template, "registrant": registrant.id, **ids}
    if link is not None:
        payload["link"] = links.issue(registrant, link, now).id
        key = f"{key}:{payload['link']}"  # every new link is a new message
    row = {
        "dedupe_key": f"b2b:{template}:{registrant.id}:{key}"[:200],
        "kind": Kind.PARTICIPANT.value,
        "recipient_id": None,
        "payload": payload,
    }
    return enqueue([row], now)


def registrant_of(participant_id):
    """The approved registration behind a participant (None: the organizer keyed it in)."""
    return db.session.scalar(
        db.select(Registrant).where(Registrant.participant_id == participant_id)
    )


def tell_participant(participant_id, template, now, key, **ids):
    registrant = registrant_of(participant_id)
    if registrant is not None and registrant.email_confirmed_at is not None:
        send(registrant, template, now, key, link=LinkPurpose.ACCESS, **ids)


def build(row, now):
    payload = row.payload
    registrant = db.session.get(Registrant, payload["registrant"])
    if registrant is None:
        return None
    event = db.session.get(Event, registrant.event_id)
    if event is None or event.is_deleted:
        return None
    context = {"event": event, "registrant": registrant, "payload": payload}
    if payload.get("link"):
        link = db.session.get(AccessLink, payload["link"])
        if link is None:
            return None
        context["link_url"] = links.url(link)
        context["expires_at"] = link.expires_at
    if payload.get("request"):
        request = db.session.get(MeetingRequest, payload["request"])
        if request is None:
            return None
        mine = registrant.participant_id
        other_id = request.requester_id if request.requested_id == mine else request.requested_id
        context["request"] = request
        context["other"] = _organization_name(other_id)
    if payload.get("meeting"):
        meeting = db.session.get(B2BMeeting, payload["meeting"])
        if meeting is None:
            return None
        context["meeting"] = meeting
        request = db.session.get(MeetingRequest, meeting.request_id)
        mine = registrant.participant_id
        other_id = request.requester_id if request.requested_id == mine else request.requested_id
        context["other"] = _organization_name(other_id)
    zone, language = ZoneInfo(registrant.timezone), registrant.language
    with force_locale(language):
        subject = SUBJECTS[payload["template"]](context)
        text = render_template(
            f"emails/b2b/{payload['template']}.txt",
            **context,
            here=lambda dt: messages.local_time(dt, zone, language, city=True),
            there=lambda dt: messages.local_time(dt, ZoneInfo(event.timezone), language, city=True),
        )
    message = EmailMessage()
    message.set_content(text)
    return add_headers(message, row, registrant, subject=subject, now=now)


def _organization_name(participant_id):
    participant = db.session.get(Participant, participant_id)
    from crm.organizations.models import Organization

    return db.session.get(Organization, participant.organization_id).display_name


messages.EXTERNAL[Kind.PARTICIPANT] = build
