from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.extensions import db
from crm.meetings.models import Meeting
from crm.organizations.models import Organization
from crm.programme.models import Agreement
from crm.records import Record
from crm.visits.models import Visit

# The records a file can be attached to, by the name used in URLs, the history and the trash.
PARENTS = {
    "organization": Organization,
    "meeting": Meeting,
    "visit": Visit,
    "agreement": Agreement,
}
PARENT_KINDS = {model: kind for kind, model in PARENTS.items()}
_ONE_PARENT = (
    " + ".join(f"CASE WHEN {kind}_id IS NULL THEN 0 ELSE 1 END" for kind in PARENTS) + " = 1"
)


def _parent_key(kind):
    return mapped_column(ForeignKey(f"{PARENTS[kind].__tablename__}.id", ondelete="CASCADE"))


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
        return next(kind for kind in PARENTS if getattr(self, f"{kind}_id") is not None)

    @property
    def parent_id(self):
        return getattr(self, f"{self.parent_kind}_id")

    def load_parent(self, *options):
        """The record this file is attached to (in the trash or not)."""
        return db.session.get(PARENTS[self.parent_kind], self.parent_id, options=options)
