"""An event in Tsu with Basque and Mie participants, built through the services."""

from itertools import pairwise
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from crm.accounts.models import User
from crm.events import services
from crm.events.models import B2BMeeting
from crm.extensions import db
from crm.organizations.models import Region
from tests.events.factories import join, new_event, new_org


@pytest.fixture
def build(app):
    """``build(owner, n)``: an event owned by ``owner`` with ``n`` participants, Basque and
    Mie in turn, each asking the next for a meeting, every request accepted. Returns ids."""

    def make(owner, n=4, schedule=False, **event):
        with app.test_request_context():
            actor = db.session.get(User, owner.id)
            organizer = new_org(actor, "Mie Industry Support Center", Region.MIE)
            found = new_event(actor, organizer.id, **event)
            people = []
            for i in range(n):
                region = Region.BASQUE_COUNTRY if i % 2 == 0 else Region.MIE
                org = new_org(actor, f"{'Basque' if i % 2 == 0 else 'Mie'} Firm {i}", region)
                people.append(join(found, actor, org))
            requests = [
                services.request_meeting(found, one, two, actor=actor)
                for one, two in pairwise(people)
            ]
            for request in requests:
                services.decide_request(request, True, actor=actor)
            if schedule:
                services.schedule(found, actor=actor)
            db.session.commit()
            return SimpleNamespace(
                id=found.id,
                participants=[p.id for p in people],
                orgs=[p.organization_id for p in people],
                requests=[r.id for r in requests],
            )

    return make


@pytest.fixture
def rows(app):
    """``rows(Model)``: how many rows the table holds."""

    def count(model):
        with app.app_context():
            return db.session.scalar(select(func.count()).select_from(model))

    return count


@pytest.fixture
def grid(app):
    """``grid(event_id)``: [(request_id, slot, table)] of the event's schedule."""

    def read(event_id):
        with app.app_context():
            return [
                tuple(row)
                for row in db.session.execute(
                    select(B2BMeeting.request_id, B2BMeeting.slot_start, B2BMeeting.table_number)
                    .where(B2BMeeting.event_id == event_id)
                    .order_by(B2BMeeting.slot_start, B2BMeeting.table_number)
                )
            ]

    return read
