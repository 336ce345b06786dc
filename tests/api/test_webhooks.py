"""Webhooks end to end: a real receiver on 127.0.0.1 that is down, then answers 500, then
200; every event arrives, once, signed per Standard Webhooks; private addresses refused."""

import base64
import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from crm.accounts.models import Role, User
from crm.api import webhooks
from crm.api.models import WebhookDelivery, WebhookEndpoint
from crm.clock import now_utc
from crm.extensions import db
from tests.api.conftest import ORGANIZATION
from tests.api.factories import issue_token, webhook_endpoint
from tests.conftest import free_port


class Receiver:
    """An HTTP server that answers ``status`` and keeps what it was sent."""

    def __init__(self, port):
        self.port, self.status, self.received, self.server = port, 200, [], None
        self.location = None

    def start(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                receiver.received.append((receiver.status, dict(self.headers), body))
                self.send_response(receiver.status)
                if receiver.location:
                    self.send_header("Location", receiver.location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()


@pytest.fixture
def receiver():
    found = Receiver(free_port())
    yield found
    found.stop()


def verified(secret, headers, body):
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.{body}".encode()
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return headers["webhook-signature"] == f"v1,{expected}"


def test_every_event_arrives_once_signed_after_downtime_and_errors(make_app, make_user, receiver):
    app = make_app(WEBHOOK_ALLOW_PRIVATE=True)
    admin = make_user(Role.ADMIN)
    endpoint_id = webhook_endpoint(app, admin, url=f"http://127.0.0.1:{receiver.port}/hook")
    client = app.test_client()
    headers = {"Authorization": f"Bearer {issue_token(app, admin)[1]}"}
    org = client.post("/api/v1/organizations", json=ORGANIZATION, headers=headers).get_json()
    client.patch(org["url"], json={"city": "Derio"}, headers={**headers, "If-Match": '"1"'})
    action = client.post(
        "/api/v1/actions",
        json={"title": "Call back", "due_date": "2026-12-20", "owner_id": admin.id},
        headers=headers,
    ).get_json()
    client.patch(action["url"], json={"status": "done"}, headers={**headers, "If-Match": '"1"'})
    client.delete(org["url"], headers={**headers, "If-Match": '"2"'})
    expected = [
        "organization.created",
        "organization.updated",
        "action.created",
        "action.completed",
        "organization.deleted",
    ]
    now = now_utc()
    with app.app_context():
        assert webhooks.deliver_due(now)["retry"] == 5  # down: connection refused
        receiver.start()
        receiver.status = 500
        assert webhooks.deliver_due(now + timedelta(minutes=2))["retry"] == 5
        receiver.status = 200
        assert webhooks.deliver_due(now + timedelta(minutes=3)) == {  # not due yet: backoff
            "delivered": 0, "retry": 0, "failed": 0}  # fmt: skip
        assert webhooks.deliver_due(now + timedelta(minutes=10))["delivered"] == 5
        assert webhooks.deliver_due(now + timedelta(hours=5))["delivered"] == 0
        secret = db.session.get(WebhookEndpoint, endpoint_id).secret
        rows = db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)).all()
        assert [row.status for row in rows] == ["delivered"] * 5
        assert [row.attempts for row in rows] == [3] * 5
    accepted = [(h, b) for status, h, b in receiver.received if status == 200]
    refused = [(h, b) for status, h, b in receiver.received if status == 500]
    ids = [h["webhook-id"] for h, _ in accepted]
    assert len(ids) == len(set(ids)) == 5  # none twice
    assert {h["webhook-id"] for h, _ in refused} == set(ids)  # retries keep their id
    # Retries are spread by a jitter, so they may arrive in another order.
    assert sorted(json.loads(b)["type"] for _, b in accepted) == sorted(expected)
    assert all(verified(secret, h, b) for h, b in accepted + refused)
    updated = next(json.loads(b) for _, b in accepted if "organization.updated" in b)
    assert updated["data"]["changes"] == {"city": [None, "Derio"]}


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://localhost:8080/hook",
        "http://10.1.2.3/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "http://192.168.1.10/hook",
        "ftp://93.184.215.14/hook",
        "http://user:pw@93.184.215.14/hook",
        "http://no-such-host.invalid/hook",
    ],
)
def test_private_addresses_are_refused_at_registration(app, make_user, url):
    admin = make_user(Role.ADMIN)
    with app.test_request_context(), pytest.raises(webhooks.Unsafe):
        webhooks.register(url, ["*"], None, actor=db.session.get(User, admin.id))


