from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.clock import now_utc
from crm.database import LabelledEnum, enum_column
from crm.extensions import db


class Kind(LabelledEnum):
    DIGEST = "digest"
    ASSIGNMENT = "assignment"
    NUDGE = "nudge"
    MANAGER_SUMMARY = "manager_summary"
    VISIT = "visit"
    EVENT = "event"
    NOTIFICATION = "notification"  # the email of a notification (crm.notifications)
    SIGN_IN_ALERT = "sign_in_alert"  # a burst of wrong passwords throttled the account
    # To a company representative of a B2B event, who has no account (crm.public_events).
    PARTICIPANT = "participant"

    @classmethod
    def labels(cls):
        return {
            cls.VISIT: _l("An institutional visit is coming"),
            cls.EVENT: _l("A B2B event is coming"),
            cls.DIGEST: _l("Daily digest"),
            cls.ASSIGNMENT: _l("New action for you"),
            cls.NUDGE: _l("A relationship went quiet"),
            cls.MANAGER_SUMMARY: _l("Weekly pipeline summary"),
            cls.NOTIFICATION: _l("Notification"),
            cls.SIGN_IN_ALERT: _l("Sign-in attempts on your account"),
            cls.PARTICIPANT: _l("To an event participant"),
        }


class Delivery(LabelledEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"  # no longer applies at send time (MAIL-9)
    SKIPPED = "skipped"  # decided, but there was nothing to say

    @classmethod
    def labels(cls):
        return {
            cls.PENDING: _l("waiting to be sent"),
            cls.SENDING: _l("being sent"),
            cls.SENT: _l("sent"),
            cls.FAILED: _l("could not be sent"),
            cls.CANCELLED: _l("no longer needed"),
            cls.SKIPPED: _l("nothing to say"),
        }


class OutboxMessage(db.Model):
    """A reminder, written in the transaction that decides it is due, before it is ever sent.

    ``dedupe_key`` (recipient, kind, record, period) is unique: deciding twice inserts once.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        # The sender's query: due, pending rows in order.
        Index("ix_outbox_due", "status", "next_attempt_at"),
        Index("ix_outbox_recipient", "recipient_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[Kind] = mapped_column(enum_column(Kind, 20))
    # None for a message to someone without an account: its kind's builder finds the address
    # from the payload (see ``messages.EXTERNAL``).
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # What the message is about (ids); rendered afresh when sent, so it never shows stale data.
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[Delivery] = mapped_column(enum_column(Delivery, 10), default=Delivery.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=now_utc)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    message_id: Mapped[str] = mapped_column(String(200), default="")
    subject: Mapped[str | None] = mapped_column(String(300))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)

    recipient = relationship("User", lazy="raise")


class SchedulerHeartbeat(db.Model):
    """One row per scheduler process name: when its last pass ran and what it did."""

    __tablename__ = "scheduler_heartbeats"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    last_pass_at: Mapped[datetime]
    enqueued: Mapped[int] = mapped_column(default=0)
    sent: Mapped[int] = mapped_column(default=0)
    failed: Mapped[int] = mapped_column(default=0)
