from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.database import LabelledEnum, enum_column
from crm.extensions import db
from crm.kinds import Kind, register, waits_for_organization
from crm.organizations.models import Organization
from crm.records import LIVE_ONLY, Mergeable, Record
from crm.text import KEY_LENGTH


class NameOrder(LabelledEnum):
    """How a person's name is written and displayed."""

    WESTERN = "western"  # given name, family name(s): Ane Etxeberria Goikoetxea
    JAPANESE = "japanese"  # family name first: 山田 太郎 (Yamada Taro)

    @classmethod
    def labels(cls):
        return {
            cls.WESTERN: _l("Given name first (Basque, Spanish, …)"),
            cls.JAPANESE: _l("Family name first (Japanese)"),
        }


class Contact(Record, Mergeable, db.Model):
    """A person at an organization."""

    __tablename__ = "contacts"
    __table_args__ = (
        Index("ix_contacts_live_name", "family_name", "given_name", "id", **LIVE_ONLY),
        Index("ix_contacts_organization", "organization_id", "deleted_at"),
        Index("ix_contacts_owner", "owner_id", "deleted_at"),
        Index("ix_contacts_email", "email"),
        Index("ix_contacts_live_search", "deleted_at", "search_key"),
        # One permanent point of contact per organization, among live contacts.
        Index(
            "uq_contacts_primary_per_organization",
            "organization_id",
            unique=True,
            sqlite_where=db.text("is_primary AND deleted_at IS NULL"),
            postgresql_where=db.text("is_primary AND deleted_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    name_order: Mapped[NameOrder] = mapped_column(enum_column(NameOrder, 12))
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    second_family_name: Mapped[str | None] = mapped_column(String(100))
    native_name: Mapped[str | None] = mapped_column(String(100))  # 山田 太郎
    reading: Mapped[str | None] = mapped_column(String(100))  # やまだ たろう
    salutation: Mapped[str | None] = mapped_column(String(60))  # 山田様, Yamada-san, Jauna
    job_title: Mapped[str | None] = mapped_column(String(150))
    email: Mapped[str | None] = mapped_column(String(254))
    other_emails: Mapped[str | None] = mapped_column(String(1000))  # "a@x.example; b@y.example"
    phone: Mapped[str | None] = mapped_column(String(40))  # E.164, ";ext=" if any
    mobile: Mapped[str | None] = mapped_column(String(40))
    # Every other number, E.164 with its label: "Home: +34944009002; Fax: +81591234567".
    other_phones: Mapped[str | None] = mapped_column(String(1000))
    language: Mapped[str | None] = mapped_column(String(8))
    timezone: Mapped[str | None] = mapped_column(String(64))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    is_primary: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str | None] = mapped_column(Text)
    search_key: Mapped[str] = mapped_column(String(KEY_LENGTH), default="")

    organization = relationship(Organization, lazy="raise")
    owner = relationship("User", foreign_keys="Contact.owner_id", lazy="raise")

    def __str__(self):
        return self.display_name

    @property
    def latin_name(self):
        if self.name_order is NameOrder.JAPANESE:
            return f"{self.family_name} {self.given_name}"
        return " ".join(
            p for p in (self.given_name, self.family_name, self.second_family_name) if p
        )

    @property
    def display_name(self):
        """The name in its own order: 山田 太郎 (Yamada Taro), or Ane Etxeberria Goikoetxea."""
        if self.native_name:
            return f"{self.native_name} ({self.latin_name})"
        return self.latin_name

    @property
    def zone(self):
        """The contact's time zone, or the usual one of their organization's region."""
        return self.timezone or self.organization.region.timezone


register(
    Kind(
        name="contact",
        model=Contact,
        label=_l("Contact"),
        plural=_l("Contacts"),
        detail="contacts.detail",
        # Its organization's owner looks after the people there too.
        editors=lambda contact: {contact.owner_id, contact.organization.owner_id},
        editor_loads=("organization",),
        restore_refusal=waits_for_organization,
        shown_with="organization",
        mergeable=True,
        order=20,
    )
)
