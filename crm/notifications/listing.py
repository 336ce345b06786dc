"""Notifications as the page and the emails show them: the record, its link, one sentence."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import case, select
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.orm import selectinload

from crm.extensions import db
from crm.kinds import kind_named
from crm.notifications.models import Notification, NotificationKind

SHOWN = 100  # the page shows the latest ones, unread first


@dataclass
class Item:
    notification: Notification
    record: object  # None when it was purged or its kind is gone

    @property
    def live(self):
        return self.record is not None and not getattr(self.record, "is_deleted", False)

    @property
    def label(self):
        return label(self.notification.entity_type, self.notification.entity_id, self.record)

    @property
    def sentence(self):
        row = self.notification
        actor = row.actor.name if row.actor else "Zubia"
        action = row.event.action if row.event else None
        return sentence(row.kind, actor, self.label, self.record, action)

    def url(self, build):
        kind = kind_named(self.notification.entity_type)
        return build(kind.detail, **kind.url_args(self.record)) if self.live else None


def label(entity_type, entity_id, record):
    kind = kind_named(entity_type)
    if record is None or kind is None:
        return f"{kind.label if kind else entity_type} #{entity_id}"
    try:
        return str(record)
    except InvalidRequestError:  # its name reads a relationship its kind does not load
        return f"{kind.label} #{entity_id}"


def sentence(kind, actor, record, item=None, action=None):
    """What happened, in the reader's language: "Miren changed Tecnalia".

    ``action`` is the history's word for a change ("update", "delete", ...).
    """
    if kind is NotificationKind.ASSIGNED:
        return _("%(actor)s gave you an action: %(record)s", actor=actor, record=record)
    if kind is NotificationKind.MENTIONED:
        return _("%(actor)s mentioned you in “%(record)s”", actor=actor, record=record)
    if kind is NotificationKind.MATCH_STAGE and item is not None:
        return _(
            "%(actor)s moved %(record)s to “%(stage)s”",
            actor=actor,
            record=record,
            stage=item.stage.label,
        )
    if action == "delete":
        return _("%(actor)s moved %(record)s to the trash", actor=actor, record=record)
    if action == "restore":
        return _("%(actor)s restored %(record)s", actor=actor, record=record)
    return _("%(actor)s changed %(record)s", actor=actor, record=record)


def load(entity_type, ids):
    """{id: record} of one kind, with what its name reads: one query per kind."""
    kind = kind_named(entity_type)
    if kind is None or not ids:
        return {}
    model = kind.model
    found = db.session.scalars(
        select(model).where(model.id.in_(ids)).options(*kind.editor_options())
    )
    return {item.id: item for item in found}


def latest(user_id, limit=SHOWN):
    """The person's latest notifications, unread first, each with its record."""
    rows = db.session.scalars(
        select(Notification)
        .where(Notification.recipient_id == user_id)
        .order_by(
            case((Notification.read_at.is_(None), 0), else_=1),
            Notification.created_at.desc(),
            Notification.id.desc(),
        )
        .limit(limit)
        .options(selectinload(Notification.actor), selectinload(Notification.event))
    ).all()
    wanted = {}
    for row in rows:
        wanted.setdefault(row.entity_type, set()).add(row.entity_id)
    records = {name: load(name, ids) for name, ids in wanted.items()}
    return [Item(row, records[row.entity_type].get(row.entity_id)) for row in rows]
