from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.clock import now_utc
from crm.extensions import db


class AuditEvent(db.Model):
    """One entry of the history: who did what to which record, and which fields changed.

    Written in the same transaction as the change it describes, and never updated.
    """

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_entity", "entity_type", "entity_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=now_utc)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(32))
    entity_type: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[int | None]
    # {"field": [old, new], ...} for updates; free details for other actions.
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
    ip: Mapped[str | None] = mapped_column(String(45))
    # The personal access token the change came through (crm/api), or None for the pages.
    token_id: Mapped[int | None] = mapped_column(ForeignKey("api_tokens.id", ondelete="SET NULL"))

    actor = relationship("User", lazy="raise")
    token = relationship("ApiToken", lazy="raise")
