"""Attachment operations. They flush; the caller commits (and the files follow the commit)."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from crm.attachments import storage
from crm.attachments.models import Attachment, parent_column
from crm.audit.services import record
from crm.extensions import db
from crm.kinds import kind_of
from crm.trash.services import move_to_trash


def attach(parent, stream, name, kind, *, actor):
    """Store the file of ``stream`` as ``name`` (already cleaned) on ``parent``."""
    stored = storage.save(stream, db.session)
    item = Attachment(
        stored_name=stored.name,
        original_name=name,
        content_type=kind.content_type,
        size=stored.size,
        sha256=stored.sha256,
        uploaded_by_id=actor.id,
        **{kind_of(parent).id_arg: parent.id},
    )
    db.session.add(item)
    db.session.flush()
    _note("attach", parent, actor, before=None, after=item)
    return item


def detach(item, parent, *, actor):
    """Move the attachment to the trash, noting it in the parent's history."""
    move_to_trash(item, actor=actor)
    _note("detach", parent, actor, before=item, after=None)


def _note(action, parent, actor, *, before, after):
    """A line in the parent's history: which file came or went (DATA-5)."""
    changes = {
        "file": [getattr(before, "original_name", None), getattr(after, "original_name", None)],
        "attachment_id": [getattr(before, "id", None), getattr(after, "id", None)],
    }
    record(action, parent, actor=actor, changes=changes)


def attachments_of(parent):
    """The live attachments of ``parent``, newest first, with their uploaders: one query."""
    return db.session.scalars(
        select(Attachment)
        .where(parent_column(parent) == parent.id, Attachment.deleted_at.is_(None))
        .order_by(Attachment.created_at.desc(), Attachment.id.desc())
        .options(joinedload(Attachment.uploaded_by))
    ).all()


def live_attachment(attachment_id, *, with_editors=False):
    """The attachment and its record, or (None, None) when either is missing or in the trash."""
    item = db.session.get(Attachment, attachment_id)
    if item is None or item.is_deleted:
        return None, None
    parent = item.load_parent(*(item.parent_kind.editor_options() if with_editors else ()))
    if parent is None or parent.is_deleted:
        return None, None
    return item, parent
