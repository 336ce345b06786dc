"""Events built through the services, for the tests of this area and the authorization walk."""

from datetime import date, time

from sqlalchemy import select

from crm.accounts.models import User
from crm.events import services
from crm.events.models import B2BMeeting, Host, Registration
from crm.extensions import db
from crm.organizations import services as organizations
from crm.organizations.models import Kind, Organization, Region

EVENT = {
    "name": "Mie–Basque B2B Meetings 2026",
    "city": "Tsu",
    "country": Host.JAPAN,
    "start_date": date(2026, 11, 10),
    "end_date": date(2026, 11, 10),
    "slot_minutes": 30,
    "tables": 4,
    "session_start": time(10, 0),
    "session_end": time(12, 0),
}


def new_event(actor, organizer_id, **data):
    return services.create_event({**EVENT, "organizer_id": organizer_id, **data}, actor=actor)


def new_org(actor, name, region=Region.BASQUE_COUNTRY, **data):
    country = "JP" if region in (Region.MIE, Region.OTHER_JAPAN) else "ES"
    values = {"name": name, "kind": Kind.COMPANY, "region": region, "country": country, **data}
    return organizations.create_organization(values, actor=actor)


def join(event, actor, org, status=Registration.REGISTERED):
    return services.add_participant(event, org, {"status": status}, actor=actor)


def event_record(app, owner, org_id, upto):
    """An event owned by ``owner`` where ``org_id`` takes part and a partner asked it for a
    meeting, accepted and scheduled. Returns the id of the ``upto`` record: "event",
    "participant", "request" or "b2b".
    """
    with app.test_request_context():
        actor = db.session.get(User, owner.id)
        org = db.session.get(Organization, org_id)
        event = new_event(actor, org.id)
        found = {"event": event}
        if upto != "event":
            found["participant"] = join(event, actor, org)
            partner = join(event, actor, new_org(actor, "Tsu Partner", Region.MIE))
            found["request"] = services.request_meeting(
                event, partner, found["participant"], actor=actor
            )
            services.decide_request(found["request"], True, actor=actor)
            services.schedule(event, actor=actor)
            found["b2b"] = db.session.scalars(
                select(B2BMeeting).where(B2BMeeting.event_id == event.id)
            ).one()
        db.session.commit()
        return found[upto].id
