import pytest
from sqlalchemy import select

from crm.accounts.models import User
from crm.extensions import db
from crm.notifications.models import Notification


@pytest.fixture
def notifications(app):
    """``notifications(user)``: (kind, entity type, entity id, actor id, read) of theirs, oldest
    first."""

    def of(user):
        with app.app_context():
            rows = db.session.scalars(
                select(Notification)
                .where(Notification.recipient_id == user.id)
                .order_by(Notification.id)
            ).all()
            return [
                (r.kind.value, r.entity_type, r.entity_id, r.actor_id, r.read_at is not None)
                for r in rows
            ]

    return of


@pytest.fixture
def as_user(app):
    """``as_user(user, change)`` runs ``change(actor)`` as that user in a request, and commits."""

    def run(user, change):
        with app.test_request_context():
            result = change(db.session.get(User, user.id))
            db.session.commit()
            return result

    return run
