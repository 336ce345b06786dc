import enum
from datetime import date, datetime

from flask import has_request_context, request

from crm.audit.models import AuditEvent
from crm.extensions import db


def record(action, entity_type, entity_id, *, actor=None, changes=None):
    """Add a history entry to the current transaction (the caller commits)."""
    event = AuditEvent(
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        actor_id=actor.id if actor is not None else None,
        changes=changes or {},
        ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    return event


def diff(obj, data, fields):
    """Set ``fields`` of ``obj`` from ``data``; return {field: [old, new]} of those that changed."""
    changes = {}
    for field in fields:
        old, new = getattr(obj, field), data[field]
        if old != new:
            setattr(obj, field, new)
            changes[field] = [plain(old), plain(new)]
    return changes


def plain(value):
    """A JSON-friendly form of a field value for the history."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple | set):
        return sorted(str(v) for v in value)
    return value


def record_many(action, entity_type, items, *, actor=None):
    """``record`` for many records at once, in one INSERT: ``items`` is [(entity_id, changes)]."""
    from sqlalchemy import insert

    from crm.clock import now_utc

    at, ip = now_utc(), request.remote_addr if has_request_context() else None
    rows = [
        {
            "at": at,
            "action": action,
            "entity_type": entity_type,
            "entity_id": entity_id,
            "actor_id": actor.id if actor is not None else None,
            "changes": changes,
            "ip": ip,
        }
        for entity_id, changes in items
    ]
    if rows:
        db.session.execute(insert(AuditEvent.__table__), rows)
