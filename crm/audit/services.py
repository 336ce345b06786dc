import enum
from datetime import date, datetime

from blinker import Namespace
from flask import has_request_context, request

from crm.audit.models import AuditEvent
from crm.extensions import db
from crm.kinds import kind_of

# Sent with each history entry ``record`` adds, before the flush: ``recorded.send(event,
# record=the record or None)``. Areas that react to changes (crm.notifications) connect here;
# bulk entries (``record_many``) send nothing, so an import never floods anyone.
recorded = Namespace().signal("recorded")


def entity_name(entity):
    """The history's name for ``entity``: a record kind's name, or a string kept as it is."""
    return entity if isinstance(entity, str) else kind_of(entity).name


def record(action, entity, entity_id=None, *, actor=None, changes=None):
    """Add a history entry to the current transaction (the caller commits).

    ``entity`` is a record (its kind and id are noted), a model (with ``entity_id``) or, for
    what is no record kind (a user, an export, the outbox), a name.
    """
    if entity_id is None and not isinstance(entity, str | type):
        entity_id = entity.id
    event = AuditEvent(
        action=action,
        entity_type=entity_name(entity),
        entity_id=entity_id,
        actor_id=actor.id if actor is not None else None,
        changes=changes or {},
        ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    recorded.send(event, record=None if isinstance(entity, str | type) else entity)
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


def record_many(action, entity, items, *, actor=None):
    """``record`` for many records of a kind (``entity``: a model or a name) in one INSERT.

    ``items`` is [(entity_id, changes)].
    """
    from sqlalchemy import insert

    from crm.clock import now_utc

    at, ip = now_utc(), request.remote_addr if has_request_context() else None
    rows = [
        {
            "at": at,
            "action": action,
            "entity_type": entity_name(entity),
            "entity_id": entity_id,
            "actor_id": actor.id if actor is not None else None,
            "changes": changes,
            "ip": ip,
        }
        for entity_id, changes in items
    ]
    if rows:
        db.session.execute(insert(AuditEvent.__table__), rows)
