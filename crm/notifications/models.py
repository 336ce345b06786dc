from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.clock import now_utc
from crm.database import LabelledEnum, enum_column
from crm.extensions import db


class NotificationKind(LabelledEnum):
    """Why someone is told; the stronger first (one notification per person per change)."""

    ASSIGNED = "assigned"
    MENTIONED = "mentioned"
    MATCH_STAGE = "match_stage"
    CHANGED = "changed"

    @classmethod
    def labels(cls):
        return {
            cls.ASSIGNED: _l("An action was given to me"),
            cls.MENTIONED: _l("I am mentioned in a meeting's notes"),
            cls.MATCH_STAGE: _l("A match of mine moved to another stage"),
            cls.CHANGED: _l("Someone else changed a record of mine"),
        }


class Notification(db.Model):
    """Something another person did that concerns the recipient, until they read it.

    Repeats collapse: while a notification is unread, more of the same (same kind, record and
    actor) move it up instead of adding rows.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        # The bell's count and the page's "unread first": a person's unread rows.
        Index("ix_notifications_recipient_unread", "recipient_id", "read_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[NotificationKind] = mapped_column(enum_column(NotificationKind, 16))
    entity_type: Mapped[str] = mapped_column(String(32))  # a record kind's name (crm.kinds)
    entity_id: Mapped[int]
    # The latest history entry it reports (what changed, and when).
    audit_event_id: Mapped[int | None] = mapped_column(
        ForeignKey("audit_events.id", ondelete="SET NULL"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    read_at: Mapped[datetime | None]

    recipient = relationship("User", foreign_keys=[recipient_id], lazy="raise")
    actor = relationship("User", foreign_keys=[actor_id], lazy="raise")
    event = relationship("AuditEvent", lazy="raise")

    @property
    def is_unread(self):
        return self.read_at is None
