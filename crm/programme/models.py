from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.database import LabelledEnum, enum_column
from crm.extensions import db
from crm.kinds import Kind, register
from crm.matching.models import Match
from crm.organizations.models import Organization, Sector
from crm.records import Record


class AgreementStatus(LabelledEnum):
    DRAFT = "draft"
    SIGNED = "signed"
    EXPIRED = "expired"

    @classmethod
    def labels(cls):
        return {cls.DRAFT: _l("Draft"), cls.SIGNED: _l("Signed"), cls.EXPIRED: _l("Expired")}


class Achievement(LabelledEnum):
    TECHNOLOGY_TRANSFER = "technology_transfer"
    MARKET_OPENING = "market_opening"
    COMBINED_OFFERING = "combined_offering"
    JOINT_RESEARCH = "joint_research"
    OTHER = "other"

    @classmethod
    def labels(cls):
        return {
            cls.TECHNOLOGY_TRANSFER: _l("Technology transfer"),
            cls.MARKET_OPENING: _l("Market opening"),
            cls.COMBINED_OFFERING: _l("Combined offering"),
            cls.JOINT_RESEARCH: _l("Joint research"),
            cls.OTHER: _l("Other"),
        }


agreement_parties = Table(
    "agreement_parties",
    db.metadata,
    Column("agreement_id", ForeignKey("agreements.id", ondelete="CASCADE"), primary_key=True),
    Column("organization_id", ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True),
)
agreement_sectors = Table(
    "agreement_sectors",
    db.metadata,
    Column("agreement_id", ForeignKey("agreements.id", ondelete="CASCADE"), primary_key=True),
    Column("sector_id", ForeignKey("sectors.id", ondelete="CASCADE"), primary_key=True),
)
story_organizations = Table(
    "success_story_organizations",
    db.metadata,
    Column("story_id", ForeignKey("success_stories.id", ondelete="CASCADE"), primary_key=True),
    Column("organization_id", ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True),
)


class Agreement(Record, db.Model):
    """A memorandum of understanding between institutions of both sides."""

    __tablename__ = "agreements"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[AgreementStatus] = mapped_column(
        enum_column(AgreementStatus, 10), default=AgreementStatus.DRAFT
    )
    signed_on: Mapped[date | None]
    document_url: Mapped[str | None] = mapped_column(String(500))
    summary: Mapped[str | None] = mapped_column(Text)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    parties = relationship(Organization, secondary=agreement_parties, lazy="raise")
    sectors = relationship(Sector, secondary=agreement_sectors, lazy="raise", order_by=Sector.id)
    owner = relationship("User", foreign_keys=[owner_id], lazy="raise")

    def __str__(self):
        return self.title


class SuccessStory(Record, db.Model):
    """What a match achieved: the programme's proof that the bridge carries traffic."""

    __tablename__ = "success_stories"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    achievement: Mapped[Achievement] = mapped_column(enum_column(Achievement, 24))
    achieved_on: Mapped[date]
    summary: Mapped[str | None] = mapped_column(Text)
    match_id: Mapped[int | None] = mapped_column(
        ForeignKey("matches.id", ondelete="SET NULL"), index=True
    )
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    organizations = relationship(Organization, secondary=story_organizations, lazy="raise")
    match = relationship(Match, lazy="raise")
    owner = relationship("User", foreign_keys=[owner_id], lazy="raise")

    def __str__(self):
        return self.title


register(
    Kind(
        name="agreement",
        model=Agreement,
        label=_l("Agreement"),
        plural=_l("Agreements"),
        detail="programme.agreement",
        attachable=True,
        url="/programme/agreements/<id:agreement_id>",
        order=70,
    )
)
register(
    Kind(
        name="story",
        model=SuccessStory,
        label=_l("Success story"),
        plural=_l("Success stories"),
        detail="programme.story",
        order=80,
    )
)
