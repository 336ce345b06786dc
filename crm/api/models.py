"""The integration API's tables: personal access tokens, remembered POST responses for
``Idempotency-Key``, and the webhook endpoints with their outbox of deliveries."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.clock import now_utc
from crm.database import LabelledEnum, enum_column
from crm.extensions import db


class Scope(LabelledEnum):
    READ = "read"  # GET only
    WRITE = "write"  # every verb the token's user may use

    @classmethod
    def labels(cls):
        return {cls.READ: _l("Read"), cls.WRITE: _l("Read and write")}


class ApiToken(db.Model):
    """A personal access token. Only the SHA-256 of the secret is kept; ``prefix`` (the first
    characters of the secret) lets its owner recognise it in the list."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    scope: Mapped[Scope] = mapped_column(enum_column(Scope, 8))
    prefix: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    expires_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user = relationship("User", lazy="joined")

    def usable(self, now):
        return (
            self.revoked_at is None
            and (self.expires_at is None or self.expires_at > now)
            and self.user.active
        )

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"


class IdempotentRequest(db.Model):
    """The first answer to a POST with an ``Idempotency-Key``: a retry gets it again."""

    __tablename__ = "api_idempotency_keys"
    __table_args__ = (
        UniqueConstraint("token_id", "key", name="uq_api_idempotency_keys_token_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("api_tokens.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255))
    fingerprint: Mapped[str] = mapped_column(String(64))  # method, path and body
    status: Mapped[int]
    body: Mapped[dict] = mapped_column(JSON)
    location: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)


class WebhookEndpoint(db.Model):
    """An address that receives signed events (Standard Webhooks)."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    events: Mapped[str] = mapped_column(String(2000))  # comma-separated types, "*" for all
    secret: Mapped[str] = mapped_column(String(100))  # "whsec_<base64>"
    description: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    def wants(self, event_type):
        wanted = {item.strip() for item in self.events.split(",") if item.strip()}
        return "*" in wanted or event_type in wanted or f"{event_type.split('.')[0]}.*" in wanted


class WebhookDelivery(db.Model):
    """One event for one endpoint: a row of the webhooks' outbox, written in the transaction of
    the change, sent by the scheduler's pass with retries (crm/api/webhooks.py)."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        Index(
            "ix_webhook_deliveries_due",
            "next_attempt_at",
            postgresql_where=text("status = 'pending'"),
            sqlite_where=text("status = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), index=True
    )
    message_id: Mapped[str] = mapped_column(String(40), unique=True)  # webhook-id: "msg_…"
    event_type: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)  # the exact JSON that is signed and sent
    status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=now_utc)
    claimed_at: Mapped[datetime | None]
    last_status: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    delivered_at: Mapped[datetime | None]

    endpoint = relationship("WebhookEndpoint", lazy="joined")
