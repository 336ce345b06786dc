"""Feed tokens for these tests and the authorization walk."""

from crm.accounts.models import User
from crm.calendar import services
from crm.extensions import db


def feed_token(app, user):
    """Turn ``user``'s feed on through the service; returns the secret token."""
    with app.test_request_context():
        token = services.issue_token(db.session.get(User, user.id), actor=None)
        db.session.commit()
    return token
