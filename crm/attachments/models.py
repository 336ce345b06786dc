from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm import area_modules
from crm.extensions import db
from crm.kinds import Kind, kind_of, kinds, register, waits_for_organization
from crm.records import Record

area_modules("models")  # the kinds a file can be attached to register with their models


class Attachment(Record, db.Model):
    """A file attached to one record; its bytes live in the upload folder (crm.attachments.storage).

    Real foreign keys, one per kind of record, rather than a (type, id) pair: the database keeps
    every attachment tied to a record that exists, and deleting the record for good removes it.
    """

    __tablename__ = "attachments"
    __table_args__ = (CheckConstraint("size > 0", name="not_empty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # and one ``<kind>_id`` column per attachable kind: see add_parent_keys below
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


def add_parent_keys():
    """A real foreign key column ``<kind>_id`` for every kind registered as attachable, indexed
    with ``deleted_at`` (a record's live files), and exactly one of them set on each row."""
    table = Attachment.__table__
    for kind in kinds(attachable=True):
        parent = kind.model.__tablename__
        setattr(
            Attachment,
            kind.id_arg,
            mapped_column(ForeignKey(f"{parent}.id", ondelete="CASCADE"), nullable=True),
        )
        Index(f"ix_attachments_{kind.name}", table.c[kind.id_arg], table.c.deleted_at)
    one_set = " + ".join(
        f"CASE WHEN {kind.id_arg} IS NULL THEN 0 ELSE 1 END" for kind in kinds(attachable=True)
    )
    table.append_constraint(CheckConstraint(f"{one_set} = 1", name="one_parent"))


add_parent_keys()


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
