"""Visits and stops made through the services, for these tests and the authorization walk."""

from datetime import UTC, date, datetime

from crm.accounts.models import User
from crm.extensions import db
from crm.visits import services
from crm.visits.models import Direction, Visit


def make_visit(app, owner, organization_id, **data):
    """A Basque delegation to Mie, 2-6 November 2026, planned by ``owner``; returns its id."""
    data = {
        "direction": Direction.TO_MIE,
        "title": "Basque industry delegation to Mie",
        "start_date": date(2026, 11, 2),
        "end_date": date(2026, 11, 6),
        "lead_organization_id": organization_id,
        "user_ids": [owner.id],
        "contact_ids": [],
        **data,
    }
    with app.test_request_context():
        visit = services.create_visit(data, actor=db.session.get(User, owner.id))
        db.session.commit()
        return visit.id


def make_stop(app, owner, organization_id, visit_id=None, **data):
    """A stop at ``organization_id`` (10:00 in Tsu on 3 November 2026); returns its id."""
    visit_id = visit_id or make_visit(app, owner, organization_id)
    data = {
        "starts_at": datetime(2026, 11, 3, 1, 0, tzinfo=UTC),
        "duration_minutes": 90,
        "host_organization_id": organization_id,
        "place": "Tsu",
        "purpose": "Courtesy call",
        **data,
    }
    with app.test_request_context():
        visit = db.session.get(Visit, visit_id)
        stop = services.add_stop(visit, data, actor=db.session.get(User, owner.id))
        db.session.commit()
        return stop.id


def get(app, model, record_id):
    with app.app_context():
        item = db.session.get(model, record_id)
        if item is not None:
            db.session.expunge(item)
        return item
