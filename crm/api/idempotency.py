"""``Idempotency-Key``: the first answer to a POST is kept (with the create, in one
transaction) and given again to a retry of the same request; another request with the same key
is refused."""

import hashlib
import json

from flask import current_app, g, request
from flask_babel import gettext as _
from sqlalchemy import select

from crm.api import problems
from crm.api.models import IdempotentRequest
from crm.api.problems import BadQuery
from crm.extensions import db


def fingerprint(body):
    text = json.dumps([request.method, request.path, body], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def remembered(key, body):
    """The stored answer to an earlier POST with this Idempotency-Key, if any."""
    row = db.session.scalar(
        select(IdempotentRequest).where(
            IdempotentRequest.token_id == g.api_token.id, IdempotentRequest.key == key
        )
    )
    if row is None:
        return None
    if row.fingerprint != fingerprint(body):
        return problems.problem(
            422,
            _("This Idempotency-Key was used for a different request."),
            kind="idempotency-key-reused",
        )
    response = current_app.json.response(row.body)
    response.status_code = row.status
    response.headers["Idempotent-Replayed"] = "true"
    if row.location:
        response.headers["Location"] = row.location
    if "version" in row.body:
        response.headers["ETag"] = f'"{row.body["version"]}"'
    return response


def idempotency_key():
    key = request.headers.get("Idempotency-Key")
    if key is not None and not 1 <= len(key) <= 255:
        raise BadQuery("Idempotency-Key", _("Between 1 and 255 characters."))
    return key
