from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm import kinds
from crm.database import LabelledEnum, enum_column
from crm.extensions import db
from crm.records import LIVE_ONLY, Mergeable, Record
from crm.text import KEY_LENGTH

# How often a relationship should hear from us unless a manager says otherwise.
DEFAULT_CADENCE_DAYS = 90


class Kind(LabelledEnum):
    COMPANY = "company"
    ASSOCIATION = "association"
    CLUSTER = "cluster"
    TECHNOLOGY_CENTRE = "technology_centre"
    UNIVERSITY = "university"
    GOVERNMENT = "government"
    OTHER = "other"

    @classmethod
    def labels(cls):
        return {
            cls.COMPANY: _l("Company"),
            cls.ASSOCIATION: _l("Association"),
            cls.CLUSTER: _l("Cluster"),
            cls.TECHNOLOGY_CENTRE: _l("Technology centre"),
            cls.UNIVERSITY: _l("University"),
            cls.GOVERNMENT: _l("Government body"),
            cls.OTHER: _l("Other"),
        }


class Region(LabelledEnum):
    BASQUE_COUNTRY = "basque_country"
    MIE = "mie"
    OTHER_JAPAN = "other_japan"
    OTHER_EUROPE = "other_europe"
    OTHER = "other"

    @classmethod
    def labels(cls):
        return {
            cls.BASQUE_COUNTRY: _l("Basque Country"),
            cls.MIE: _l("Mie Prefecture"),
            cls.OTHER_JAPAN: _l("Other Japan"),
            cls.OTHER_EUROPE: _l("Other Europe"),
            cls.OTHER: _l("Other"),
        }

    @property
    def timezone(self):
        """The usual time zone of the region, for people whose own zone is not known."""
        return {
            Region.BASQUE_COUNTRY: "Europe/Madrid",
            Region.MIE: "Asia/Tokyo",
            Region.OTHER_JAPAN: "Asia/Tokyo",
        }.get(self)

    @property
    def side(self):
        """Which end of the bridge: "eu", "jp" or None."""
        if self in (Region.MIE, Region.OTHER_JAPAN):
            return "jp"
        if self in (Region.BASQUE_COUNTRY, Region.OTHER_EUROPE):
            return "eu"
        return None


class Size(LabelledEnum):
    MICRO = "micro"
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"

    @classmethod
    def labels(cls):
        return {
            cls.MICRO: _l("Micro (under 10 people)"),
            cls.SMALL: _l("Small (10–49)"),
            cls.MEDIUM: _l("Medium (50–249)"),
            cls.LARGE: _l("Large (250 or more)"),
        }


class LinkKind(LabelledEnum):
    MEMBER_OF = "member_of"
    SUBSIDIARY_OF = "subsidiary_of"
    PARTNER_OF = "partner_of"

    @classmethod
    def labels(cls):
        return {
            cls.MEMBER_OF: _l("member of"),
            cls.SUBSIDIARY_OF: _l("subsidiary of"),
            cls.PARTNER_OF: _l("partner of"),
        }

    @property
    def inverse_label(self):
        return {
            LinkKind.MEMBER_OF: _l("has as member"),
            LinkKind.SUBSIDIARY_OF: _l("parent of"),
            LinkKind.PARTNER_OF: _l("partner of"),
        }[self]


class Sector(db.Model):
    """A sector of common interest from the MoU (automotive, aeronautics, ...)."""

    __tablename__ = "sectors"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_en: Mapped[str] = mapped_column(String(80))
    name_ja: Mapped[str] = mapped_column(String(80))
    name_es: Mapped[str] = mapped_column(String(80))
    name_eu: Mapped[str | None] = mapped_column(String(80))

    def name(self, locale):
        return getattr(self, f"name_{locale}", None) or self.name_en


