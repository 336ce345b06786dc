"""The trash: deleting hides a record everywhere until a manager restores it (DATA-4).

What goes to the trash, what it takes along and what must come back first are declared by each
record kind (crm.kinds); this module only applies them.
"""

from sqlalchemy import select

from crm.attachments.models import Attachment
from crm.attachments.storage import remove_after_commit
from crm.audit.services import record
from crm.clock import now_utc
from crm.extensions import db
from crm.kinds import kind_named, kind_of


class RestoreRefused(Exception):
    """The record cannot come back on its own (what it belongs to is still in the trash)."""


def _dependents(item, deleted_at):
    """The records that share ``item``'s fate in the trash (live ones, or those trashed with it)."""
    kind = kind_of(item)
    for name in kind.dependents:
        model = kind_named(name).model
        yield from db.session.scalars(
            select(model).where(
                getattr(model, kind.id_arg) == item.id,
                model.deleted_at.is_(None)
                if deleted_at is None
                else model.deleted_at == deleted_at,
            )
        )


def move_to_trash(item, *, actor):
    """Delete softly. A record takes its dependents along, at once (an organization its
    live contacts and actions)."""
    instant = now_utc()
    for dependent in list(_dependents(item, None)):
        _trash(dependent, instant, actor)
    _trash(item, instant, actor)
    _after(kind_of(item).after_trash, item)


def restore(item, *, actor):
    kind = kind_of(item)
    if kind.restore_refusal and (reason := kind.restore_refusal(item)):
        raise RestoreRefused(reason)
    for dependent in list(_dependents(item, item.deleted_at)):
        _restore(dependent, actor)
    _restore(item, actor)
    _after(kind.after_restore, item)


def _after(hook, item):
    if hook:
        db.session.flush()  # the hook reads the record's new state from the database
        hook(item)


def purge(item, *, actor):
    """Delete for good (admins only); the history keeps the fact."""
    record("purge", item, actor=actor, changes={"name": [str(item), None]})
    for stored_name in _attached_files(item):  # their rows go with the record (ON DELETE CASCADE)
        remove_after_commit(stored_name, db.session)
    db.session.delete(item)


def _attached_files(item):
    if isinstance(item, Attachment):
        return [item.stored_name]
    kind = kind_of(item)
    if not kind.attachable:
        return []
    column = getattr(Attachment, kind.id_arg)
    return db.session.scalars(select(Attachment.stored_name).where(column == item.id)).all()


def _trash(item, instant, actor):
    item.deleted_at = instant
    item.deleted_by_id = actor.id
    record("delete", item, actor=actor)


def _restore(item, actor):
    item.deleted_at = None
    item.deleted_by_id = None
    if kind_of(item).mergeable:  # live again: no longer a part of the survivor
        item.merged_into_id = None
    record("restore", item, actor=actor)
