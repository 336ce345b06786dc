"""The email of a notification (outbox kind ``notification``), rendered when it is sent."""

from flask_babel import gettext as _

from crm.accounts.models import User
from crm.extensions import db
from crm.kinds import kind_named
from crm.notifications.listing import label, load, sentence
from crm.notifications.models import NotificationKind
from crm.urls import external_url


def notification_context(row, user, now):
    """Subject and context, or None when the record is gone or (an action) no longer theirs."""
    payload = row.payload
    kind, record_kind = NotificationKind(payload["kind"]), kind_named(payload["entity_type"])
    item = load(payload["entity_type"], [payload["entity_id"]]).get(payload["entity_id"])
    if item is None or getattr(item, "is_deleted", False):
        return None
    actor = db.session.get(User, payload["actor"]) if payload.get("actor") else None
    context = {
        "kind": kind.value,
        "item": item,
        "actor": actor,
        "link": external_url(record_kind.detail, **record_kind.url_args(item)),
        "organization": None,
    }
    name = label(payload["entity_type"], payload["entity_id"], item)
    if kind is NotificationKind.ASSIGNED:
        if not item.is_open or item.owner_id != user.id:
            return None
        if item.organization_id:
            context["organization"] = load("organization", [item.organization_id]).get(
                item.organization_id
            )
        return _("New action for you: %(title)s", title=item.title), context
    actor_name = actor.name if actor else "Zubia"
    context["sentence"] = sentence(kind, actor_name, name, item, payload.get("action"))
    return context["sentence"], context
