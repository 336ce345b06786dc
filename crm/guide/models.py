from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.extensions import db
from crm.kinds import Kind, register
from crm.records import Record


class GuidePage(Record, db.Model):
    """A page of the shared culture guide: etiquette, customs, calendars, forms of address."""

    __tablename__ = "guide_pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")  # Markdown, sanitised when shown
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    updated_by = relationship("User", foreign_keys=[updated_by_id], lazy="raise")

    def __str__(self):
        return self.title


register(
    Kind(
        name="guide_page",
        model=GuidePage,
        label=_l("Guide page"),
        plural=_l("Living the culture"),
        detail="guide.page",
        detail_args=lambda page: {"slug": page.slug},
        order=90,
    )
)
