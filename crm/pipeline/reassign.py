"""Bulk reassignment: when a point of contact leaves, their work moves to someone else.

Either everything of one person moves (open actions, live organizations, matches still
under way) or only the open actions of a filtered list. The preview and the move read the
same statements; the move refuses to run when the rows changed after the preview (a
fingerprint of ids and versions), so nobody's newer edit is overwritten unseen (DATA-1).
"""

import hashlib
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import aliased

from crm.actions.filters import bucket_clauses
from crm.actions.models import Action, Status
from crm.audit.services import record_many
from crm.clock import now_utc
from crm.extensions import db
from crm.matching.models import Match, Stage
from crm.organizations.models import Organization

SHOWN = 50
BATCH = 500
LABELS = {"action": _l("Open actions"), "organization": _l("Organizations"),
          "match": _l("Matches under way")}  # fmt: skip


class PreviewOutdated(Exception):
    """What would move changed after the preview was shown."""


@dataclass
class Part:
    """One kind of record that moves: its statement of (id, version, label) and a sample."""

    kind: str
    model: type
    statement: object
    total: int = 0
    sample: tuple = ()

    @property
    def label(self):
        return LABELS[self.kind]


def parts(from_id, filters, bucket, today):
    """What moves from ``from_id``: everything, or only the open actions of a filtered list.

    ``filters`` (region, sector, period) and ``bucket`` narrow the move to actions; without
    them the person's organizations and matches move too.
    """
    narrowed = bucket is not None or filters.region or filters.sector
    actions = select(Action.id, Action.version, Action.title).where(
        Action.owner_id == from_id, Action.deleted_at.is_(None), Action.status == Status.OPEN
    )
    if narrowed:
        actions = actions.where(*filters.about(Action.organization_id))
        if bucket:  # one of the open ones: done actions stay with whoever did them
            actions = actions.where(*bucket_clauses(bucket, today, filters.since))
        return [Part("action", Action, actions.order_by(Action.due_date, Action.id))]
    organizations = select(Organization.id, Organization.version, Organization.name).where(
        Organization.owner_id == from_id, Organization.deleted_at.is_(None)
    )
    basque, mie = aliased(Organization), aliased(Organization)
    matches = (
        select(Match.id, Match.version, (basque.name + " ↔ " + mie.name).label("label"))
        .join(basque, Match.basque_id == basque.id)
        .join(mie, Match.mie_id == mie.id)
        .where(Match.owner_id == from_id, Match.deleted_at.is_(None), Match.stage != Stage.CLOSED)
    )
    return [
        Part("action", Action, actions.order_by(Action.due_date, Action.id)),
        Part("organization", Organization, organizations.order_by(Organization.name)),
        Part("match", Match, matches.order_by(Match.id)),
    ]


def preview(moving):
    """Count each part and keep its first ``SHOWN`` rows; return the fingerprint of it all."""
    digest = hashlib.sha256()
    for part in moving:
        rows = db.session.execute(part.statement).all()
        part.total, part.sample = len(rows), tuple(rows[:SHOWN])
        for row in rows:
            digest.update(f"{part.kind}:{row.id}:{row.version};".encode())
    return digest.hexdigest()


def move(moving, fingerprint, source, target, actor):
    """Give every row of ``moving`` to ``target``, one history entry per record.

    Raises ``PreviewOutdated`` (nothing written) when the rows are not those previewed.
    Each row's version goes up, so an edit form opened before the move reports a conflict.
    """
    if preview(moving) != fingerprint:
        raise PreviewOutdated
    now, moved = now_utc(), {}
    change = {"owner": [source.name, target.name]}
    for part in moving:
        ids = [row.id for row in db.session.execute(part.statement)]
        table = part.model.__table__
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            db.session.execute(
                update(table)
                .where(table.c.id.in_(chunk))
                .values(owner_id=target.id, version=table.c.version + 1, updated_at=now)
            )
            record_many("update", part.kind, [(i, change) for i in chunk], actor=actor)
        moved[part.kind] = len(ids)
    db.session.expire_all()
    return moved
