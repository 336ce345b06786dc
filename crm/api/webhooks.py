"""Webhooks: each change to a record becomes an event in an outbox, in the transaction of the
change; a scheduler pass delivers it, signed per Standard Webhooks, with retries.

- Events are named ``<kind>.<what>``: ``organization.created``, ``meeting.updated``,
  ``contact.deleted`` (to the trash), ``action.restored``; an action marked done is
  ``action.completed``, a match moved to another stage ``match.stage_changed``.
- Each delivery keeps one ``webhook-id`` (``msg_…``) across retries: receivers drop what
  they have seen (delivery is at-least-once, like the reminders' outbox).
- Signature: ``webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`` with the
  endpoint's secret ``whsec_<base64 key>``.
- No server-side request forgery: an endpoint's host must resolve to public addresses only
  (checked when it is registered and again at each delivery, and the connection goes to the
  address that was checked), unless WEBHOOK_ALLOW_PRIVATE is set; redirects are never
  followed; every delivery has WEBHOOK_TIMEOUT.
"""

import base64
import hashlib
import hmac
import http.client
import ipaddress
import json
import random
import secrets
import socket
import ssl
from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app, g, has_request_context
from flask_babel import gettext as _
from sqlalchemy import select, update

from crm.api.models import WebhookDelivery, WebhookEndpoint
from crm.audit.services import recorded
from crm.clock import now_utc
from crm.extensions import db
from crm.kinds import kind_named
from crm.reminders.sending import BACKOFF_MINUTES, MAX_ATTEMPTS

WHAT = {"create": "created", "update": "updated", "delete": "deleted", "restore": "restored"}
SPECIAL = ("action.completed", "match.stage_changed")


def event_types():
    """Every event an endpoint may ask for: each record kind's changes, and the special ones."""
    from crm.kinds import kinds

    return [f"{k.name}.{what}" for k in kinds() for what in WHAT.values()] + list(SPECIAL)


LEASE = timedelta(minutes=10)
PENDING, SENDING, DELIVERED, FAILED = "pending", "sending", "delivered", "failed"


def new_secret():
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def sign(secret, message_id, timestamp, body):
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{message_id}.{timestamp}.{body}".encode()
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


# --- addresses --------------------------------------------------------------------------------


class Unsafe(Exception):
    """The address may not receive webhooks; the message says why."""


