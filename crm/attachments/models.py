from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

import crm.meetings.models
import crm.organizations.models
import crm.programme.models
import crm.visits.models  # noqa: F401 (the attachable kinds register with their models)
from crm.extensions import db
from crm.kinds import Kind, kind_named, kind_of, kinds, register, waits_for_organization
from crm.records import Record

# The records a file can be attached to: one real foreign key column ``<kind>_id`` each.
PARENTS = [kind.name for kind in kinds(attachable=True)]
_ONE_PARENT = (
    " + ".join(f"CASE WHEN {kind}_id IS NULL THEN 0 ELSE 1 END" for kind in PARENTS) + " = 1"
)


def _parent_key(kind):
    table = kind_named(kind).model.__tablename__
    return mapped_column(ForeignKey(f"{table}.id", ondelete="CASCADE"))


class Attachment(Record, db.Model):
    """A file attached to one record; its bytes live in the upload folder (crm.attachments.storage).

    Real foreign keys, one per kind of record, rather than a (type, id) pair: the database keeps
    every attachment tied to a record that exists, and deleting the record for good removes it.
    """

    __tablename__ = "attachments"
    __table_args__ = (
        CheckConstraint(_ONE_PARENT, name="one_parent"),
        CheckConstraint("size > 0", name="not_empty"),
        *(Index(f"ix_attachments_{kind}", f"{kind}_id", "deleted_at") for kind in PARENTS),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int | None] = _parent_key("organization")
    meeting_id: Mapped[int | None] = _parent_key("meeting")
    visit_id: Mapped[int | None] = _parent_key("visit")
    agreement_id: Mapped[int | None] = _parent_key("agreement")
    stored_name: Mapped[str] = mapped_column(String(32), unique=True)  # never from the user
    original_name: Mapped[str] = mapped_column(String(255))  # cleaned; a label only
    content_type: Mapped[str] = mapped_column(String(100))  # detected from the bytes
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

    uploaded_by = relationship("User", foreign_keys=[uploaded_by_id], lazy="raise")

    def __str__(self):
        return self.original_name

    @property
    def parent_kind(self):
        return next(
            kind for kind in kinds(attachable=True) if getattr(self, kind.id_arg) is not None
        )

    @property
    def parent_id(self):
        return getattr(self, self.parent_kind.id_arg)

    def load_parent(self, *options):
        """The record this file is attached to (in the trash or not)."""
        return db.session.get(self.parent_kind.model, self.parent_id, options=options)


def parent_column(parent):
    """The column of attachments that points at records of ``parent``'s kind."""
    return getattr(Attachment, kind_of(parent).id_arg)


def _waits_for_parent(item):
    """A file comes back after the record it is attached to."""
    if (parent := item.load_parent()).is_deleted:
        return _("Restore %(parent)s first: %(name)s is attached to it.", parent=parent, name=item)
    return None


register(
    Kind(
        name="attachment",
        model=Attachment,
        label=_l("Attachment"),
        plural=_l("Attachments"),
        detail="attachments.download",
        # A file is edited through its record: whoever may edit the record.
        editors=lambda item: kind_of(parent := item.load_parent()).editors(parent),
        # a file goes with its record; one deleted alone comes here
        restore_refusal=lambda item: waits_for_organization(item) or _waits_for_parent(item),
        order=100,
    )
)
