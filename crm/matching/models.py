from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.clock import now_utc
from crm.database import LabelledEnum, enum_column
from crm.extensions import db
from crm.kinds import Kind, register
from crm.organizations.models import Organization
from crm.records import Record


class Stage(LabelledEnum):
    SUGGESTED = "suggested"
    INTRODUCED = "introduced"
    EXPLORING = "exploring"
    ACTIONS_DEFINED = "actions_defined"
    COLLABORATING = "collaborating"
    SUCCESS_STORY = "success_story"
    CLOSED = "closed"

    @classmethod
    def labels(cls):
        return {
            cls.SUGGESTED: _l("Suggested"),
            cls.INTRODUCED: _l("Introduced"),
            cls.EXPLORING: _l("Exploring"),
            cls.ACTIONS_DEFINED: _l("Actions defined"),
            cls.COLLABORATING: _l("Collaborating"),
            cls.SUCCESS_STORY: _l("Success story"),
            cls.CLOSED: _l("Closed"),
        }

    @property
    def rank(self):
        """Position along the way; closing is not a step forward or back."""
        return PIPELINE.index(self) if self in PIPELINE else None


STUCK_DAYS = 30  # a match this long in one stage is shown to managers as stuck

PIPELINE = [
    Stage.SUGGESTED,
    Stage.INTRODUCED,
    Stage.EXPLORING,
    Stage.ACTIONS_DEFINED,
    Stage.COLLABORATING,
    Stage.SUCCESS_STORY,
]


class Match(Record, db.Model):
    """A Basque organization and a Mie organization that the programme puts in touch."""

    __tablename__ = "matches"
    __table_args__ = (
        UniqueConstraint("basque_id", "mie_id"),
        Index("ix_matches_stage", "deleted_at", "stage", "stage_since"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    basque_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    mie_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    stage: Mapped[Stage] = mapped_column(enum_column(Stage, 16), default=Stage.SUGGESTED)
    stage_since: Mapped[datetime] = mapped_column(default=now_utc)
    closed_reason: Mapped[str | None] = mapped_column(String(300))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    score: Mapped[float] = mapped_column(default=0.0)
    # Why the pair was proposed: {"sectors": [...], "offers": [...], "seeks": [...], ...}
    reasons: Mapped[dict] = mapped_column(JSON, default=dict)
    notes: Mapped[str | None] = mapped_column(Text)

    basque = relationship(Organization, foreign_keys=[basque_id], lazy="raise")
    mie = relationship(Organization, foreign_keys=[mie_id], lazy="raise")
    owner = relationship("User", foreign_keys=[owner_id], lazy="raise")
    history = relationship(
        "StageChange", lazy="raise", order_by="StageChange.at", cascade="all, delete-orphan"
    )

    def __str__(self):
        return f"{self.basque.name} ↔ {self.mie.display_name}"


class StageChange(db.Model):
    """The dated history of a match's stages."""

    __tablename__ = "match_stage_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("matches.id", ondelete="CASCADE"), index=True)
    from_stage: Mapped[Stage | None] = mapped_column(enum_column(Stage, 16))
    to_stage: Mapped[Stage] = mapped_column(enum_column(Stage, 16))
    at: Mapped[datetime] = mapped_column(default=now_utc)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str | None] = mapped_column(String(300))

    by = relationship("User", lazy="raise")


class Decline(db.Model):
    """A proposal someone turned down: the engine does not propose the pair again."""

    __tablename__ = "match_declines"
    __table_args__ = (UniqueConstraint("basque_id", "mie_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    basque_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    mie_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=now_utc)


register(
    Kind(
        name="match",
        model=Match,
        label=_l("Match"),
        plural=_l("Matches"),
        detail="matching.detail",
        editors=lambda match: {match.owner_id, match.basque.owner_id, match.mie.owner_id},
        editor_loads=("basque", "mie"),
        # Closed with a reason rather than deleted: their history is the programme's record.
        trashable=False,
    )
)
