from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.clock import now_utc
from crm.database import LabelledEnum, enum_column
from crm.extensions import db
from crm.kinds import Kind, register
from crm.organizations.models import Organization
from crm.records import Record, Versioned


class Host(LabelledEnum):
    """Where an event takes place: one end of the bridge or the other."""

    JAPAN = "JP"
    BASQUE_COUNTRY = "ES"

    @classmethod
    def labels(cls):
        return {cls.JAPAN: _l("Japan"), cls.BASQUE_COUNTRY: _l("Basque Country")}

    @property
    def timezone(self):
        """The session times of an event are entered and printed in this zone."""
        return "Asia/Tokyo" if self is Host.JAPAN else "Europe/Madrid"

    @property
    def side(self):
        return "jp" if self is Host.JAPAN else "eu"


class Registration(LabelledEnum):
    INVITED = "invited"
    REGISTERED = "registered"
    ATTENDED = "attended"
    NO_SHOW = "no_show"

    @classmethod
    def labels(cls):
        return {
            cls.INVITED: _l("Invited"),
            cls.REGISTERED: _l("Registered"),
            cls.ATTENDED: _l("Attended"),
            cls.NO_SHOW: _l("No-show"),
        }


class RequestStatus(LabelledEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"  # unanswered by the event's request deadline

    @classmethod
    def labels(cls):
        return {
            cls.PENDING: _l("Waiting for an answer"),
            cls.ACCEPTED: _l("Accepted"),
            cls.DECLINED: _l("Declined"),
            cls.EXPIRED: _l("Expired unanswered"),
        }


class Attendance(LabelledEnum):
    UNKNOWN = "unknown"
    HELD = "held"
    NO_SHOW = "no_show"

    @classmethod
    def labels(cls):
        return {
            cls.UNKNOWN: _l("Not recorded yet"),
            cls.HELD: _l("Held"),
            cls.NO_SHOW: _l("No-show"),
        }


class Event(Record, db.Model):
    """A B2B event in Japan or the Basque Country, with its daily session of slots and tables."""

    __tablename__ = "b2b_events"
    __table_args__ = (
        # Upcoming and past lists split on the end date.
        Index("ix_b2b_events_live_end", "deleted_at", "end_date"),
        CheckConstraint("end_date >= start_date", name="dates_in_order"),
        CheckConstraint("session_end > session_start", name="session_in_order"),
        CheckConstraint("slot_minutes BETWEEN 5 AND 240", name="slot_length"),
        CheckConstraint("tables BETWEEN 1 AND 200", name="table_count"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(120))
    country: Mapped[Host] = mapped_column(enum_column(Host, 2))
    start_date: Mapped[date]
    end_date: Mapped[date]
    # Nullable so that purging an organization for good never fails on its past events.
    organizer_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL"), index=True
    )
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    slot_minutes: Mapped[int] = mapped_column(default=30)
    tables: Mapped[int] = mapped_column(default=10)
    # The daily B2B session, in the event's local time (see Host.timezone).
    session_start: Mapped[time]
    session_end: Mapped[time]
    # The public side (crm.public_events): /e/<slug>, open to registration by the organizer.
    slug: Mapped[str | None] = mapped_column(String(80), unique=True)
    registration_open: Mapped[bool] = mapped_column(default=False)
    registration_deadline: Mapped[datetime | None]  # UTC
    request_cap: Mapped[int] = mapped_column(default=10)  # requests one participant may send
    request_deadline: Mapped[datetime | None]  # UTC; pending requests expire then

    organizer = relationship(Organization, lazy="raise")
    owner = relationship("User", foreign_keys="Event.owner_id", lazy="raise")

    def __str__(self):
        return self.name

    @property
    def timezone(self):
        return self.country.timezone


class Participant(Versioned, db.Model):
    """An organization taking part in an event, and what it offers and seeks there."""

    __tablename__ = "b2b_participants"
    __table_args__ = (UniqueConstraint("event_id", "organization_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("b2b_events.id", ondelete="CASCADE"))
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[Registration] = mapped_column(
        enum_column(Registration, 12), default=Registration.INVITED
    )
    offers: Mapped[str | None] = mapped_column(Text)
    seeks: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)

    event = relationship(Event, lazy="raise")
    organization = relationship(Organization, lazy="raise")

    def __str__(self):
        return self.organization.display_name


class MeetingRequest(db.Model):
    """One participant asks another for a one-to-one meeting; the other accepts or declines."""

    __tablename__ = "b2b_requests"
    __table_args__ = (
        UniqueConstraint("requester_id", "requested_id"),
        CheckConstraint("requester_id <> requested_id", name="not_oneself"),
        Index("ix_b2b_requests_event", "event_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("b2b_events.id", ondelete="CASCADE"))
    requester_id: Mapped[int] = mapped_column(ForeignKey("b2b_participants.id", ondelete="CASCADE"))
    requested_id: Mapped[int] = mapped_column(
        ForeignKey("b2b_participants.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[RequestStatus] = mapped_column(
        enum_column(RequestStatus, 10), default=RequestStatus.PENDING
    )
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    message: Mapped[str | None] = mapped_column(String(500))

    event = relationship(Event, lazy="raise")
    requester = relationship(Participant, foreign_keys=[requester_id], lazy="raise")
    requested = relationship(Participant, foreign_keys=[requested_id], lazy="raise")

    @property
    def party_ids(self):
        return {self.requester_id, self.requested_id}


class B2BMeeting(db.Model):
    """An accepted request placed in the schedule: a slot and a table."""

    __tablename__ = "b2b_meetings"
    __table_args__ = (
        # A table holds one meeting per slot, whatever the code above it does; that an
        # organization is in one meeting per slot is checked by the services under a lock.
        UniqueConstraint("event_id", "slot_start", "table_number"),
        CheckConstraint("table_number >= 1", name="table_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("b2b_events.id", ondelete="CASCADE"))
    request_id: Mapped[int] = mapped_column(
        ForeignKey("b2b_requests.id", ondelete="CASCADE"), unique=True
    )
    slot_start: Mapped[datetime]  # UTC
    table_number: Mapped[int]
    attendance: Mapped[Attendance] = mapped_column(
        enum_column(Attendance, 10), default=Attendance.UNKNOWN
    )
    outcome: Mapped[str | None] = mapped_column(Text)
    match_id: Mapped[int | None] = mapped_column(
        ForeignKey("matches.id", ondelete="SET NULL"), index=True
    )
    updated_at: Mapped[datetime] = mapped_column(default=now_utc, onupdate=now_utc)

    event = relationship(Event, lazy="raise")
    request = relationship(MeetingRequest, lazy="raise")


register(
    Kind(
        name="event",
        model=Event,
        label=_l("B2B event"),
        plural=_l("B2B events"),
        detail="events.detail",
        order=60,
    )
)
register(
    Kind(
        name="event_participant",
        model=Participant,
        label=_l("Participant"),
        plural=_l("Participants"),
        detail="events.edit_participant",
        detail_args=lambda participant: {"participant_id": participant.id},
        editors=lambda participant: {participant.event.owner_id},  # as its event's
        editor_loads=("event",),
        trashable=False,
    )
)
register(
    Kind(
        name="meeting_request",
        model=MeetingRequest,
        label=_l("Meeting request"),
        plural=_l("Meeting requests"),
        detail="events.detail",
        detail_args=lambda request: {"event_id": request.event_id},
        # The organizer, or whoever looks after the invitee.
        editors=lambda request: {request.event.owner_id, request.requested.organization.owner_id},
        editor_loads=("event", "requested.organization"),
        trashable=False,
    )
)
register(
    Kind(
        name="b2b_meeting",
        model=B2BMeeting,
        label=_l("B2B meeting"),
        plural=_l("B2B meetings"),
        detail="events.meeting",
        detail_args=lambda meeting: {"b2b_id": meeting.id},
        editors=lambda meeting: {meeting.event.owner_id},  # as its event's
        editor_loads=("event",),
        trashable=False,
    )
)
