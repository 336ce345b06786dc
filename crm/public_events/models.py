"""The companies' own side of a B2B event: registrations, their access links, their answers.

A registration is what a company representative filled in on the public page, without a Zubia
account. Once the organizer approves it, it points at the event's ``Participant`` (an
organization of Zubia, matched or created by the organizer); its person keeps using links sent
to the address they confirmed.
"""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.clock import now_utc
from crm.database import LabelledEnum, enum_column
from crm.events.models import B2BMeeting, Event, Participant
from crm.extensions import db


class Decision(LabelledEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"

    @classmethod
    def labels(cls):
        return {
            cls.PENDING: _l("Waiting for the organizer"),
            cls.APPROVED: _l("Approved"),
            cls.DECLINED: _l("Declined"),
        }


class Side(LabelledEnum):
    """Where the registering company is: it decides the region of a new organization."""

    BASQUE_COUNTRY = "basque_country"
    MIE = "mie"
    OTHER_JAPAN = "other_japan"
    OTHER_EUROPE = "other_europe"

    @classmethod
    def labels(cls):
        return {
            cls.BASQUE_COUNTRY: _l("Basque Country"),
            cls.MIE: _l("Mie Prefecture"),
            cls.OTHER_JAPAN: _l("Elsewhere in Japan"),
            cls.OTHER_EUROPE: _l("Elsewhere in Europe"),
        }


class Registrant(db.Model):
    """One company representative's registration for one event."""

    __tablename__ = "b2b_registrants"
    __table_args__ = (
        # One registration per address and event; the address is stored lower-cased.
        UniqueConstraint("event_id", "email"),
        Index("ix_b2b_registrants_event_status", "event_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("b2b_events.id", ondelete="CASCADE"))
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("b2b_participants.id", ondelete="SET NULL"), unique=True
    )
    organization_name: Mapped[str] = mapped_column(String(200))
    side: Mapped[Side] = mapped_column(enum_column(Side, 20))
    tax_id: Mapped[str | None] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(5))
    timezone: Mapped[str] = mapped_column(String(64))
    offers: Mapped[str] = mapped_column(Text)
    seeks: Mapped[str] = mapped_column(Text)
    sector_ids: Mapped[list] = mapped_column(JSON, default=list)
    attendees: Mapped[str | None] = mapped_column(Text)  # who comes, one a line
    # The slots (UTC, ISO) this participant cannot attend: the scheduler leaves them free.
    unavailable: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[Decision] = mapped_column(enum_column(Decision, 10), default=Decision.PENDING)
    email_confirmed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    decided_at: Mapped[datetime | None]

    event = relationship(Event, lazy="raise")
    participant = relationship(Participant, lazy="raise")

    @property
    def approved(self):
        return self.status is Decision.APPROVED and self.participant_id is not None


class LinkPurpose(LabelledEnum):
    CONFIRM = "confirm"  # the first link: confirms the address
    ACCESS = "access"  # a later sign-in link, asked for on the public page
    FOLLOW_UP = "follow_up"  # after the event: opens the "how did it go?" page

    @classmethod
    def labels(cls):
        return {
            cls.CONFIRM: _l("Confirm your address"),
            cls.ACCESS: _l("Sign-in link"),
            cls.FOLLOW_UP: _l("How did it go?"),
        }


class AccessLink(db.Model):
    """A link mailed to a registrant: single-use and expiring.

    The address carries this row's id signed with the app's key (itsdangerous), so the
    database holds nothing that opens a registration by itself; ``used_at`` makes it single-use.
    """

    __tablename__ = "b2b_access_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    registrant_id: Mapped[int] = mapped_column(
        ForeignKey("b2b_registrants.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[LinkPurpose] = mapped_column(enum_column(LinkPurpose, 10))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    registrant = relationship(Registrant, lazy="raise")


class FollowUp(db.Model):
    """One participant's answer, after the event, about one of their meetings."""

    __tablename__ = "b2b_follow_ups"
    __table_args__ = (UniqueConstraint("meeting_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("b2b_meetings.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("b2b_participants.id", ondelete="CASCADE"), index=True
    )
    how_it_went: Mapped[str] = mapped_column(Text)
    next_step: Mapped[str | None] = mapped_column(Text)
    wants_to_continue: Mapped[bool] = mapped_column(default=False)
    answered_at: Mapped[datetime] = mapped_column(default=now_utc)
    # The Zubia meeting the answer became (on both organizations' timelines).
    zubia_meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL")
    )

    meeting = relationship(B2BMeeting, lazy="raise")
