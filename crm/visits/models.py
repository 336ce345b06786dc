from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.contacts.models import Contact
from crm.database import LabelledEnum, enum_column
from crm.extensions import db
from crm.kinds import Kind, kind_of, register
from crm.meetings.models import Meeting
from crm.organizations.models import Organization
from crm.records import Record, Versioned


class Direction(LabelledEnum):
    TO_MIE = "to_mie"
    TO_BASQUE_COUNTRY = "to_basque_country"

    @classmethod
    def labels(cls):
        return {
            cls.TO_MIE: _l("Basque Country → Mie"),
            cls.TO_BASQUE_COUNTRY: _l("Mie → Basque Country"),
        }

    @property
    def timezone(self):
        """Where the delegation is: the itinerary's local times are entered in this zone."""
        return "Asia/Tokyo" if self is Direction.TO_MIE else "Europe/Madrid"


visit_users = Table(
    "visit_users",
    db.metadata,
    Column("visit_id", ForeignKey("visits.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_visit_users_user", "user_id", "visit_id"),
)
visit_contacts = Table(
    "visit_contacts",
    db.metadata,
    Column("visit_id", ForeignKey("visits.id", ondelete="CASCADE"), primary_key=True),
    Column("contact_id", ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_visit_contacts_contact", "contact_id", "visit_id"),
)


class Visit(Record, db.Model):
    """An institutional visit: a delegation from one end of the bridge to the other."""

    __tablename__ = "visits"
    __table_args__ = (
        # Upcoming and past lists split on the end date.
        Index("ix_visits_live_end", "deleted_at", "end_date"),
        CheckConstraint("end_date >= start_date", name="dates_in_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    direction: Mapped[Direction] = mapped_column(enum_column(Direction, 20))
    title: Mapped[str] = mapped_column(String(200))
    start_date: Mapped[date]  # calendar days at the destination
    end_date: Mapped[date]
    # Purging an organization must not take the visit's history with it.
    lead_organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL"), index=True
    )
    description: Mapped[str | None] = mapped_column(Text)
    outcomes: Mapped[str | None] = mapped_column(Text)
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

    lead_organization = relationship(Organization, lazy="raise")
    owner = relationship("User", foreign_keys=[owner_id], lazy="raise")
    users = relationship("User", secondary=visit_users, lazy="raise", order_by="User.name")
    contacts = relationship(Contact, secondary=visit_contacts, lazy="raise")
    stops = relationship(
        "VisitStop",
        back_populates="visit",
        lazy="raise",
        order_by=lambda: (VisitStop.starts_at, VisitStop.id),
        cascade="all, delete-orphan",
    )

    def __str__(self):
        return self.title

    @property
    def zone(self):
        return self.direction.timezone


class VisitStop(Versioned, db.Model):
    """One stop of the itinerary; once it has happened it can become a logged meeting."""

    __tablename__ = "visit_stops"
    __table_args__ = (Index("ix_visit_stops_visit", "visit_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime]  # UTC, entered in the destination's local time
    duration_minutes: Mapped[int] = mapped_column(default=60)
    host_organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL"), index=True
    )
    place: Mapped[str | None] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(String(200))
    # One meeting per stop: the unique index backs the "not logged twice" rule.
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL"), unique=True
    )

    visit = relationship(Visit, back_populates="stops", lazy="raise")
    host = relationship(Organization, lazy="raise")
    meeting = relationship(Meeting, lazy="raise")

    def __str__(self):
        return self.purpose


register(
    Kind(
        name="visit",
        model=Visit,
        label=_l("Visit"),
        plural=_l("Visits"),
        detail="visits.detail",
        editors=lambda visit: {visit.owner_id, *(user.id for user in visit.users)},
        editor_loads=("users",),
        attachable=True,
        url="/visits/<id:visit_id>",
        order=50,
    )
)
register(
    Kind(
        name="visit_stop",
        model=VisitStop,
        label=_l("Visit stop"),
        plural=_l("Visit stops"),
        detail="visits.edit_stop",
        detail_args=lambda stop: {"stop_id": stop.id},
        editors=lambda stop: kind_of(stop.visit).editors(stop.visit),  # as its visit's
        editor_loads=("visit.users",),
        trashable=False,  # deleted for good, noted in the history
    )
)
