from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, ForeignKey, Index, String, Table, Text, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.contacts.models import Contact
from crm.database import LabelledEnum, enum_column
from crm.extensions import db
from crm.kinds import Kind, register
from crm.organizations.models import Organization
from crm.records import LIVE_ONLY, Record
from crm.text import KEY_LENGTH


class MeetingKind(LabelledEnum):
    IN_PERSON = "in_person"
    VIDEO = "video"
    CALL = "call"
    EMAIL = "email"
    EVENT = "event"
    VISIT = "visit"

    @classmethod
    def labels(cls):
        return {
            cls.IN_PERSON: _l("In person"),
            cls.VIDEO: _l("Video call"),
            cls.CALL: _l("Phone call"),
            cls.EMAIL: _l("By email"),
            cls.EVENT: _l("At an event"),
            cls.VISIT: _l("During a visit"),
        }


meeting_organizations = Table(
    "meeting_organizations",
    db.metadata,
    Column("meeting_id", ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True),
    Column("organization_id", ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_meeting_organizations_organization", "organization_id", "meeting_id"),
)
meeting_contacts = Table(
    "meeting_contacts",
    db.metadata,
    Column("meeting_id", ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True),
    Column("contact_id", ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_meeting_contacts_contact", "contact_id", "meeting_id"),
)
meeting_attendees = Table(
    "meeting_attendees",
    db.metadata,
    Column("meeting_id", ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_meeting_attendees_user", "user_id", "meeting_id"),
)


class Meeting(Record, db.Model):
    """Any interaction: in person, video, call, email, at an event, during a visit."""

    __tablename__ = "meetings"
    __table_args__ = (
        # owner_id too: the pipeline counts each person's meetings of a period from the index.
        Index("ix_meetings_live_start", "starts_at", "id", "owner_id", **LIVE_ONLY),
        # Search scans names; scanning this narrow index beats reading every meeting's text.
        Index("ix_meetings_live_search", "deleted_at", "search_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[MeetingKind] = mapped_column(enum_column(MeetingKind, 12))
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime]  # UTC
    duration_minutes: Mapped[int] = mapped_column(default=60)
    location: Mapped[str | None] = mapped_column(String(200))
    summary: Mapped[str | None] = mapped_column(Text)
    outcomes: Mapped[str | None] = mapped_column(Text)
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    search_key: Mapped[str] = mapped_column(String(KEY_LENGTH), default="")
    match_id: Mapped[int | None] = mapped_column(
        ForeignKey("matches.id", ondelete="SET NULL"), index=True
    )

    owner = relationship("User", foreign_keys=[owner_id], lazy="raise")
    organizations = relationship(
        Organization, secondary=meeting_organizations, lazy="raise", order_by=Organization.name
    )
    contacts = relationship(Contact, secondary=meeting_contacts, lazy="raise")
    attendees = relationship("User", secondary=meeting_attendees, lazy="raise")

    def __str__(self):
        return self.title


def _refresh_last_contact(meeting):
    """A meeting that goes or comes back changes its organizations' last contact."""
    from crm.meetings.services import refresh_last_contact  # the services import models

    column = meeting_organizations.c
    refresh_last_contact(
        db.session.scalars(
            select(column.organization_id).where(column.meeting_id == meeting.id)
        ).all()
    )


register(
    Kind(
        name="meeting",
        model=Meeting,
        label=_l("Meeting"),
        plural=_l("Meetings"),
        detail="meetings.detail",
        # Whoever logged it and our attendees.
        editors=lambda meeting: {meeting.owner_id, *(user.id for user in meeting.attendees)},
        editor_loads=("attendees",),
        attachable=True,
        url="/meetings/<id:meeting_id>",
        after_trash=_refresh_last_contact,
        after_restore=_refresh_last_contact,
        order=30,
    )
)
