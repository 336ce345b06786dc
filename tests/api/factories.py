"""Tokens and webhook rows for the API's tests and the authorization walk, through the
services."""

from crm.accounts.models import User
from crm.api import tokens, webhooks
from crm.api.models import WebhookDelivery
from crm.clock import now_utc
from crm.extensions import db


def issue_token(app, user, scope="write", **options):
    """A token of ``user`` made by the service: ``(id, secret)``."""
    with app.test_request_context():
        owner = db.session.get(User, user.id)
        token, secret = tokens.issue(owner, "tests", scope, actor=owner, **options)
        db.session.commit()
        return token.id, secret


def api_token(app, user):
    return issue_token(app, user)[0]


def webhook_endpoint(app, user, url="http://93.184.215.14/zubia", events=("*",)):
    with app.test_request_context():
        endpoint = webhooks.register(url, list(events), None, actor=db.session.get(User, user.id))
        db.session.commit()
        return endpoint.id


def webhook_delivery(app, user):
    endpoint_id = webhook_endpoint(app, user)
    with app.app_context():
        row = WebhookDelivery(
            endpoint_id=endpoint_id,
            message_id=f"msg_test{endpoint_id}",
            event_type="organization.created",
            body="{}",
            status=webhooks.FAILED,
            attempts=3,
            next_attempt_at=now_utc(),
        )
        db.session.add(row)
        db.session.commit()
        return row.id
