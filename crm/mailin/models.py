"""What Zubia keeps of the mail it reads (issue 15).

- ``MailboxMessage``: one row per message taken from the mailbox, under a unique key (its
  Message-ID, or a hash of its bytes), written in the same transaction as what it became. A
  second poller, or the same poller after a crash between its commit and the IMAP move, finds
  the key and only moves the message.
- ``LoggedEmail``: the email a meeting of kind "email" was made from; its Message-ID is unique
  too, so the same email BCC'd by two colleagues (or forwarded by both) is one meeting.
- ``UserAddress``: the other addresses a user sends from.
- ``ParticipantReview``: a participant Zubia could not tie to a contact, for the sender to
  resolve.
- ``MailinSettings``: the admin's switch for keeping bodies.
"""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.clock import now_utc
from crm.database import LabelledEnum, enum_column
from crm.extensions import db


class Outcome(LabelledEnum):
    LOGGED = "logged"  # it became (or joined) a meeting
    DUPLICATE = "duplicate"  # the same email was logged already
    REFUSED = "refused"  # not from a user, failed DMARC, too large: nobody is answered
    FAILED = "failed"  # it could not be read: an admin looks at the reason

    @classmethod
    def labels(cls):
        return {
            cls.LOGGED: _l("Logged"),
            cls.DUPLICATE: _l("Already logged"),
            cls.REFUSED: _l("Refused"),
            cls.FAILED: _l("Failed"),
        }


class MailboxMessage(db.Model):
    __tablename__ = "mailin_messages"
    __table_args__ = (Index("ix_mailin_messages_outcome", "outcome", "received_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(255), unique=True)
    outcome: Mapped[Outcome] = mapped_column(enum_column(Outcome, 12))
    reason: Mapped[str] = mapped_column(String(500), default="")
    sender: Mapped[str] = mapped_column(String(254), default="")
    subject: Mapped[str] = mapped_column(String(200), default="")
    size: Mapped[int] = mapped_column(default=0)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL"), index=True
    )
    received_at: Mapped[datetime] = mapped_column(default=now_utc)


class LoggedEmail(db.Model):
    __tablename__ = "mailin_emails"

    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True
    )
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    # The meeting of the thread's first message, None when this one is the first.
    thread_root_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL"), index=True
    )
    from_header: Mapped[str] = mapped_column(String(500), default="")
    to_header: Mapped[str] = mapped_column(Text, default="")
    cc_header: Mapped[str] = mapped_column(Text, default="")
    # The sender's own clock: the Date header's offset, to show the time as they wrote it.
    utc_offset_minutes: Mapped[int | None]
    body: Mapped[str | None] = mapped_column(Text)  # None: not kept (MailinSettings)
    private: Mapped[bool] = mapped_column(default=False)
    # Parts that are not kept as attachments, and why: "name: reason" per line.
    left_out: Mapped[str] = mapped_column(Text, default="")
    # A calendar invitation's UID and SEQUENCE (RFC 5545): later versions update the meeting.
    ical_uid: Mapped[str | None] = mapped_column(String(255), index=True)
    ical_sequence: Mapped[int | None]

    meeting = relationship("Meeting", foreign_keys=[meeting_id], lazy="raise")


class UserAddress(db.Model):
    __tablename__ = "user_addresses"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # lower case


class ReviewStatus(LabelledEnum):
    OPEN = "open"
    CREATED = "created"
    LINKED = "linked"
    DISMISSED = "dismissed"

    @classmethod
    def labels(cls):
        return {
            cls.OPEN: _l("To review"),
            cls.CREATED: _l("Contact created"),
            cls.LINKED: _l("Linked to a contact"),
            cls.DISMISSED: _l("Dismissed"),
        }


class ParticipantReview(db.Model):
    __tablename__ = "mailin_reviews"
    __table_args__ = (
        UniqueConstraint("meeting_id", "email", name="uq_mailin_reviews_meeting_email"),
        Index("ix_mailin_reviews_user_status", "user_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(200), default="")
    # The organization the address's domain (or the signature's) points at, if any.
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[ReviewStatus] = mapped_column(enum_column(ReviewStatus, 12))
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=now_utc)

    meeting = relationship("Meeting", lazy="raise")
    organization = relationship("Organization", lazy="raise")


class MailinSettings(db.Model):
    """One row (id 1); missing means the defaults."""

    __tablename__ = "mailin_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    store_bodies: Mapped[bool] = mapped_column(default=True)
    # The pass that holds the mailbox until then (crm.mailin.polling.lease): one at a time.
    poll_lease_until: Mapped[datetime | None]
    poll_lease_holder: Mapped[str] = mapped_column(String(100), default="")


from crm.kinds import EXTRA_REFERENCES  # noqa: E402
from crm.mailin import threads  # noqa: E402, F401 - replies group under a thread's first message

# A review's suggested organization and chosen contact follow their records into a merge.
EXTRA_REFERENCES += [ParticipantReview.__table__.c.organization_id]
EXTRA_REFERENCES += [ParticipantReview.__table__.c.contact_id]
