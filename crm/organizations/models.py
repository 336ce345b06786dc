from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from crm.extensions import db


class Sector(db.Model):
    """A sector of common interest from the MoU (automotive, aeronautics, ...)."""

    __tablename__ = "sectors"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_en: Mapped[str] = mapped_column(String(80))
    name_ja: Mapped[str] = mapped_column(String(80))
    name_es: Mapped[str] = mapped_column(String(80))

    def name(self, locale):
        return getattr(self, f"name_{locale}", None) or self.name_en
