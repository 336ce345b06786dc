"""An event open to registration, its registrants, and the mail they receive."""

import re
from datetime import UTC, datetime

from sqlalchemy import select

from crm.accounts.models import User
from crm.clock import now_utc
from crm.events.models import Event, Participant
from crm.extensions import db
from crm.organizations.models import Region
from crm.public_events import services
from crm.public_events.models import Registrant
from tests.events.factories import new_event, new_org

LINK = re.compile(r"https?://\S+/e/link/(\S+)")


def open_event(app, owner, slug="tsu-b2b-2026", **data):
    """An event owned by ``owner``, published at /e/<slug> and open to registration."""
    with app.test_request_context():
        actor = db.session.get(User, owner.id)
        organizer = new_org(actor, f"Mie Industry Support Center {slug}", Region.MIE)
        event = new_event(actor, organizer.id, **data)
        event.slug, event.registration_open = slug, True
        db.session.commit()
        return event.id


def registration(**changes):
    return {
        "organization_name": "Suzuki Seiki",
        "side": "mie",
        "tax_id": "",
        "name": "Suzuki Hana",
        "email": "hana@suzuki-seiki.example",
        "language": "ja",
        "timezone": "Asia/Tokyo",
        "offers": "Precision machining of aluminium parts",
        "seeks": "Automotive partners in Europe",
        "attendees": "Suzuki Hana\nTanaka Ken",
        **changes,
    }


def registrant_in(app, event_id, approved=True, **changes):
    """A registrant with a confirmed address, approved into a new organization by the event's
    owner unless ``approved`` is False. Returns its id."""
    with app.test_request_context():
        event = db.session.get(Event, event_id)
        data = registration(**changes)
        now = now_utc()
        registrant = services.register(event, {**data, "sector_ids": []}, now)
        registrant.email_confirmed_at = now
        if approved:
            owner = db.session.get(User, event.owner_id)
            services.approve(registrant, None, actor=owner, now=now)
        db.session.commit()
        return registrant.id


def links_in(smtp, address):
    """The link tokens mailed to ``address``, oldest first."""
    found = []
    for recipients, message in smtp.messages:
        if address in recipients:
            found += LINK.findall(message.get_body(("plain",)).get_content())
    return found


def mails_to(smtp, address):
    return [m for recipients, m in smtp.messages if address in recipients]


def registrant_id(app, email):
    with app.app_context():
        return db.session.scalar(select(Registrant.id).where(Registrant.email == email))


def at(hour):
    return datetime(2026, 10, 1, hour, tzinfo=UTC)


def walk_records(app, owner, org_id, upto):
    """For the authorization walk: an event of ``owner`` open at a slug of its own, with an
    approved registrant and a pending one. Returns (value for the path, approved registrant id):
    the slug ("event_slug"), a pending registration's id ("registration_id") or a live link
    token of the approved registrant ("link_token")."""
    from crm.public_events import links
    from crm.public_events.models import LinkPurpose
    from tests.events.factories import event_record

    event_id = event_record(app, owner, org_id, "event")
    slug = f"walk-{event_id}"
    with app.app_context():
        event = db.session.get(Event, event_id)
        event.slug, event.registration_open = slug, True
        db.session.commit()
    approved = registrant_in(app, event_id, email=f"approved-{event_id}@walk.example")
    asking = registrant_in(
        app,
        event_id,
        organization_name="Tecnalia",
        side="basque_country",
        email=f"asking-{event_id}@walk.example",
    )
    pending = registrant_in(app, event_id, approved=False, email=f"p-{event_id}@walk.example")
    with app.test_request_context():
        one, two = (db.session.get(Registrant, r) for r in (asking, approved))
        event = db.session.get(Event, event_id)
        parties = [db.session.get(Participant, r.participant_id) for r in (one, two)]
        request_id = services.send_request(event, *parties, "Shall we meet?", now_utc()).id
        db.session.commit()
    if upto == "event_slug":
        return slug, approved, request_id
    if upto == "registration_id":
        return pending, approved, request_id
    with app.test_request_context():
        registrant = db.session.get(Registrant, approved)
        token = links.token(links.issue(registrant, LinkPurpose.ACCESS, now_utc()))
        db.session.commit()
    return token, approved, request_id
