"""The timeline of an organization or a contact: meetings, actions and changes, newest first.

One UNION query pages through the three sources by date; the page's records are then loaded
with one query per kind, so the page costs the same number of queries at any size.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, literal, select, union_all
from sqlalchemy.orm import selectinload

from crm.actions.models import Action
from crm.audit.models import AuditEvent
from crm.extensions import db
from crm.listing import int_arg
from crm.meetings.models import Meeting, meeting_contacts, meeting_organizations

PER_PAGE = 20
# Areas that group meetings under another (crm.mailin: a thread's replies under its first
# message) add a grouping: ``hidden(entity_type, entity_id, meeting_id)`` is a clause true for
# the meetings shown through another one on this timeline, ``counts(ids)`` is {id: how many
# meetings each of ``ids`` stands for}.
GROUPINGS = []


@dataclass
class Entry:
    kind: str  # "meeting", "action" or "change"
    at: datetime
    item: object
    grouped: int = 0  # meetings shown through this one (a thread's replies)


@dataclass
class Timeline:
    entries: list
    page: int
    pages: int
    total: int
    merged: frozenset = frozenset()  # ids of records merged into this one (crm.duplicates)


def _sources(entity_type, entity_id, history_ids):
    if entity_type == "organization":
        link = meeting_organizations.c
        meetings = select(link.meeting_id).where(link.organization_id == entity_id)
        action_filter = Action.organization_id == entity_id
    else:
        link = meeting_contacts.c
        meetings = select(link.meeting_id).where(link.contact_id == entity_id)
        action_filter = Action.contact_id == entity_id
    for grouping in GROUPINGS:
        meetings = meetings.where(~grouping.hidden(entity_type, entity_id, link.meeting_id))
    return union_all(
        select(literal("meeting").label("kind"), Meeting.id, Meeting.starts_at.label("at")).where(
            Meeting.id.in_(meetings), Meeting.deleted_at.is_(None)
        ),
        select(literal("action"), Action.id, Action.created_at).where(
            action_filter, Action.deleted_at.is_(None)
        ),
        # The history of the records merged into this one is part of its history.
        select(literal("change"), AuditEvent.id, AuditEvent.at).where(
            AuditEvent.entity_type == entity_type,
            AuditEvent.entity_id.in_(history_ids),
        ),
    ).subquery()


def timeline(entity_type, entity_id):
    history_ids = merged_ids(entity_type, entity_id)
    rows = _sources(entity_type, entity_id, history_ids)
    total = db.session.scalar(select(func.count()).select_from(rows))
    pages = max(1, -(-total // PER_PAGE))
    page = int_arg("page", 1, 1, pages)
    keys = db.session.execute(
        select(rows.c.kind, rows.c.id, rows.c.at)
        .order_by(rows.c.at.desc(), rows.c.id.desc())
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    ).all()
    wanted = {kind: [row.id for row in keys if row.kind == kind] for kind in _LOADERS}
    loaded = {kind: _LOADERS[kind](ids) if ids else {} for kind, ids in wanted.items()}
    entries = [Entry(row.kind, row.at, loaded[row.kind][row.id]) for row in keys]
    for grouping in GROUPINGS if wanted["meeting"] else ():
        counts = grouping.counts(wanted["meeting"])
        for entry in entries:
            if entry.kind == "meeting":
                entry.grouped += counts.get(entry.item.id, 0)
    return Timeline(entries, page, pages, total, frozenset(history_ids - {entity_id}))


def merged_ids(entity_type, entity_id):
    """``entity_id`` and every record merged into it, directly or through earlier merges."""
    found, frontier = {entity_id}, {entity_id}
    while frontier:
        rows = db.session.scalars(
            select(AuditEvent.changes).where(
                AuditEvent.entity_type == entity_type,
                AuditEvent.action == "merge",
                AuditEvent.entity_id.in_(frontier),
            )
        )
        frontier = {row["merged_id"] for row in rows if row.get("merged_id")} - found
        found |= frontier
    return found


def _by_id(statement):
    return {item.id: item for item in db.session.scalars(statement)}


_LOADERS = {
    "meeting": lambda ids: _by_id(
        select(Meeting)
        .where(Meeting.id.in_(ids))
        .options(selectinload(Meeting.organizations), selectinload(Meeting.attendees))
    ),
    "action": lambda ids: _by_id(
        select(Action).where(Action.id.in_(ids)).options(selectinload(Action.owner))
    ),
    "change": lambda ids: _by_id(
        select(AuditEvent)
        .where(AuditEvent.id.in_(ids))
        .options(selectinload(AuditEvent.actor), selectinload(AuditEvent.token))
    ),
}
