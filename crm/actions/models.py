from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship, selectinload

from crm.contacts.models import Contact
from crm.database import LabelledEnum, enum_column
from crm.extensions import db
from crm.kinds import Kind, register, waits_for_organization
from crm.meetings.models import Meeting
from crm.organizations.models import Organization
from crm.records import Record


class Priority(LabelledEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"

    @classmethod
    def labels(cls):
        return {cls.LOW: _l("Low"), cls.NORMAL: _l("Normal"), cls.HIGH: _l("High")}


class Status(LabelledEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"

    @classmethod
    def labels(cls):
        return {cls.OPEN: _l("Open"), cls.DONE: _l("Done"), cls.CANCELLED: _l("Cancelled")}


class RepeatUnit(LabelledEnum):
    WEEKS = "weeks"
    MONTHS = "months"

    @classmethod
    def labels(cls):
        return {cls.WEEKS: _l("weeks"), cls.MONTHS: _l("months")}


class Action(Record, db.Model):
    """A next action: what, who, by when, and the records it is about."""

    __tablename__ = "actions"
    __table_args__ = (
        Index("ix_actions_owner_open", "owner_id", "status", "deleted_at", "due_date"),
        # Also covers the pipeline's open actions of a sector's organizations by owner and date.
        Index(
            "ix_actions_organization",
            "organization_id",
            "deleted_at",
            "status",
            "owner_id",
            "due_date",
        ),
        Index("ix_actions_contact", "contact_id"),
        Index("ix_actions_meeting", "meeting_id"),
        # The pipeline's weekly trends and "done in the period" read a few weeks of many years.
        Index("ix_actions_live_created", "deleted_at", "created_at"),
        Index("ix_actions_owner_done", "owner_id", "status", "completed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    details: Mapped[str | None] = mapped_column(Text)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    due_date: Mapped[date]  # a calendar day in the owner's time zone
    priority: Mapped[Priority] = mapped_column(enum_column(Priority, 8), default=Priority.NORMAL)
    status: Mapped[Status] = mapped_column(enum_column(Status, 10), default=Status.OPEN)
    completed_at: Mapped[datetime | None]
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL")
    )
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"))
    match_id: Mapped[int | None] = mapped_column(
        ForeignKey("matches.id", ondelete="SET NULL"), index=True
    )
    repeat_every: Mapped[int | None]
    repeat_unit: Mapped[RepeatUnit | None] = mapped_column(enum_column(RepeatUnit, 8))

    owner = relationship("User", foreign_keys=[owner_id], lazy="raise")
    created_by = relationship("User", foreign_keys=[created_by_id], lazy="raise")
    organization = relationship(Organization, lazy="raise")
    contact = relationship(Contact, lazy="raise")
    meeting = relationship(Meeting, lazy="raise")

    def __str__(self):
        return self.title

    @property
    def is_open(self):
        return self.status is Status.OPEN

    @classmethod
    def listed(cls):
        """Loader options for an action shown in a list (its records, one query each)."""
        return (selectinload(cls.organization), selectinload(cls.contact), selectinload(cls.owner))


register(
    Kind(
        name="action",
        model=Action,
        label=_l("Action"),
        plural=_l("Actions"),
        detail="actions.edit",  # an action has no page of its own
        editors=lambda action: {action.owner_id, action.created_by_id},  # and who assigned it
        restore_refusal=waits_for_organization,
        order=40,
    )
)