organization_sectors = Table(
    "organization_sectors",
    db.metadata,
    Column("organization_id", ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True),
    Column("sector_id", ForeignKey("sectors.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_organization_sectors_sector", "sector_id", "organization_id"),
)


COUNTRY_ZONES = {"ES": "Europe/Madrid", "JP": "Asia/Tokyo", "FR": "Europe/Paris"}


class Organization(Record, Mergeable, db.Model):
    """A company, association, cluster, technology centre, university or government body."""

    __tablename__ = "organizations"
    __table_args__ = (
        Index("ix_organizations_live_name", "name", "id", **LIVE_ONLY),
        # last_contact_at makes the pipeline's per-owner counts and medians index-only.
        Index("ix_organizations_owner_contact", "owner_id", "deleted_at", "last_contact_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    native_name: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[Kind] = mapped_column(enum_column(Kind))
    region: Mapped[Region] = mapped_column(enum_column(Region), index=True)
    country: Mapped[str] = mapped_column(String(2))
    city: Mapped[str | None] = mapped_column(String(120))
    size: Mapped[Size | None] = mapped_column(enum_column(Size))
    website: Mapped[str | None] = mapped_column(String(500))
    # How to reach the organization itself, as its own lists have it.
    email: Mapped[str | None] = mapped_column(String(254))
    # The domains its people write from ("tecnalia.com; tecnalia.es"): mail from an unknown
    # person at one of them is about this organization (crm.mailin).
    email_domains: Mapped[str | None] = mapped_column(String(1000))
    phone: Mapped[str | None] = mapped_column(String(40))  # E.164, read in its country
    address: Mapped[str | None] = mapped_column(String(500))
    postcode: Mapped[str | None] = mapped_column(String(20))
    tax_id: Mapped[str | None] = mapped_column(String(40))  # CIF/NIF, 法人番号
    description: Mapped[str | None] = mapped_column(Text)
    capabilities: Mapped[str | None] = mapped_column(Text)
    interests: Mapped[str | None] = mapped_column(Text)
    # The rest of the screening profile: working languages ("en,ja") and export markets.
    languages: Mapped[str | None] = mapped_column(String(40))
    export_markets: Mapped[str | None] = mapped_column(String(300))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    cadence_days: Mapped[int] = mapped_column(default=DEFAULT_CADENCE_DAYS)
    # Derived from the meetings (meetings.services.refresh_last_contact), for lists and filters.
    last_contact_at: Mapped[datetime | None]
    # last_contact_at + cadence: the lists' "overdue for contact" filter is a plain comparison.
    contact_due_at: Mapped[datetime | None] = mapped_column(index=True)
    search_key: Mapped[str] = mapped_column(String(KEY_LENGTH), default="")

    owner = relationship("User", foreign_keys=[owner_id], lazy="raise")
    sectors = relationship(Sector, secondary=organization_sectors, lazy="raise", order_by=Sector.id)

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        if self.native_name and self.native_name != self.name:
            return f"{self.native_name} ({self.name})"
        return self.name

    @property
    def zone(self):
        """Its usual time zone: its region's, else its country's (None when not known)."""
        return self.region.timezone or COUNTRY_ZONES.get(self.country)

    def is_quiet(self, now: datetime):
        """The rule of crm.reminders.planning.quiet_clauses, for this one organization (a query:
        lists ask for all their rows at once)."""
        from sqlalchemy import exists, select

        from crm.extensions import db
        from crm.reminders.planning import quiet_clauses

        return db.session.scalar(
            select(exists().where(Organization.id == self.id, *quiet_clauses(now)))
        )

    def set_last_contact(self, instant):
        self.last_contact_at = instant
        self.contact_due_at = instant + timedelta(days=self.cadence_days) if instant else None


class OrganizationLink(db.Model):
    """A typed, dated link: e.g. a Basque company that joined a Japanese association."""

    __tablename__ = "organization_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    from_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    to_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[LinkKind] = mapped_column(enum_column(LinkKind))
    since: Mapped[date | None]
    until: Mapped[date | None]
    note: Mapped[str | None] = mapped_column(String(300))

    source = relationship(Organization, foreign_keys=[from_id], lazy="raise")
    target = relationship(Organization, foreign_keys=[to_id], lazy="raise")


kinds.register(
    kinds.Kind(
        name="organization",
        model=Organization,
        label=_l("Organization"),
        plural=_l("Organizations"),
        detail="organizations.detail",
        attachable=True,
        url="/organizations/<id:organization_id>",
        dependents=("contact", "action"),  # they share its fate in the trash
        mergeable=True,
        order=10,
    )
)