def vetted(url):
    """``(scheme, host, port, path, address)`` of ``url``, ``address`` being the first resolved
    address, all of which must be public unless WEBHOOK_ALLOW_PRIVATE is set."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Unsafe(_("Enter an address that starts with http:// or https://."))
    if parts.username or parts.password:
        raise Unsafe(_("Leave the user name and password out of the address."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise Unsafe(_("The port of this address is not valid.")) from None
    try:
        found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise Unsafe(_("This host name cannot be resolved.")) from None
    addresses = [info[4][0] for info in found]
    if not current_app.config["WEBHOOK_ALLOW_PRIVATE"]:
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%")[0])
            if not ip.is_global or ip.is_multicast:
                raise Unsafe(
                    _("%(host)s is a private, loopback or link-local address.", host=address)
                )
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return parts.scheme, parts.hostname, port, path, addresses[0]


def post(url, body, headers):
    """POST to the vetted address (never a second lookup that could answer differently); no
    redirect is followed. Returns the status code."""
    scheme, host, port, path, address = vetted(url)
    timeout = current_app.config["WEBHOOK_TIMEOUT"]
    if scheme == "https":
        connection = PinnedHTTPS(host, port, address, timeout=timeout)
    else:
        connection = PinnedHTTP(host, port, address, timeout=timeout)
    try:
        connection.request("POST", path, body=body.encode(), headers=headers)
        response = connection.getresponse()
        response.read(64 * 1024)
        return response.status
    finally:
        connection.close()


class PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host, port, address, **kwargs):
        super().__init__(host, port, **kwargs)
        self.address = address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host, port, address, **kwargs):
        super().__init__(host, port, context=ssl.create_default_context(), **kwargs)
        self.address = address

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


# --- endpoints --------------------------------------------------------------------------------


def register(url, events, description, *, actor):
    """A new endpoint (raises Unsafe for an address it may not reach). Flushes."""
    vetted(url)
    endpoint = WebhookEndpoint(
        url=url,
        events=",".join(events) or "*",
        secret=new_secret(),
        description=description,
        created_by_id=actor.id,
    )
    db.session.add(endpoint)
    db.session.flush()
    from crm.audit.services import record

    record("webhook_create", "webhook", endpoint.id, actor=actor, changes={"url": [None, url]})
    return endpoint


# --- the outbox -------------------------------------------------------------------------------


def event_type(event):
    what = WHAT.get(event.action, event.action)
    changes = event.changes or {}
    if event.entity_type == "action" and event.action == "update":
        status = changes.get("status")
        if isinstance(status, list) and len(status) == 2 and status[1] == "done":
            return "action.completed"
    if event.entity_type == "match" and "stage" in changes and event.action == "update":
        return "match.stage_changed"
    return f"{event.entity_type}.{what}"


@recorded.connect
def on_recorded(event, record=None):
    """Name the token in the history; write the change's event to the webhooks' outbox."""
    token = g.get("api_token") if has_request_context() else None
    if token is not None:
        event.token_id = token.id
    if record is None or event.entity_id is None or kind_named(event.entity_type) is None:
        return
    with db.session.no_autoflush:  # the service that records is in the middle of its change
        endpoints = db.session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.active)).all()
        kind = event_type(event)
        now = now_utc()
        for endpoint in endpoints:
            if endpoint.wants(kind):
                db.session.add(delivery_for(endpoint, kind, event, now))


def delivery_for(endpoint, kind, event, now):
    payload = {
        "type": kind,
        "timestamp": now.isoformat(),
        "data": {
            "kind": event.entity_type,
            "id": event.entity_id,
            "action": event.action,
            "changes": event.changes or {},
            "actor_id": event.actor_id,
        },
    }
    return WebhookDelivery(
        endpoint=endpoint,
        message_id="msg_" + secrets.token_urlsafe(18),
        event_type=kind,
        body=json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=str),
        next_attempt_at=now,
        created_at=now,
    )


def claim(row_id, now):
    result = db.session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id == row_id, WebhookDelivery.status == PENDING)
        .values(status=SENDING, claimed_at=now)
    )
    db.session.commit()
    return result.rowcount == 1


def deliver_due(now=None, limit=None):
    """Send what is due, oldest first; return {"delivered": n, "retry": n, "failed": n}."""
    now = now or now_utc()
    limit = limit or current_app.config["WEBHOOK_MAX_PER_PASS"]
    db.session.execute(  # a sender that died mid-delivery: its rows go back to the queue
        update(WebhookDelivery)
        .where(WebhookDelivery.status == SENDING, WebhookDelivery.claimed_at < now - LEASE)
        .values(status=PENDING, claimed_at=None)
    )
    db.session.commit()
    ids = db.session.scalars(
        select(WebhookDelivery.id)
        .where(WebhookDelivery.status == PENDING, WebhookDelivery.next_attempt_at <= now)
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(limit)
    ).all()
    counts = {DELIVERED: 0, "retry": 0, FAILED: 0}
    for row_id in ids:
        if claim(row_id, now):
            counts[deliver(db.session.get(WebhookDelivery, row_id), now)] += 1
    return counts


def deliver(row, now):
    endpoint = row.endpoint
    timestamp = str(int(now.timestamp()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Zubia-Webhooks/1",
        "webhook-id": row.message_id,
        "webhook-timestamp": timestamp,
        "webhook-signature": sign(endpoint.secret, row.message_id, timestamp, row.body),
    }
    row.attempts += 1
    try:
        status = post(endpoint.url, row.body, headers)
    except Unsafe as error:
        row.last_status, row.last_error = None, str(error)
        outcome = retry_later(row, now)
    except (OSError, http.client.HTTPException) as error:
        row.last_status, row.last_error = None, f"{type(error).__name__}: {error}"[:2000]
        outcome = retry_later(row, now)
    else:
        row.last_status = status
        if 200 <= status < 300:
            row.status, row.delivered_at, row.last_error, outcome = DELIVERED, now, None, DELIVERED
        else:
            row.last_error = f"HTTP {status}"
            outcome = retry_later(row, now)
    row.claimed_at = None
    db.session.commit()
    return outcome


def retry_later(row, now):
    if row.attempts >= MAX_ATTEMPTS:
        row.status = FAILED
        return FAILED
    wait = BACKOFF_MINUTES[row.attempts - 1] * random.uniform(0.9, 1.1)
    row.status, row.next_attempt_at = PENDING, now + timedelta(minutes=wait)
    return "retry"


def send_again(row, now=None):
    """Queue a delivery again, now, with its webhook-id (an admin's "send again")."""
    row.status, row.next_attempt_at, row.claimed_at = PENDING, now or now_utc(), None
    if row.attempts >= MAX_ATTEMPTS:
        row.attempts = 0


def tick(app):
    """The scheduler's job (crm/reminders/jobs.py): one delivery pass."""
    with app.app_context():
        try:
            deliver_due()
        except Exception:
            db.session.rollback()
            raise
        finally:
            db.session.remove()