def test_private_addresses_are_refused_at_delivery_and_redirects_not_followed(
    make_app, make_user, receiver
):
    open_app = make_app(WEBHOOK_ALLOW_PRIVATE=True)
    admin = make_user(Role.ADMIN)
    webhook_endpoint(open_app, admin, url=f"http://127.0.0.1:{receiver.port}/hook")
    receiver.start()
    headers = {"Authorization": f"Bearer {issue_token(open_app, admin)[1]}"}
    open_app.test_client().post("/api/v1/organizations", json=ORGANIZATION, headers=headers)
    strict = make_app()  # the same database, WEBHOOK_ALLOW_PRIVATE off: no connection made
    with strict.app_context():
        assert webhooks.deliver_due()["retry"] == 1
        row = db.session.scalar(select(WebhookDelivery))
        assert "private" in row.last_error
    assert receiver.received == []
    target = Receiver(free_port())
    target.start()
    receiver.status, receiver.location = 302, f"http://127.0.0.1:{target.port}/elsewhere"
    try:
        with open_app.app_context():
            assert webhooks.deliver_due(now_utc() + timedelta(hours=1))["retry"] == 1
            assert db.session.scalar(select(WebhookDelivery.last_status)) == 302
    finally:
        target.stop()
    assert len(receiver.received) == 1 and target.received == []


def test_the_admin_page_registers_shows_the_log_and_sends_again(app, client, login):
    login(Role.ADMIN)
    response = client.post(
        "/admin/webhooks", data={"url": "http://127.0.0.1/hook", "events": ["*"]}
    )
    assert response.status_code == 422
    assert "private" in response.get_data(as_text=True)
    response = client.post(
        "/admin/webhooks",
        data={"url": "http://93.184.215.14/hook", "events": ["organization.created"]},
    )
    assert response.status_code == 302
    client.post(
        "/organizations/new",
        data={"name": "Ikerlan", "kind": "technology_centre", "region": "basque_country",
              "country": "ES", "owner_id": "1", "cadence_days": "60"},
    )  # fmt: skip
    with app.app_context():
        row = db.session.scalar(select(WebhookDelivery))
        assert row.event_type == "organization.created"
        row.status, row.attempts = "failed", 20
        db.session.commit()
        endpoint_id, row_id = row.endpoint_id, row.id
    page = client.get(f"/admin/webhooks/{endpoint_id}").get_data(as_text=True)
    assert row.message_id in page and "Send again" in page
    assert client.post(f"/admin/webhooks/deliveries/{row_id}/send-again").status_code == 302
    with app.app_context():
        row = db.session.get(WebhookDelivery, row_id)
        assert (row.status, row.attempts) == ("pending", 0)


def test_a_stage_move_through_the_api_is_a_match_stage_changed_event(app, api, records):
    from crm.matching.models import Match
    from crm.organizations.models import Region

    caller = api(Role.MANAGER)
    webhook_endpoint(app, caller.user, events=("match.*",))
    basque = records.org(caller.user)
    mie = records.org(caller.user, name="Mie University", region=Region.MIE, country="JP")
    with app.app_context():
        match = Match(basque_id=basque, mie_id=mie, owner_id=caller.user.id, reasons={})
        db.session.add(match)
        db.session.commit()
        url = f"/api/v1/matches/{match.id}"
    moved = caller.patch(url, json={"stage": "introduced"}, headers={"If-Match": '"1"'})
    assert moved.status_code == 200 and moved.get_json()["stage"] == "introduced"
    back = caller.patch(url, json={"stage": "suggested"}, headers={"If-Match": '"2"'})
    assert back.status_code == 422 and "reason" in back.get_json()["errors"]
    back = caller.patch(
        url, json={"stage": "suggested", "reason": "Wrong contact"}, headers={"If-Match": '"2"'}
    )
    assert back.status_code == 200
    with app.app_context():
        types = db.session.scalars(select(WebhookDelivery.event_type)).all()
    assert types == ["match.stage_changed", "match.stage_changed"]


def test_the_command_line_runs_one_delivery_pass(make_app, make_user, receiver):
    app = make_app(WEBHOOK_ALLOW_PRIVATE=True)
    admin = make_user(Role.ADMIN)
    webhook_endpoint(app, admin, url=f"http://127.0.0.1:{receiver.port}/hook")
    receiver.start()
    headers = {"Authorization": f"Bearer {issue_token(app, admin)[1]}"}
    app.test_client().post("/api/v1/organizations", json=ORGANIZATION, headers=headers)
    result = app.test_cli_runner().invoke(args=["webhooks", "run"])
    assert result.exit_code == 0 and result.output.strip() == "1 delivered, 0 retry, 0 failed"
    assert len(receiver.received) == 1
