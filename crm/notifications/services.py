"""Who is told about a change, written in the transaction of the change (the caller commits).

Every change goes through the history (``crm.audit.services.record``), which sends the
``recorded`` signal; ``notice`` turns each entry into at most one notification per person:
an action given to them, a mention in a meeting's notes, a match of theirs moving stage, or
another change to a record they own, never for their own change or one without a person
behind it (the scheduler). Bulk writes (imports, reassignments) record in bulk, send no
signal and notify nobody.
"""

import secrets

from sqlalchemy import func, select, update

from crm.accounts.models import User
from crm.audit.services import recorded
from crm.clock import now_utc
from crm.extensions import db
from crm.kinds import kind_named
from crm.notifications import mentions
from crm.notifications.models import Notification, NotificationKind
from crm.organizations.models import Organization

NOTES = ("summary", "outcomes")  # the meeting fields in which ``@name`` mentions someone
# What "changed" reports: a create has no owner yet; a file attached to a record changes it.
CHANGES = ("update", "delete", "restore", "attach", "detach")


@recorded.connect
def notice(event, record=None):
    if event.actor_id is None or record is None or event.entity_id is None:
        return
    if kind_named(event.entity_type) is None:
        return
    # Nothing here may flush: the service that records is in the middle of its change.
    with db.session.no_autoflush:
        for user_id, kind in recipients(event, record).items():
            notify(user_id, kind, event)


def _new_value(changes, field):
    """(old, new) of a field in a history entry, or None when it did not change."""
    value = changes.get(field)
    return tuple(value) if isinstance(value, list | tuple) and len(value) == 2 else None


def recipients(event, record):
    """{user id: kind} of the people to tell about ``event``, with the strongest reason each."""
    found = {}
    changes = event.changes or {}

    def add(user_id, kind):
        if user_id is not None and user_id != event.actor_id:
            found.setdefault(user_id, kind)

    if event.entity_type == "action" and _new_value(changes, "owner_id"):
        add(record.owner_id, NotificationKind.ASSIGNED)
    if event.entity_type == "meeting":
        notes = [_new_value(changes, field) for field in NOTES]
        notes = [pair for pair in notes if pair]
        if notes:
            names = mentions.handles(active_users())
            for old, new in notes:
                for user_id in mentions.mentioned(new, names) - mentions.mentioned(old, names):
                    add(user_id, NotificationKind.MENTIONED)
    if event.entity_type == "match" and event.action == "update" and _new_value(changes, "stage"):
        for user_id in match_owners(record):
            add(user_id, NotificationKind.MATCH_STAGE)
    if event.action in CHANGES:
        add(getattr(record, "owner_id", None), NotificationKind.CHANGED)
    return found


def active_users():
    return db.session.execute(select(User.id, User.name, User.email).where(User.active)).all()


def match_owners(match):
    """Who owns something in a match: the match itself, or one of its two organizations."""
    owners = db.session.scalars(
        select(Organization.owner_id).where(Organization.id.in_([match.basque_id, match.mie_id]))
    )
    return [match.owner_id, *owners]


def _identity(item):
    return (item.recipient_id, item.kind, item.entity_type, item.entity_id, item.actor_id,
            item.read_at)  # fmt: skip


def _unread_like(user_id, kind, event):
    """The unread notification that ``event`` repeats (same kind, record and actor), or None."""
    same = (user_id, kind, event.entity_type, event.entity_id, event.actor_id, None)
    for item in db.session.new:  # written earlier in this transaction, not yet flushed
        if isinstance(item, Notification) and _identity(item) == same:
            return item
    return db.session.scalar(
        select(Notification).where(
            Notification.recipient_id == user_id,
            Notification.kind == kind,
            Notification.entity_type == event.entity_type,
            Notification.entity_id == event.entity_id,
            Notification.actor_id == event.actor_id,
            Notification.read_at.is_(None),
        )
    )


def notify(user_id, kind, event):
    """Tell ``user_id`` about ``event``; a repeat of an unread notification only moves it up."""
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        return None
    now = now_utc()
    existing = _unread_like(user_id, kind, event)
    if existing is not None:
        existing.created_at, existing.event = now, event
        return existing
    notification = Notification(
        recipient_id=user_id,
        kind=kind,
        entity_type=event.entity_type,
        entity_id=event.entity_id,
        actor_id=event.actor_id,
        event=event,
        created_at=now,
    )
    db.session.add(notification)
    if kind.value in user.emailed_notifications:
        send_by_email(notification, event.action, now)
    return notification


def send_by_email(notification, action, now):
    """An outbox row for the notification's email, rendered when the sender sends it."""
    from crm.reminders.models import Kind
    from crm.reminders.planning import enqueue

    key = ":".join(
        str(part)
        for part in (
            "notification",
            notification.recipient_id,
            notification.kind.value,
            notification.entity_type,
            notification.entity_id,
            now.isoformat(),
            secrets.token_hex(4),  # one row per notification, even at the same instant
        )
    )
    payload = {
        "kind": notification.kind.value,
        "entity_type": notification.entity_type,
        "entity_id": notification.entity_id,
        "actor": notification.actor_id,
        "action": action,
    }
    row = {
        "dedupe_key": key,
        "kind": Kind.NOTIFICATION.value,
        "recipient_id": notification.recipient_id,
        "payload": payload,
    }
    return enqueue([row], now)


def unread_count(user_id):
    return db.session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.recipient_id == user_id, Notification.read_at.is_(None))
    )


def mark_read(user_id, notification_id=None):
    """Mark one of ``user_id``'s notifications read (or all of them); others' are untouched.

    Returns how many were unread.
    """
    statement = (
        update(Notification)
        .where(Notification.recipient_id == user_id, Notification.read_at.is_(None))
        .values(read_at=now_utc())
    )
    if notification_id is not None:
        statement = statement.where(Notification.id == notification_id)
    return db.session.execute(statement).rowcount
